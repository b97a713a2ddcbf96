import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createSmtpTransport } from "../../src/channels/email-transport.js";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { updateCollectionSettings } from "../../src/collections/collection-settings.js";
import { deliverOutbox } from "../../src/collections/deliver-outbox.js";
import { messageIdFor } from "../../src/collections/dispatch-collection-actions.js";
import { runCollectionsCycle } from "../../src/collections/run-collections-cycle.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";
import { startSmtpPeer, type SmtpPeer } from "../support/smtp-peer.js";
import { decodeEncodedWords, decodePart, multipartParts, splitMessage } from "../support/mime-reader.js";

let peer: SmtpPeer;

beforeAll(async () => {
  peer = await startSmtpPeer();
});

afterAll(async () => {
  await peer.close();
});

beforeEach(() => {
  peer.received.length = 0;
  peer.busy = true;
});

const clock = fixedClock("2026-12-03T07:00:00Z");

/** Four customers, each with one invoice due yesterday: one email each (overdue-1) on 3 December. */
const LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,language\n" +
    "OK,Okay GmbH,EUR,ap@okay.test,de\n" +
    "BUSY,Busy Ltd,EUR,busy@busy.test,en\n" +
    "GONE,Gone Ltd,EUR,gone@gone.test,en\n" +
    "FR,Société Exemple SA,EUR,compta@exemple.test,fr\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "I-OK,OK,2026-11-02,2026-12-02,1234.56\n" +
    "I-BUSY,BUSY,2026-11-02,2026-12-02,10.00\n" +
    "I-GONE,GONE,2026-11-02,2026-12-02,20.00\n" +
    "I-FR,FR,2026-11-02,2026-12-02,30.00\n",
};

describeEachDatabase("delivering the cycle's email over SMTP", (database) => {
  async function prepared(): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(LEDGER), clock, actor: "test" });
    const policy = defaultCollectionPolicy();
    policy.workflows = policy.workflows.filter((w) => w.key === "standard");
    policy.assignments = [{ default: true, workflow: "standard" }];
    await applyCollectionPolicy({ store, clock, actor: "test", policy });
    await updateCollectionSettings({
      store: store,
      clock: clock,
      actor: "test",
      changes: {
        senderName: "Northwind AR",
        senderEmail: "ar@northwind.test",
        senderPhone: "+44 20 7946 0321",
        quietHours: null,
      },
    });
    return store;
  }

  it("sends each customer its email with the right recipient, language, Message-ID and statement PDF", async () => {
    const store = await prepared();
    const transport = createSmtpTransport({ url: peer.url });
    try {
      const result = await runCollectionsCycle({
        store,
        clock,
        actor: "test",
        asOf: "2026-12-03",
        dispatch: { transport },
      });
      expect(result.delivery).toEqual({ delivered: 2, retrying: 1, failed: 1 });
    } finally {
      await transport.close();
    }
    const byRecipient = new Map(peer.received.map((m) => [m.to.join(","), splitMessage(m.raw)]));
    expect([...byRecipient.keys()].sort()).toEqual(["ap@okay.test", "compta@exemple.test"]);
    const german = byRecipient.get("ap@okay.test")!;
    expect(german.headers.get("from")).toContain("ar@northwind.test");
    expect(decodeEncodedWords(german.headers.get("subject")!)).toMatch(/^Zahlungserinnerung/);
    const { rows } = await store.handle.pool.query<{ id: string }>(
      `SELECT a.id::text AS id FROM collection_actions a JOIN customers c ON c.id = a.customer_id WHERE c.customer_ref = 'OK'`,
    );
    expect(german.headers.get("message-id")).toBe(messageIdFor(store.organisationId, rows[0]!.id));
    const parts = multipartParts(german);
    const text = decodePart(
      parts.find((p) => (p.headers.get("content-type") ?? "").startsWith("text/plain"))!,
    ).toString("utf8");
    expect(text).toContain("I-OK");
    expect(text).toContain("1.234,56");
    const pdf = parts.find((p) => (p.headers.get("content-type") ?? "").startsWith("application/pdf"))!;
    expect(pdf.headers.get("content-disposition")).toContain("statement-OK-2026-12-03.pdf");
    expect(decodePart(pdf).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(decodeEncodedWords(byRecipient.get("compta@exemple.test")!.headers.get("subject")!)).toMatch(
      /facture/i,
    );

    // The refused address ends failed, with a review task for a person; the audit chain holds.
    const failed = await store.handle.pool.query(
      `SELECT a.status, t.kind, t.status AS task_status FROM collection_actions a
       JOIN customers c ON c.id = a.customer_id JOIN collection_tasks t ON t.action_id = a.id
       WHERE c.customer_ref = 'GONE'`,
    );
    expect(failed.rows).toEqual([{ status: "failed", kind: "review", task_status: "open" }]);
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("retries a temporarily refused message later, once, and takes back a message left half-sent by a crash", async () => {
    const store = await prepared();
    const transport = createSmtpTransport({ url: peer.url });
    try {
      await runCollectionsCycle({ store, clock, actor: "test", asOf: "2026-12-03", dispatch: { transport } });
      peer.received.length = 0;
      peer.busy = false;
      // too early: the retry waits a minute
      expect(await deliverOutbox({ store, clock, actor: "test", transport })).toEqual({
        delivered: 0,
        retrying: 0,
        failed: 0,
      });
      const later = fixedClock("2026-12-03T07:02:00Z");
      expect(await deliverOutbox({ store, clock: later, actor: "test", transport })).toEqual({
        delivered: 1,
        retrying: 0,
        failed: 0,
      });
      expect(peer.received.map((m) => m.to.join(","))).toEqual(["busy@busy.test"]);

      // A crash right after claiming a message leaves it "sending": it is taken again once stale, same Message-ID.
      peer.received.length = 0;
      await store.handle.pool.query(
        `UPDATE outbox_messages SET delivery_status = 'sending', claimed_at = '2026-12-03T07:03:00Z'
         WHERE recipients = '{ap@okay.test}'`,
      );
      const soon = fixedClock("2026-12-03T07:05:00Z");
      expect((await deliverOutbox({ store, clock: soon, actor: "test", transport })).delivered).toBe(0);
      const stale = fixedClock("2026-12-03T07:20:00Z");
      expect((await deliverOutbox({ store, clock: stale, actor: "test", transport })).delivered).toBe(1);
      expect(peer.received).toHaveLength(1);
      const again = await deliverOutbox({ store, clock: stale, actor: "test", transport });
      expect(again).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    } finally {
      await transport.close();
    }
  });
});
