import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServerDatabase, isServerReachable } from "../support/databases.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/** The CLI from source in a child process, at a given instant; never rejects. */
function recoup(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, RECOUP_NOW: "2026-04-15T09:00:00Z", DATABASE_URL: "", ...env },
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number; signal?: string }) | null;
        resolve({
          code: failure ? (failure.code ?? null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

const dataDirs: string[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  for (const drop of drops) await drop();
});

async function targets(): Promise<{ kind: string; db: string }[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "recoup-worker-cli-"));
  dataDirs.push(dir);
  const list = [{ kind: "pglite", db: path.join(dir, "db") }];
  if (await isServerReachable()) {
    const created = await createServerDatabase();
    drops.push(created.drop);
    list.push({ kind: "postgres", db: created.url });
  }
  return list;
}

describe("recoup settings, holiday, worker and schedule", async () => {
  for (const { kind, db } of await targets()) {
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
