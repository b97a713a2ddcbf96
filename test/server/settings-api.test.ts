import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { getJson, testApp } from "./api-test-kit.js";

function sendJson(app: ReturnType<typeof testApp>, method: string, url: string, body?: unknown) {
  return app.request(url, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describeEachDatabase("settings API", (database) => {
  it("reads the defaults, changes what is given, audits it, and refuses bad input with nothing changed", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const initial = await getJson(app, "/api/v1/settings");
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({
      testMode: false,
      sender: { email: null, phone: null },
      schedule: {
        enabled: true,
        cycleTime: "06:00",
        quietHours: { start: "20:00", end: "08:00" },
        timeZone: "UTC",
        weekendDays: ["sat", "sun"],
        holidays: [],
      },
    });

    const changed = await sendJson(app, "PATCH", "/api/v1/settings", {
      testMode: true,
      sender: { email: "ar@example.test" },
      schedule: {
        cycleTime: "07:30",
        quietHours: null,
        timeZone: "Europe/Berlin",
        weekendDays: ["fri", "sat"],
      },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      testMode: true,
      sender: { email: "ar@example.test" },
      schedule: {
        cycleTime: "07:30",
        quietHours: null,
        timeZone: "Europe/Berlin",
        weekendDays: ["fri", "sat"],
      },
    });

    const before = (await getJson(app, "/api/v1/settings")).body;
    for (const bad of [
      { schedule: { timeZone: "Mars/Olympus", cycleTime: "05:00" } },
      { schedule: { cycleTime: "25:00" } },
      { schedule: { quietHours: { start: "08:00", end: "08:00" } } },
      { sender: { email: "not an address" }, schedule: { timeZone: "Asia/Tokyo" } },
      { schedule: { weekendDays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] } },
    ]) {
      const refused = await sendJson(app, "PATCH", "/api/v1/settings", bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
      expect((await getJson(app, "/api/v1/settings")).body).toEqual(before);
    }

    const christmas = await sendJson(app, "PUT", "/api/v1/settings/holidays/2026-12-25", {
      name: "Christmas Day",
    });
    expect(((await christmas.json()) as { schedule: { holidays: unknown } }).schedule.holidays).toEqual([
      { day: "2026-12-25", name: "Christmas Day" },
    ]);
    expect(
      (await sendJson(app, "PUT", "/api/v1/settings/holidays/2026-02-30", { name: "Nope" })).status,
    ).toBe(400);
    expect((await sendJson(app, "DELETE", "/api/v1/settings/holidays/2026-12-26")).status).toBe(404);
    expect((await sendJson(app, "DELETE", "/api/v1/settings/holidays/2026-12-25")).status).toBe(200);

    const audit = await store.handle.pool.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE action LIKE 'collection.settings%' OR action LIKE 'entity.%' ORDER BY seq`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "collection.settings_changed",
      "entity.calendar_changed",
      "entity.holiday_added",
      "entity.holiday_removed",
    ]);

    const runs = await getJson(app, "/api/v1/schedule/runs");
    expect(runs).toMatchObject({ status: 200, body: { items: [] } });
  });
});
