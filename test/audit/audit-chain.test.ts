/**
 * The tamper-evident audit trail: a chain built by real imports verifies; every kind of tampering
 * done directly in SQL is named by sequence number and kind; concurrent appenders on the server
 * are serialised by the chain head; and `recoup audit verify` reports through exit code and stderr.
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { appendAuditEvents, type AuditEventInput } from "../../src/audit/append-audit-events.js";
import { verifyAuditChain, type AuditChainReport } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { openRecoup, type RecoupStore } from "../../src/db/open-recoup.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import {
  createServerDatabase,
  describeEachDatabase,
  isServerReachable,
  type DatabaseUnderTest,
} from "../support/databases.js";
import { recoup } from "../support/cli.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

/** SMALL_LEDGER with invoice I1 changed from 100.00 to 120.00: an audited adjustment. */
const CHANGED_LEDGER = {
  ...SMALL_LEDGER,
  "invoices.csv": SMALL_LEDGER["invoices.csv"].replace(
    "I1,C1,2026-01-01,2026-01-31,100.00",
    "I1,C1,2026-01-01,2026-01-31,120.00",
  ),
};
/** …and one more customer: a third import. */
const GROWN_LEDGER = {
  ...CHANGED_LEDGER,
  "customers.csv": SMALL_LEDGER["customers.csv"] + "C3,Gamma GmbH,USD,,30,false\n",
};

const HISTORY = ["ledger.imported", "ledger.imported", "invoice.adjusted", "ledger.imported"];

/**
 * Four events from three imports: 1 ledger.imported, 2 ledger.imported + 3 invoice.adjusted (the
 * amount change), 4 ledger.imported (a new customer).
 */
async function importHistory(store: RecoupStore): Promise<void> {
  const steps: [string, Record<string, string>][] = [
    ["2026-04-15T09:00:00.123Z", SMALL_LEDGER],
    ["2026-04-16T10:30:00.456Z", CHANGED_LEDGER],
    ["2026-04-17T08:15:00.789Z", GROWN_LEDGER],
  ];
  for (const [instant, files] of steps) {
    const result = await importLedger({
      store,
      folder: ledgerFolder(files),
      clock: fixedClock(instant),
      actor: "test",
    });
    expect(result.errors).toEqual([]);
  }
  const { rows } = await store.handle.pool.query<{ seq: number; action: string }>(
    `SELECT seq, action FROM audit_events WHERE organisation_id = $1 ORDER BY seq`,
    [store.organisationId],
  );
  expect(rows).toEqual(HISTORY.map((action, index) => ({ seq: index + 1, action })));
}

async function freshStoreWithHistory(database: DatabaseUnderTest): Promise<RecoupStore> {
  const store = await database.freshStore();
  await importHistory(store);
  return store;
}

const verify = (store: RecoupStore): Promise<AuditChainReport> =>
  verifyAuditChain(store.handle.pool, store.organisationId);

interface EventRow {
  seq: number;
  occurred_at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: unknown;
  prev_hash: string;
  hash: string;
}

