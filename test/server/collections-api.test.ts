import { expect, it } from "vitest";
import { policyToYaml } from "../../src/collections/policy-document.js";
import { DEFAULT_COLLECTION_POLICY, defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { describeEachDatabase } from "../support/databases.js";
import { SMALL_LEDGER } from "../support/ledger-folder.js";
import { getJson, postImport, testApp } from "./api-test-kit.js";

function sendJson(app: ReturnType<typeof testApp>, method: string, url: string, body: unknown, key?: string) {
  return app.request(url, {
    method,
    headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: JSON.stringify(body),
  });
}

describeEachDatabase("collections API", (database) => {
  it("serves the shipped policy, replaces it once per idempotency key, and refuses an invalid one unchanged", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    const initial = await getJson(app, "/api/v1/policy");
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ version: 0, updatedBy: null });
    expect(initial.body.policy.workflows.map((w: { key: string }) => w.key)).toEqual([
      "relationship",
      "strategic-watch",
      "standard",
      "firm",
    ]);

    const invalid = defaultCollectionPolicy() as unknown as { assignments: unknown[] };
    invalid.assignments = [{ segment: "chronic-delinquent", workflow: "nowhere" }];
    const refused = await sendJson(app, "PUT", "/api/v1/policy", { policy: invalid });
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as {
      error: { code: string; details: { problems: { path: string }[] } };
    };
    expect(problem.error.code).toBe("POLICY_INVALID");
    expect(problem.error.details.problems.map((p: { path: string }) => p.path)).toEqual([
      "assignments[0].workflow",
      "assignments",
    ]);
    expect((await getJson(app, "/api/v1/policy")).body.version).toBe(0);

    const policy = defaultCollectionPolicy();
    policy.workflows[2]!.minDaysBetweenMessages = 5;
    const first = await sendJson(app, "PUT", "/api/v1/policy", { policy, expectedVersion: 0 }, "p-1");
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      version: 1,
      changed: true,
      workflows: ["relationship", "strategic-watch", "standard", "firm"],
    });
    const retry = await sendJson(app, "PUT", "/api/v1/policy", { policy, expectedVersion: 0 }, "p-1");
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    const stale = await sendJson(app, "PUT", "/api/v1/policy", {
      policy: DEFAULT_COLLECTION_POLICY,
      expectedVersion: 0,
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("POLICY_VERSION_CONFLICT");
    const stored = await getJson(app, "/api/v1/policy");
    expect(stored.body).toMatchObject({ version: 1, updatedBy: "api" });
    expect(stored.body.policy.workflows[2].minDaysBetweenMessages).toBe(5);
    // what the API stores is what `recoup policy export` prints
    expect(policyToYaml(stored.body.policy)).toBe(policyToYaml(policy));
  });

  it("refreshes the profiles and shows a customer's rating, factors and segment", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    expect((await postImport(app, SMALL_LEDGER)).status).toBe(200);
    const before = await getJson(app, "/api/v1/customers/C1/profile");
    expect(before.status).toBe(404);
    expect(before.body.error.message).toMatch(/no profile yet/);

    const refreshed = await sendJson(app, "POST", "/api/v1/customers/profiles/refresh", {});
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ asOf: "2026-04-15", customers: 2, changed: 2 });

    const profile = await getJson(app, "/api/v1/customers/C1/profile");
    expect(profile.status).toBe(200);
    // I1: 40.00 open, 74 days past due; I2: 40.50 open, 43 days past due; neither settled
    expect(profile.body).toMatchObject({
      customerRef: "C1",
      asOf: "2026-04-15",
      open: { amount: 8050, currency: "USD" },
      overdue: { amount: 8050, currency: "USD" },
      behaviour: { settledInvoices: 0, overdueInvoices: 2, oldestDaysPastDue: 74 },
      risk: { rating: expect.stringMatching(/^[A-D]$/) },
      segment: { key: expect.any(String), since: "2026-04-15" },
    });
    expect(profile.body.risk.factors.find((f: { key: string }) => f.key === "no_history").points).toBe(10);
    expect(profile.body.history).toHaveLength(1);
    expect((await getJson(app, "/api/v1/customers/NOPE/profile")).body.error.code).toBe("CUSTOMER_NOT_FOUND");
    const badDate = await sendJson(app, "POST", "/api/v1/customers/profiles/refresh", { asOf: "2026-02-30" });
    expect(badDate.status).toBe(400);
  });

  it("runs the cycle, lists the outbox and the worklist, assigns and closes tasks, and keeps templates to the standards", async () => {
    const store = await database.freshStore();
    const app = testApp(store);
    expect((await postImport(app, SMALL_LEDGER)).status).toBe(200);
    const callsOnly = {
      workflows: [
        {
          key: "calls",
          steps: [
            { key: "reminder", offsetDays: 5, channel: "email", template: "overdue-1" },
            { key: "call", offsetDays: 10, channel: "call" },
          ],
        },
      ],
      assignments: [{ default: true, workflow: "calls" }],
    };
    expect((await sendJson(app, "PUT", "/api/v1/policy", { policy: callsOnly })).status).toBe(200);

    const dry = await sendJson(app, "POST", "/api/v1/cycle/runs", { dryRun: true });
    expect(dry.status).toBe(200);
    expect((await dry.json()) as { actions: { status: string }[] }).toMatchObject({
      asOf: "2026-04-15",
      dryRun: true,
      // I3 of C2 falls due today: only C1 is past its call step
      actions: [
        { customerRef: "C1", channel: "call", status: "planned", id: null, invoiceRefs: ["I1", "I2"] },
      ],
    });
    const run = await sendJson(app, "POST", "/api/v1/cycle/runs", {}, "cycle-1");
    const result = (await run.json()) as {
      actions: { customerRef: string; channel: string; status: string }[];
    };
    expect(result.actions.map((a) => `${a.customerRef} ${a.channel} ${a.status}`)).toEqual([
      "C1 call task_created",
    ]);
    // the email steps were superseded by the calls: nothing in the outbox
    expect((await getJson(app, "/api/v1/outbox")).body).toEqual({ items: [], nextCursor: null });

    const worklist = await getJson(app, "/api/v1/worklist");
    expect(worklist.status).toBe(200);
    const items = worklist.body.items as {
      taskId: string;
      customerRef: string;
      priority: number;
      nextAction: string;
      why: unknown[];
    }[];
    expect(items.map((i) => i.customerRef)).toEqual(["C1"]);
    expect(items[0]!.nextAction).toMatch(/^Call /);
    expect(items[0]!.why.length).toBeGreaterThan(0);

    const taskId = items[0]!.taskId;
    const assigned = await sendJson(app, "POST", `/api/v1/tasks/${taskId}/assignment`, {
      assignee: "tom@recoup.test",
    });
    expect(await assigned.json()).toEqual({ taskId, assignee: "tom@recoup.test" });
    expect((await getJson(app, "/api/v1/worklist?collector=tom@recoup.test")).body.items).toHaveLength(1);
    const done = await sendJson(app, "POST", `/api/v1/tasks/${taskId}/completion`, {
      outcome: "reached",
      note: "pays Friday",
    });
    expect(done.status).toBe(200);
    const again = await sendJson(app, "POST", `/api/v1/tasks/${taskId}/completion`, { outcome: "reached" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("TASK_CLOSED");
    expect(
      (await sendJson(app, "POST", "/api/v1/tasks/999999/completion", { outcome: "reached" })).status,
    ).toBe(404);
    const after = (await getJson(app, "/api/v1/worklist")).body.items as { taskId: string | null }[];
    expect(after.map((i) => i.taskId)).not.toContain(taskId);

    const shipped = await getJson(app, "/api/v1/templates/de/overdue-1");
    expect(shipped.status).toBe(200);
    expect(shipped.body.source).toMatch(/^---\nsubject: /);
    const refused = await sendJson(app, "PUT", "/api/v1/templates/en/overdue-1", {
      source: "---\nsubject: LAST CHANCE\n---\nPay now or we will sue you!!\n",
    });
    expect(refused.status).toBe(422);
    const refusal = (await refused.json()) as {
      error: { code: string; details: { findings: { rule: string }[] } };
    };
    expect(refusal.error.code).toBe("TEMPLATE_REFUSED");
    expect(refusal.error.details.findings.map((f) => f.rule)).toContain("threat");
    const english = await getJson(app, "/api/v1/templates/en/overdue-1");
    const reworded = await sendJson(app, "PUT", "/api/v1/templates/en/overdue-1", {
      source: english.body.source.replace("Kind regards", "With best regards"),
    });
    expect(reworded.status).toBe(200);
    expect(await reworded.json()).toEqual({ key: "overdue-1", language: "en", version: 1, changed: true });
    expect((await getJson(app, "/api/v1/templates/en/overdue-1")).body.body).toContain("With best regards");
  });
});
