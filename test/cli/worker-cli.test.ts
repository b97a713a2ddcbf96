import { describe, expect, it } from "vitest";
import { cliTargets, recoup } from "../support/cli.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

describe("recoup settings, holiday, worker and schedule", async () => {
  for (const { kind, db } of await cliTargets("recoup-worker-cli-")) {
    it(`sets the schedule, and a worker killed after claiming the day is taken over later [${kind}]`, async () => {
      expect((await recoup(["--db", db, "import", ledgerFolder(SMALL_LEDGER)])).code).toBe(0);
      const set = await recoup([
        "--db",
        db,
        "--json",
        "settings",
        "set",
        "--time-zone",
        "Europe/Paris",
        "--cycle-time",
        "07:00",
        "--quiet-hours",
        "off",
      ]);
      expect(set.code).toBe(0);
      expect(JSON.parse(set.stdout).schedule).toMatchObject({
        cycleTime: "07:00",
        quietHours: null,
        timeZone: "Europe/Paris",
      });
      expect((await recoup(["--db", db, "holiday", "add", "2026-12-25", "Christmas", "Day"])).code).toBe(0);
      const bad = await recoup(["--db", db, "settings", "set", "--weekend", "sat,someday"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('"someday" is not a weekday');

      // Wednesday 15 April 2026, 11:00 in Paris: the day's cycle is due. The worker dies right after claiming it.
      const killed = await recoup(["--db", db, "worker", "--once"], {
        RECOUP_FAULT_POINT: "schedule.after-claim",
      });
      expect(killed.signal).toBe("SIGKILL");
      const soon = await recoup(["--db", db, "--json", "worker", "--once"], {
        RECOUP_NOW: "2026-04-15T09:10:00Z",
      });
      expect(JSON.parse(soon.stdout).cycle).toMatchObject({ ran: false, reason: "running_elsewhere" });
      const later = await recoup(["--db", db, "--json", "worker", "--once"], {
        RECOUP_NOW: "2026-04-15T10:30:00Z",
      });
      expect(JSON.parse(later.stdout).cycle).toMatchObject({
        ran: true,
        businessDate: "2026-04-15",
        attempt: 2,
      });

      const schedule = JSON.parse((await recoup(["--db", db, "--json", "schedule"])).stdout);
      expect(schedule.schedule.holidays).toEqual([{ day: "2026-12-25", name: "Christmas Day" }]);
      expect(schedule.runs).toMatchObject([{ businessDate: "2026-04-15", status: "done", attempts: 2 }]);
      const text = await recoup(["--db", db, "schedule"]);
      expect(text.stdout).toContain("The cycle runs from 07:00 (Europe/Paris) on business days");
    }, 120_000);
  }
});
