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
import { createPaymentPlan } from "../../src/plans/create-payment-plan.js";
import { signPaymentPlan } from "../../src/plans/sign-payment-plan.js";
import { recordPromise } from "../../src/promises/record-promise.js";
import { createServerDatabase, isServerReachable } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { splitMessage } from "../support/mime-reader.js";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.js";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");
const AS_OF = "2026-03-16"; // a Monday: email goes out on business days

/**
 * On 16 March: B's promise (100.00 by 12 March, 3 grace days) is broken, its invoice's overdue-2
 * goes out; L's weekly plan misses instalment 1 (due 12 March) and reminds of instalment 2
 * (due 19 March).
 */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,collector_email\n" +
    "B,Breaks Ltd,EUR,ap@breaks.test,col@recoup.test\n" +
    "L,Late Ltd,EUR,ap@late.test,col@recoup.test\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "B1,B,2026-02-01,2026-03-02,100.00\n" +
    "L1,L,2026-02-01,2026-03-02,300.00\n",
};

async function cycleProcess(
  db: string,
  smtpUrl: string,
  env: Record<string, string>,
): Promise<{ killed: boolean }> {
  try {
    await run(process.execPath, ["--import", "tsx", "test/support/cycle-runner.ts", db, AS_OF, smtpUrl], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: "", ...env },
    });
    return { killed: false };
  } catch (error) {
    const e = error as { signal?: string; stderr?: string };
    if (e.signal === "SIGKILL") return { killed: true };
    throw new Error(`the cycle process failed: ${e.stderr ?? String(error)}`);
  }
}

async function prepare(target: string): Promise<void> {
  const store = await openRecoup(target);
  const clock = fixedClock("2026-03-01T06:00:00Z");
  try {
    expect(
      (await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" })).errors,
    ).toEqual([]);
    const policy = defaultCollectionPolicy();
    policy.workflows = policy.workflows.filter((w) => w.key === "standard");
    policy.workflows[0]!.minDaysBetweenMessages = 0;
    policy.assignments = [{ default: true, workflow: "standard" }];
    await applyCollectionPolicy({ store, clock, actor: "test", policy });
    await updateCollectionSettings({
      store,
      clock,
      actor: "test",
      changes: { senderEmail: "ar@recoup.test", quietHours: null },
    });
    await recordPromise({
      store,
      clock,
      actor: "test",
      customerRef: "B",
      amount: "100.00",
      promisedOn: "2026-03-12",
      asOf: "2026-03-04",
    });
    const plan = await createPaymentPlan({
      store,
      clock,
      actor: "test",
      customerRef: "L",
      invoiceRefs: ["L1"],
      instalments: 3,
      every: "week",
      first: "2026-03-12",
      asOf: "2026-03-01",
    });
    await signPaymentPlan({ store, clock, actor: "test", planId: plan.id, asOf: "2026-03-02" });
  } finally {
    await store.close();
  }
}

async function outcome(target: string) {
  const store = await openRecoup(target);
  try {
    const db = store.handle.pool;
    const one = async (sql: string) => Number((await db.query(sql)).rows[0].n);
    const actions = (
      await db.query<{ purpose: string; status: string; messages: string; delivery: string | null }>(
        `SELECT a.purpose, a.status,
           (SELECT count(*) FROM outbox_messages m WHERE m.action_id = a.id) AS messages,
           (SELECT m.delivery_status FROM outbox_messages m WHERE m.action_id = a.id) AS delivery
         FROM collection_actions a WHERE a.as_of = '${AS_OF}' ORDER BY a.id`,
      )
    ).rows;
    return {
      actions,
      broken: await one(`SELECT count(*) AS n FROM audit_events WHERE action = 'promise.broken'`),
      missed: await one(`SELECT count(*) AS n FROM audit_events WHERE action = 'plan.instalment_missed'`),
      promiseTasks: await one(`SELECT count(*) AS n FROM collection_tasks WHERE promise_id IS NOT NULL`),
      planTasks: await one(`SELECT count(*) AS n FROM collection_tasks WHERE plan_id IS NOT NULL`),
      status: (await db.query(`SELECT status FROM promises_to_pay`)).rows[0].status as string,
      messageIds: (
        await db.query<{ message_id: string }>(
          `SELECT m.message_id FROM outbox_messages m JOIN collection_actions a ON a.id = m.action_id
           WHERE a.as_of = '${AS_OF}'`,
        )
      ).rows.map((r) => r.message_id),
    };
  } finally {
    await store.close();
  }
}

const dropped: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of dropped) await drop().catch(() => undefined);
});

async function targets(): Promise<{ kind: string; fresh: () => Promise<string> }[]> {
  const list = [
    {
      kind: "pglite",
      fresh: async () => path.join(mkdtempSync(path.join(tmpdir(), "recoup-resolution-crash-")), "db"),
    },
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
  "cycle.after-resolution",
  "cycle.after-plan",
  "dispatch.before-commit",
  "deliver.after-claim",
];

describe("a cycle that judges promises and plans, killed and run again", async () => {
  let peer: SmtpPeer;
  beforeAll(async () => {
    peer = await startSmtpPeer();
  });
  afterAll(async () => {
    await peer.close();
  });

  for (const target of await targets()) {
    for (const fault of FAULTS) {
      it(`judges each promise and instalment once, with one task and one message each, when killed at ${fault} [${target.kind}]`, async () => {
        const db = await target.fresh();
        await prepare(db);
        peer.received.length = 0;
        expect(
          (await cycleProcess(db, peer.url, { RECOUP_NOW: `${AS_OF}T07:00:00Z`, RECOUP_FAULT_POINT: fault }))
            .killed,
        ).toBe(true);
        expect((await cycleProcess(db, peer.url, { RECOUP_NOW: `${AS_OF}T07:30:00Z` })).killed).toBe(false);
        // and a third run of the same day changes nothing
        expect((await cycleProcess(db, peer.url, { RECOUP_NOW: `${AS_OF}T08:00:00Z` })).killed).toBe(false);

        const result = await outcome(db);
        expect(result).toMatchObject({
          broken: 1,
          missed: 1,
          promiseTasks: 1,
          planTasks: 1,
          status: "broken",
        });
        expect(result.actions.map((a) => a.purpose).sort()).toEqual(["dunning", "plan_reminder"]);
        for (const action of result.actions) {
          expect({ ...action, messages: Number(action.messages) }).toMatchObject({
            status: "sent",
            messages: 1,
            delivery: "delivered",
          });
        }
        const arrived = peer.received.map((m) => splitMessage(m.raw).headers.get("message-id")!);
        expect(new Set(arrived)).toEqual(new Set(result.messageIds));
        expect(arrived).toHaveLength(result.messageIds.length);
      }, 180_000);
    }
  }
});
