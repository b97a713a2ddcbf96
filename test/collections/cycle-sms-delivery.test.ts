import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createWebhookSmsTransport, type SmsTransport } from "../../src/channels/sms-transport.js";
import { verifyWebhookSignature } from "../../src/channels/webhook-signature.js";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { deliverOutbox } from "../../src/collections/deliver-outbox.js";
import { messageIdFor } from "../../src/collections/dispatch-collection-actions.js";
import { runCollectionsCycle } from "../../src/collections/run-collections-cycle.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import type { CollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { startWebhookPeer, type WebhookPeer } from "../support/webhook-peer.js";

const SECRET = "sms-webhook-secret-for-tests";
let peer: WebhookPeer;
beforeAll(async () => {
  peer = await startWebhookPeer();
});
afterAll(async () => {
  await peer.close();
});
beforeEach(() => {
  peer.received.length = 0;
  peer.answers.length = 0;
});

/** Thursday 3 December 2026, 07:00 UTC: a business day, outside quiet hours. */
const clock = fixedClock("2026-12-03T07:00:00Z");

/** Three customers, each with an invoice due yesterday: a text message each (+1 day). */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,phone\n" +
    "UK,Hartley Ltd,GBP,ap@hartley.test,+44 (0)20 7946 0123\n" +
    "LOCAL,Local Ltd,GBP,ap@local.test,020 7946 0456\n" +
    "FR,Exemple SA,EUR,compta@exemple.test,+33 1 99 00 12 34\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "I-UK,UK,2026-11-02,2026-12-02,120.00\n" +
    "I-LOCAL,LOCAL,2026-11-02,2026-12-02,80.00\n" +
    "I-FR,FR,2026-11-02,2026-12-02,95.50\n",
};

const TEXT_ONLY: CollectionPolicy = {
  workflows: [
    {
      key: "texts",
      minDaysBetweenMessages: 0,
      steps: [{ key: "text-1", offsetDays: 1, channel: "sms", template: "sms-reminder" }],
    },
  ],
  assignments: [{ default: true, workflow: "texts" }],
} as CollectionPolicy;

describeEachDatabase("delivering the cycle's text messages through the SMS webhook", (database) => {
  async function prepared(
    quietHours: { startMinute: number; endMinute: number } | null = null,
  ): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" });
    await applyCollectionPolicy({ store, clock, actor: "test", policy: TEXT_ONLY });
    await updateCollectionSettings({
      store,
      clock,
      actor: "test",
      changes: {
        senderName: "Northwind AR",
        senderEmail: "ar@northwind.test",
        senderPhone: "+44 20 7946 0321",
        quietHours,
      },
    });
    return store;
  }

  function transport(): SmsTransport {
    return createWebhookSmsTransport({
      url: peer.url,
      secret: SECRET,
      from: "Northwind",
      now: () => clock.now(),
    });
  }

  async function actionOf(store: RecoupStore, ref: string) {
    const { rows } = await store.handle.pool.query<{ id: string; status: string; last_error: string | null }>(
      `SELECT a.id::text AS id, a.status, a.last_error FROM collection_actions a
       JOIN customers c ON c.id = a.customer_id WHERE c.customer_ref = $1`,
      [ref],
    );
    return rows[0]!;
  }

  it("texts each customer once, in E.164, signed, with the message id as idempotency key; retries a 503 once", async () => {
    const store = await prepared();
    const sms = transport();
    peer.answers.push(202, 503);
    const result = await runCollectionsCycle({
      store,
      clock,
      actor: "test",
      asOf: "2026-12-03",
      dispatch: { smsTransport: sms },
    });
    expect(result.delivery).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    const first = peer.received.map((r) => JSON.parse(r.body) as { id: string; to: string[]; text: string });
    expect(first.map((m) => m.to)).toEqual([["+442079460123"], ["+33199001234"]]);
    expect(first[0]!.id).toBe(messageIdFor(store.organisationId, (await actionOf(store, "UK")).id));
    expect(first[0]!.text).toContain("I-UK");
    for (const request of peer.received) {
      expect(request.headers["idempotency-key"]).toBe(JSON.parse(request.body).id);
      const header = request.headers["recoup-signature"] as string;
      const nowSeconds = clock.now().getTime() / 1000;
      expect(verifyWebhookSignature({ secret: SECRET, body: request.body, header, nowSeconds })).toBe(true);
    }

    // A number without its country code is never guessed: the action records why and is retried later.
    const local = await actionOf(store, "LOCAL");
    expect(local.status).toBe("planned");
    expect(local.last_error).toContain("international form");

    // The 503 is retried after a minute, with the same id; then nothing is left to send.
    peer.received.length = 0;
    const later = fixedClock("2026-12-03T07:02:00Z");
    expect(await deliverOutbox({ store, clock: later, actor: "test", smsTransport: sms })).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    expect(peer.received.map((r) => JSON.parse(r.body).id)).toEqual([first[1]!.id]);
    expect(await deliverOutbox({ store, clock: later, actor: "test", smsTransport: sms })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    const { rows } = await store.handle.pool.query(
      `SELECT delivered_by, delivery_status FROM outbox_messages ORDER BY id`,
    );
    expect(rows).toEqual([
      { delivered_by: sms.name, delivery_status: "delivered" },
      { delivered_by: sms.name, delivery_status: "delivered" },
    ]);
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("ends a message the provider refuses for good as failed, with a review task for the collector", async () => {
    const store = await prepared();
    peer.answers.push(422, 202);
    const result = await runCollectionsCycle({
      store,
      clock,
      actor: "test",
      asOf: "2026-12-03",
      dispatch: { smsTransport: transport() },
    });
    expect(result.delivery).toEqual({ delivered: 1, retrying: 0, failed: 1 });
    const { rows } = await store.handle.pool.query(
      `SELECT a.status, t.kind, t.note FROM collection_actions a
       JOIN customers c ON c.id = a.customer_id JOIN collection_tasks t ON t.action_id = a.id
       WHERE c.customer_ref = 'UK'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "failed", kind: "review" });
    expect(rows[0].note).toMatch(/^The text message ".*" could not be delivered: .*answered 422/);
  });

  it("holds text messages in quiet hours and sends them when the window opens", async () => {
    const store = await prepared({ startMinute: 20 * 60, endMinute: 8 * 60 });
    const sms = transport();
    const result = await runCollectionsCycle({
      store,
      clock,
      actor: "test",
      asOf: "2026-12-03",
      dispatch: { smsTransport: sms },
    });
    expect(result.delivery?.delivered).toBe(0);
    expect(result.delivery?.heldUntil).toBeDefined();
    expect(peer.received).toHaveLength(0);
    const opened = fixedClock(result.delivery!.heldUntil!);
    expect((await deliverOutbox({ store, clock: opened, actor: "test", smsTransport: sms })).delivered).toBe(
      2,
    );
  });

  it("keeps text messages in the outbox when no SMS transport is configured", async () => {
    const store = await prepared();
    await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03" });
    const { rows } = await store.handle.pool.query(
      `SELECT recipients, delivered_by, delivery_status FROM outbox_messages ORDER BY id`,
    );
    expect(rows).toEqual([
      { recipients: ["+442079460123"], delivered_by: "outbox", delivery_status: "stored" },
      { recipients: ["+33199001234"], delivered_by: "outbox", delivery_status: "stored" },
    ]);
    expect(peer.received).toHaveLength(0);
  });
});
