import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { runCollectionsCycle } from "../../src/collections/run-collections-cycle.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { addDays } from "../../src/domain/calendar-date.js";
import { DEFAULT_COLLECTION_POLICY } from "../../src/domain/collection-policy.js";
import { generatePortfolio } from "../../src/demo/generate-portfolio.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";

const FIRST_DAY = "2026-01-01";
const DAYS = 365;
const PAUSE = { from: "2026-03-01", until: "2026-04-15" };

/** Offsets of every step of the shipped workflows, by workflow and step key. */
const OFFSETS = new Map(
  DEFAULT_COLLECTION_POLICY.workflows.flatMap((w) =>
    w.steps.map((s) => [`${w.key}/${s.key}`, s.offsetDays] as const),
  ),
);
const CAPS = new Map(DEFAULT_COLLECTION_POLICY.workflows.map((w) => [w.key, w.minDaysBetweenMessages]));

describeEachDatabase("a year of daily collections cycles", (database) => {
  it("follows DESIGN 5.5 every day: courtesy before due, one message per channel, catch-up, caps, pauses, idempotent re-runs", async () => {
    const store = await database.freshStore();
    const clock = fixedClock("2027-01-01T06:00:00Z");
    const folder = mkdtempSync(path.join(tmpdir(), "recoup-year-"));
    await generatePortfolio({
      outDir: folder,
      seed: 7,
      customers: 30,
      invoices: 700,
      from: "2025-07-01",
      asOf: "2026-12-31",
    });
    await importLedger({ store, folder, clock, actor: "test" });
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: { senderEmail: "ar@recoup.test" },
    });
    const db = store.handle.pool;
    const refs = (await db.query<{ customer_ref: string }>(`SELECT customer_ref FROM customers ORDER BY id`))
      .rows;
    const [paused, silent] = [refs[0]!.customer_ref, refs[1]!.customer_ref];
    await db.query(`UPDATE customers SET do_not_contact = true WHERE customer_ref = $1`, [silent]);

    for (let day = 0; day < DAYS; day++) {
      const asOf = addDays(FIRST_DAY, day);
      if (asOf === PAUSE.from) {
        await db.query(`UPDATE customers SET paused_until = $2 WHERE customer_ref = $1`, [
          paused,
          PAUSE.until,
        ]);
      }
      const result = await runCollectionsCycle({
        store,
        clock: fixedClock(`${asOf}T06:00:00Z`),
        actor: "sim",
        asOf,
      });
      for (const action of result.actions) expect(action.status).not.toBe("planned");
      if (day % 30 === 0) {
        const again = await runCollectionsCycle({
          store,
          clock: fixedClock(`${asOf}T07:00:00Z`),
          actor: "sim",
          asOf,
        });
        expect(again.actions).toEqual([]);
      }
    }

    // Every fired step was due that day, was the invoice's latest due step, and the invoice was
    // still open; a step before the due date fired only while the invoice was not yet due.
    const fired = (
      await db.query<{
        invoice_id: number;
        workflow: string;
        step: string;
        as_of: string;
        due_date: string;
        open_then: string;
      }>(
        `SELECT e.invoice_id, e.workflow, e.step, e.as_of, i.due_date,
             i.amount - coalesce((SELECT sum(l.amount) FROM allocations l WHERE l.invoice_id = i.id AND l.date <= e.as_of), 0) AS open_then
           FROM invoice_step_events e JOIN invoices i ON i.id = e.invoice_id WHERE e.outcome = 'fired'
           ORDER BY e.invoice_id, e.as_of`,
      )
    ).rows;
    expect(fired.length).toBeGreaterThan(500);
    const lastOffset = new Map<string, number>();
    let courtesies = 0;
    for (const event of fired) {
      const offset = OFFSETS.get(`${event.workflow}/${event.step}`)!;
      expect(addDays(event.due_date, offset) <= event.as_of).toBe(true);
      if (offset < 0) {
        expect(event.as_of <= event.due_date).toBe(true);
        courtesies++;
      }
      expect(Number(event.open_then)).toBeGreaterThan(0);
      const latestDue = [...OFFSETS]
        .filter(([key]) => key.startsWith(`${event.workflow}/`))
        .map(([, o]) => o)
        .filter((o) => addDays(event.due_date, o) <= event.as_of && !(o < 0 && event.as_of > event.due_date));
      // no step of the workflow that was also due that day is further along (unless the invoice
      // changed workflow, when the other workflow's steps count)
      expect(offset).toBe(Math.max(...latestDue));
      // an invoice moves forward through its workflow's steps (a new workflow starts afresh)
      const track = `${event.invoice_id}/${event.workflow}`;
      expect(offset).toBeGreaterThan(lastOffset.get(track) ?? -Infinity);
      lastOffset.set(track, offset);
    }
    expect(courtesies).toBeGreaterThan(50);

    // At most one action per customer, channel and day; each outbound one has its message.
    const actions = (
      await db.query<{
        customer_ref: string;
        channel: string;
        as_of: string;
        workflow: string;
        status: string;
        messages: string;
      }>(
        `SELECT c.customer_ref, a.channel, a.as_of, a.workflow, a.status, a.last_error,
             (SELECT count(*) FROM outbox_messages m WHERE m.action_id = a.id) AS messages
           FROM collection_actions a JOIN customers c ON c.id = a.customer_id ORDER BY c.customer_ref, a.as_of`,
      )
    ).rows;
    const keys = actions.map((a) => `${a.customer_ref}/${a.channel}/${a.as_of}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const action of actions) {
      // a message, unless it failed visibly (a generated customer without an email address)
      const failed = action.status === "failed";
      expect(Number(action.messages)).toBe(action.channel === "call" || failed ? 0 : 1);
      expect(action.status).toBe(action.channel === "call" ? "task_created" : failed ? "failed" : "sent");
      expect(action.customer_ref).not.toBe(silent);
      if (action.customer_ref === paused)
        expect(action.as_of < PAUSE.from || action.as_of > PAUSE.until).toBe(true);
    }
    // The contact-frequency cap holds between customer messages on different days.
    const lastMessage = new Map<string, string>();
    for (const action of actions) {
      // a failed message was never sent, so it does not count toward the cap
      if (!["email", "letter", "sms"].includes(action.channel) || action.status === "failed") continue;
      const previous = lastMessage.get(action.customer_ref);
      if (previous !== undefined && previous !== action.as_of) {
        expect(addDays(previous, CAPS.get(action.workflow)!) <= action.as_of).toBe(true);
      }
      lastMessage.set(action.customer_ref, action.as_of);
    }
    // The paused and do-not-contact customers were reported as skipped with their reasons.
    const reasons = (
      await db.query<{ customer_ref: string; reason: string }>(
        `SELECT DISTINCT c.customer_ref, s.reason FROM collection_skips s JOIN customers c ON c.id = s.customer_id
           WHERE c.customer_ref IN ($1, $2)`,
        [paused, silent],
      )
    ).rows.map((r) => `${r.customer_ref} ${r.reason}`);
    expect(reasons).toEqual(expect.arrayContaining([`${paused} paused`, `${silent} do_not_contact`]));
    expect((await verifyAuditChain(db, store.organisationId)).ok).toBe(true);
  }, 600_000);
});
