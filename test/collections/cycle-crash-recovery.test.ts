import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { fixedClock } from "../../src/clock.js";
import { openRecoup } from "../../src/db/open-recoup.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import type { FaultPoint } from "../../src/fault-points.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { createServerDatabase, isServerReachable } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { splitMessage } from "../support/mime-reader.js";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");
const AS_OF = "2026-12-03";

/** Six customers with invoices one day past due (an email each) and two long overdue (a call each). */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email\n" +
    Array.from({ length: 6 }, (_, i) => `C${i},Customer ${i} Ltd,EUR,ap@c${i}.test\n`).join("") +
    "L1,Late One Ltd,EUR,ap@l1.test\nL2,Late Two Ltd,EUR,ap@l2.test\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    Array.from({ length: 6 }, (_, i) => `I${i},C${i},2026-11-02,2026-12-02,${100 + i}.00\n`).join("") +
    "IL1,L1,2026-10-01,2026-11-05,900.00\nIL2,L2,2026-10-01,2026-11-06,800.00\n",
};

/** Runs the cycle in a child process; resolves with how it ended. */
async function cycleProcess(
  db: string,
  smtpUrl: string,
  env: Record<string, string>,
): Promise<{ killed: boolean; stdout: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "test/support/cycle-runner.ts", db, AS_OF, smtpUrl],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: "", ...env },
      },
    );
    return { killed: false, stdout };
  } catch (error) {
    const e = error as { signal?: string; stderr?: string };
    if (e.signal === "SIGKILL") return { killed: true, stdout: "" };
    throw new Error(`the cycle process failed: ${e.stderr ?? String(error)}`);
  }
}

async function prepare(target: string): Promise<void> {
  const store = await openRecoup(target);
  const clock = fixedClock(`${AS_OF}T06:00:00Z`);
  try {
    await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" });
    const policy = defaultCollectionPolicy();
    policy.workflows = policy.workflows.filter((w) => w.key === "standard");
    policy.workflows[0]!.steps = policy.workflows[0]!.steps.map((s) =>
      s.key === "call" ? { ...s, conditions: {} } : s,
    );
    policy.assignments = [{ default: true, workflow: "standard" }];
    await applyCollectionPolicy({ store, clock, actor: "test", policy });
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: { senderEmail: "ar@recoup.test", quietHours: null },
    });
  } finally {
    await store.close();
  }
}

/** What the database holds after the cycles: every action final, each message and task once. */
async function outcome(target: string) {
  const store = await openRecoup(target);
  try {
    const db = store.handle.pool;
    const actions = (
      await db.query<{
        channel: string;
        status: string;
        messages: string;
        tasks: string;
        delivery: string | null;
      }>(
        `SELECT a.channel, a.status,
           (SELECT count(*) FROM outbox_messages m WHERE m.action_id = a.id) AS messages,
           (SELECT count(*) FROM collection_tasks t WHERE t.action_id = a.id) AS tasks,
           (SELECT m.delivery_status FROM outbox_messages m WHERE m.action_id = a.id) AS delivery
         FROM collection_actions a ORDER BY a.id`,
      )
    ).rows;
    const messageIds = (
      await db.query<{ message_id: string }>(`SELECT message_id FROM outbox_messages`)
    ).rows.map((r) => r.message_id);
    return { actions, messageIds };
  } finally {
    await store.close();
  }
}

type Target = { kind: string; fresh: () => Promise<string> };

const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop().catch(() => undefined);
});

async function targets(): Promise<Target[]> {
  const list: Target[] = [
    { kind: "pglite", fresh: async () => path.join(mkdtempSync(path.join(tmpdir(), "recoup-crash-")), "db") },
  ];
  if (await isServerReachable()) {
    list.push({
      kind: "postgres",
      fresh: async () => {
        const created = await createServerDatabase();
        dropped.push(created.drop);
        return created.url;
      },
    });
  }
  return list;
}

const FAULTS: FaultPoint[] = [
  "cycle.after-plan",
  "dispatch.before-commit",
  "dispatch.after-first-batch",
  "deliver.after-claim",
  "deliver.after-send",
];

describe("a collections cycle killed at any point and run again", async () => {
  let peer: SmtpPeer;
  beforeAll(async () => {
    peer = await startSmtpPeer();
  });
  afterAll(async () => {
    await peer.close();
  });

  for (const target of await targets()) {
    for (const fault of FAULTS) {
      it(`loses nothing and sends nothing twice when killed at ${fault} [${target.kind}]`, async () => {
        const db = await target.fresh();
        await prepare(db);
        peer.received.length = 0;
        const killed = await cycleProcess(db, peer.url, {
          RECOUP_NOW: `${AS_OF}T07:00:00Z`,
          RECOUP_FAULT_POINT: fault,
        });
        expect(killed.killed).toBe(true);
        // restarted after the stale-claim window, as a scheduler retrying the day would
        const rerun = await cycleProcess(db, peer.url, { RECOUP_NOW: `${AS_OF}T07:30:00Z` });
        expect(rerun.killed).toBe(false);

        const { actions, messageIds } = await outcome(db);
        expect(actions.filter((a) => a.channel === "email")).toHaveLength(6);
        expect(actions.filter((a) => a.channel === "call")).toHaveLength(2);
        for (const action of actions) {
          expect(action.status).toBe(action.channel === "call" ? "task_created" : "sent");
          expect(Number(action.messages) + Number(action.tasks)).toBe(1);
          if (action.channel === "email") expect(action.delivery).toBe("delivered");
        }
        // every message reached the peer; a resend after a crash between the peer's acceptance and
        // our record of it (deliver.after-send) carries the same Message-ID, never a second one
        const arrived = peer.received.map((m) => splitMessage(m.raw).headers.get("message-id")!);
        expect(new Set(arrived)).toEqual(new Set(messageIds));
        expect(arrived.length).toBe(
          fault === "deliver.after-send" ? messageIds.length + 1 : messageIds.length,
        );
      }, 120_000);
    }

    // One process per embedded database (a second is refused, as the CLI suite tests): concurrency is a server matter.
    if (target.kind !== "postgres") continue;
    it(`produces each action once when two cycles run at the same time [${target.kind}]`, async () => {
      const db = await target.fresh();
      await prepare(db);
      peer.received.length = 0;
      const env = { RECOUP_NOW: `${AS_OF}T07:00:00Z` };
      await Promise.all([cycleProcess(db, peer.url, env), cycleProcess(db, peer.url, env)]);
      const { actions, messageIds } = await outcome(db);
      expect(actions).toHaveLength(8);
      const arrived = peer.received.map((m) => splitMessage(m.raw).headers.get("message-id")!);
      expect(arrived.sort()).toEqual([...messageIds].sort());
    }, 120_000);
  }
});