async function eventRow(store: RecoupStore, seq: number): Promise<EventRow> {
  const { rows } = await store.handle.pool.query<EventRow>(
    `SELECT seq, occurred_at, actor, action, subject_type, subject_id, data, prev_hash, hash
     FROM audit_events WHERE organisation_id = $1 AND seq = $2`,
    [store.organisationId, seq],
  );
  return rows[0]!;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The forger's own implementation of the event hash, written from the schema comment
 * (sha256(prev_hash ‖ canonical event)) without the project's code.
 */
function forgerHash(organisationId: number, row: Omit<EventRow, "hash">): string {
  const body = JSON.stringify(
    sortedKeys([
      organisationId,
      row.seq,
      new Date(row.occurred_at).toISOString(),
      row.actor,
      row.action,
      row.subject_type,
      row.subject_id,
      row.data,
    ]),
  );
  return createHash("sha256").update(`${row.prev_hash}\n${body}`).digest("hex");
}

/** Rewrites event `seq` with `data` and a correct hash for it, the way a careful forger would. */
async function forgeEvent(
  store: RecoupStore,
  seq: number,
  data: unknown,
  prevHash?: string,
): Promise<string> {
  const row = await eventRow(store, seq);
  const forged = { ...row, data, prev_hash: prevHash ?? row.prev_hash };
  const hash = forgerHash(store.organisationId, forged);
  await store.handle.pool.query(
    `UPDATE audit_events SET data = $3::jsonb, prev_hash = $4, hash = $5 WHERE organisation_id = $1 AND seq = $2`,
    [store.organisationId, seq, JSON.stringify(data), forged.prev_hash, hash],
  );
  return hash;
}

describeEachDatabase("audit chain", (database) => {
  it("verifies a chain written by an import and an amount change (re-import)", async () => {
    const store = await freshStoreWithHistory(database);
    const report = await verify(store);
    expect(report).toEqual({ ok: true, events: 4, headSeq: 4, problems: [] });
    const adjusted = await eventRow(store, 3);
    expect(adjusted).toMatchObject({ action: "invoice.adjusted", subject_type: "invoice", subject_id: "I1" });
    expect(adjusted.data).toMatchObject({ amountDelta: 2000, changes: { amount: [10000, 12000] } });
    // Each event links to its predecessor; the first to the genesis hash.
    const { rows } = await store.handle.pool.query<{ seq: number; prev_hash: string; hash: string }>(
      `SELECT seq, prev_hash, hash FROM audit_events WHERE organisation_id = $1 ORDER BY seq`,
      [store.organisationId],
    );
    expect(rows[0]!.prev_hash).toBe("0".repeat(64));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    // The forger's independent hash reproduces every stored one: the forgery cases below are real.
    for (let seq = 1; seq <= 4; seq += 1) {
      const row = await eventRow(store, seq);
      expect(forgerHash(store.organisationId, row)).toBe(row.hash);
    }
  });

  const updates: [string, string][] = [
    ["its data", `data = jsonb_set(data, '{amountDelta}', '1')`],
    ["its actor", `actor = 'someone-else'`],
    ["its timestamp", `occurred_at = occurred_at - interval '1 day'`],
    ["its subject", `subject_id = 'I2'`],
  ];
  for (const [what, assignment] of updates) {
    it(`names the event whose ${what.replace("its ", "")} was changed in SQL (tampered)`, async () => {
      const store = await freshStoreWithHistory(database);
      await store.handle.pool.query(
        `UPDATE audit_events SET ${assignment} WHERE organisation_id = $1 AND seq = 3`,
        [store.organisationId],
      );
      const report = await verify(store);
      expect(report.ok).toBe(false);
      expect(report.events).toBe(4);
      expect(report.problems).toEqual([
        {
          seq: 3,
          problem: "tampered",
          message: expect.stringContaining("event 3 (invoice.adjusted invoice"),
        },
      ]);
    });
  }

  it("names a deleted middle event (missing)", async () => {
    const store = await freshStoreWithHistory(database);
    await store.handle.pool.query(`DELETE FROM audit_events WHERE organisation_id = $1 AND seq = 2`, [
      store.organisationId,
    ]);
    const report = await verify(store);
    expect(report.ok).toBe(false);
    expect(report.events).toBe(3);
    expect(report.problems).toEqual([
      { seq: 2, problem: "missing", message: "event(s) 2 are missing (deleted)" },
    ]);
  });

  it("names the newest event when it is deleted (the head remembers it)", async () => {
    const store = await freshStoreWithHistory(database);
    await store.handle.pool.query(`DELETE FROM audit_events WHERE organisation_id = $1 AND seq = 4`, [
      store.organisationId,
    ]);
    const report = await verify(store);
    expect(report).toMatchObject({ ok: false, events: 3, headSeq: 4 });
    expect(report.problems).toEqual([
      { seq: 4, problem: "missing", message: "event(s) 4 are missing (deleted)" },
    ]);
  });

  it("names the newest events when several are deleted, and all of them when all are", async () => {
    const store = await freshStoreWithHistory(database);
    await store.handle.pool.query(`DELETE FROM audit_events WHERE organisation_id = $1 AND seq >= 3`, [
      store.organisationId,
    ]);
    const report = await verify(store);
    expect(report).toMatchObject({ ok: false, events: 2, headSeq: 4 });
    expect(report.problems).toEqual([
      { seq: 3, problem: "missing", message: "event(s) 3–4 are missing (deleted)" },
    ]);

    await store.handle.pool.query(`DELETE FROM audit_events WHERE organisation_id = $1`, [
      store.organisationId,
    ]);
    const empty = await verify(store);
    expect(empty).toMatchObject({ ok: false, events: 0, headSeq: 4 });
    expect(empty.problems).toEqual([
      { seq: 1, problem: "missing", message: "event(s) 1–4 are missing (deleted)" },
    ]);
  });

  it("catches a careful forger who changes an event's data and recomputes its hash (relinked)", async () => {
    const store = await freshStoreWithHistory(database);
    const original = await eventRow(store, 3);
    // The recorded adjustment of I1 shrinks from 20.00 to 0.01, with a hash that matches the new data.
    await forgeEvent(store, 3, { ...(original.data as object), amountDelta: 1 });
    const report = await verify(store);
    expect(report.ok).toBe(false);
    // Event 3 is consistent in itself; the next event no longer links to it.
    expect(report.problems).toEqual([
      { seq: 4, problem: "relinked", message: "event 4 does not link to the hash of event 3" },
    ]);
  });

  it("catches a careful forger of the newest event, which nothing links to, through the chain head", async () => {
    const store = await freshStoreWithHistory(database);
    const original = await eventRow(store, 4);
    await forgeEvent(store, 4, { ...(original.data as object), source: "/elsewhere" });
    const report = await verify(store);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { seq: 4, problem: "tampered", message: "the chain head does not match event 4" },
    ]);
  });

  it("catches a forger who re-chains every later event too, through the chain head", async () => {
    const store = await freshStoreWithHistory(database);
    const original = await eventRow(store, 2);
    let prev = await forgeEvent(store, 2, { ...(original.data as object), source: "/elsewhere" });
    for (const seq of [3, 4]) prev = await forgeEvent(store, seq, (await eventRow(store, seq)).data, prev);
    const report = await verify(store);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { seq: 4, problem: "tampered", message: "the chain head does not match event 4" },
    ]);
  });

  it.runIf(database.kind === "postgres")(
    "serialises two interleaved transactions on the server through the chain head lock",
    async () => {
      const store = await freshStoreWithHistory(database);
      const pool = store.handle.pool;
      const context = (actor: string) => ({
        organisationId: store.organisationId,
        actor,
        occurredAt: new Date("2026-05-01T12:00:00Z"),
      });
      const events = (prefix: string, n: number): AuditEventInput[] =>
        Array.from({ length: n }, (_, i) => ({
          action: "test.event",
          subjectType: "test",
          subjectId: `${prefix}${i + 1}`,
          data: { writer: prefix, index: i },
        }));
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query("BEGIN");
        await b.query("BEGIN");
        await appendAuditEvents(a, context("alice"), events("a", 2));
        let bFinished = false;
        const bAppend = appendAuditEvents(b, context("bob"), events("b", 3)).then(() => {
          bFinished = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(bFinished).toBe(false); // B waits on the head row that A holds
        await a.query("COMMIT");
        await bAppend;
        await b.query("COMMIT");
      } finally {
        await a.query("ROLLBACK").catch(() => undefined);
        await b.query("ROLLBACK").catch(() => undefined);
        a.release();
        b.release();
      }
      const report = await verify(store);
      expect(report).toEqual({ ok: true, events: 9, headSeq: 9, problems: [] });
      const { rows } = await pool.query<{ seq: number; subject_id: string }>(
        `SELECT seq, subject_id FROM audit_events WHERE organisation_id = $1 AND seq > 4 ORDER BY seq`,
        [store.organisationId],
      );
      expect(rows).toEqual(
        ["a1", "a2", "b1", "b2", "b3"].map((subject_id, i) => ({ seq: 5 + i, subject_id })),
      );
    },
  );

  it.runIf(database.kind === "postgres")(
    "leaves no gap when the transaction holding the head rolls back while another waits",
    async () => {
      const store = await freshStoreWithHistory(database);
      const pool = store.handle.pool;
      const context = { organisationId: store.organisationId, actor: "t", occurredAt: new Date() };
      const event = (id: string): AuditEventInput[] => [
        { action: "test.event", subjectType: "test", subjectId: id, data: {} },
      ];
      const a = await pool.connect();
      const b = await pool.connect();
      try {
        await a.query("BEGIN");
        await b.query("BEGIN");
        await appendAuditEvents(a, context, event("rolled-back"));
        const bAppend = appendAuditEvents(b, context, event("kept"));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await a.query("ROLLBACK");
        await bAppend;
        await b.query("COMMIT");
      } finally {
        await a.query("ROLLBACK").catch(() => undefined);
        await b.query("ROLLBACK").catch(() => undefined);
        a.release();
        b.release();
      }
      expect(await verify(store)).toEqual({ ok: true, events: 5, headSeq: 5, problems: [] });
      expect((await eventRow(store, 5)).subject_id).toBe("kept");
    },
  );

  it.runIf(database.kind === "postgres")(
    "keeps one unbroken chain when eight transactions append at once",
    async () => {
      const store = await freshStoreWithHistory(database);
      const pool = store.handle.pool;
      const writers = Array.from({ length: 8 }, (_, w) => `w${w}`);
      await Promise.all(
        writers.map(async (writer) => {
          const client = await pool.connect();
          try {
            await client.query("BEGIN");
            await appendAuditEvents(
              client,
              { organisationId: store.organisationId, actor: writer, occurredAt: new Date() },
              [1, 2, 3].map((i) => ({
                action: "test.event",
                subjectType: "test",
                subjectId: `${writer}-${i}`,
                data: { i },
              })),
            );
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK").catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        }),
      );
      expect(await verify(store)).toEqual({ ok: true, events: 28, headSeq: 28, problems: [] });
      // Each transaction's events are consecutive: the head lock is held until its commit.
      const { rows } = await pool.query<{ actor: string }>(
        `SELECT actor FROM audit_events WHERE organisation_id = $1 AND seq > 4 ORDER BY seq`,
        [store.organisationId],
      );
      const runs = rows.map((r) => r.actor).filter((actor, i, all) => i === 0 || all[i - 1] !== actor);
      expect(runs.sort()).toEqual([...writers].sort());
    },
  );
});

// ---------------------------------------------------------------------------------------------
// The command line, as a child process against server databases.
// ---------------------------------------------------------------------------------------------

describe("recoup audit verify (CLI, server database)", async () => {
  const available = await isServerReachable();
  const dropped: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of dropped) await drop().catch(() => undefined);
  });

  /** A server database with the four-event history, its store closed so the CLI is alone. */
  async function serverDatabaseWithHistory(tamper?: (store: RecoupStore) => Promise<void>): Promise<string> {
    const created = await createServerDatabase();
    dropped.push(created.drop);
    const store = await openRecoup(created.url);
    try {
      await importHistory(store);
      await tamper?.(store);
    } finally {
      await store.close();
    }
    return created.url;
  }

  describe.skipIf(!available)("postgres", () => {
    it("exits 0 with ok:true in --json on an intact chain", async () => {
      const url = await serverDatabaseWithHistory();
      const run = await recoup(["--db", url, "--json", "audit", "verify"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ ok: true, events: 4, headSeq: 4, problems: [] });
    });

    it("exits 1 and names the changed event on stderr when an event was tampered with", async () => {
      const url = await serverDatabaseWithHistory(async (store) => {
        await store.handle.pool.query(
          `UPDATE audit_events SET data = jsonb_set(data, '{amountDelta}', '1') WHERE organisation_id = $1 AND seq = 3`,
          [store.organisationId],
        );
      });
      const run = await recoup(["--db", url, "audit", "verify"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^event 3: tampered: event 3 \(invoice\.adjusted invoice I1\)/m);
      expect(run.stderr).toMatch(/Audit chain BROKEN: 1 problem\(s\) in 4 events/);

      const json = await recoup(["--db", url, "--json", "audit", "verify"]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        problems: [{ seq: 3, problem: "tampered" }],
      });
    });

    it("exits 1 and names the deleted newest events on stderr", async () => {
      const url = await serverDatabaseWithHistory(async (store) => {
        await store.handle.pool.query(`DELETE FROM audit_events WHERE organisation_id = $1 AND seq >= 3`, [
          store.organisationId,
        ]);
      });
      const run = await recoup(["--db", url, "audit", "verify"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^event 3: missing: event\(s\) 3–4 are missing/m);
    });
  });
});
