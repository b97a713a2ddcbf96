import { expect, it } from "vitest";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import { loadCollectionPolicy } from "../../src/collections/load-collection-policy.js";
import { parsePolicyText, policyToYaml } from "../../src/collections/policy-document.js";
import { refreshCustomerProfiles } from "../../src/collections/refresh-customer-profiles.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import type { RecoupStore } from "../../src/db/open-recoup.js";
import { DEFAULT_COLLECTION_POLICY, defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { importLedger } from "../../src/ingest/import-ledger.js";
import { describeEachDatabase } from "../support/databases.js";
import { ledgerFolder } from "../support/ledger-folder.js";

const clock = fixedClock("2026-04-15T09:00:00Z");

/**
 * C1 pays later and later and owes more than its limit; C2 pays early; C3 (EUR) has never paid;
 * C4 is small and punctual. Figures as of 2026-04-15 are worked out by hand in the tests.
 */
const BEHAVIOUR_LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,credit_limit\n" +
    "C1,Late Payer Ltd,USD,200.00\n" +
    "C2,Early Bird Inc,USD,\n" +
    "C3,Nouveau SARL,EUR,\n" +
    "C4,Small Shop,USD,\n",
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "I1,C1,2025-10-01,2025-10-31,100.00\n" +
    "I2,C1,2026-01-01,2026-01-31,300.00\n" +
    "I3,C1,2026-02-01,2026-03-03,200.00\n" +
    "I4,C1,2026-04-01,2026-05-01,50.00\n" +
    "J1,C2,2026-02-01,2026-03-03,1000.00\n" +
    "J2,C2,2026-04-10,2026-05-10,500.00\n" +
    "K1,C3,2026-03-11,2026-04-10,100.00\n" +
    "L1,C4,2026-01-05,2026-02-04,10.00\n",
  "payments.csv":
    "payment_ref,customer_ref,date,amount,invoice_ref\n" +
    "P1,C1,2025-11-10,100.00,I1\n" +
    "P2,C1,2026-03-02,300.00,I2\n" +
    "P3,C2,2026-03-01,1000.00,J1\n" +
    "P4,C4,2026-02-04,10.00,L1\n",
};

describeEachDatabase("refreshCustomerProfiles", (database) => {
  async function storeWithLedger(): Promise<RecoupStore> {
    const store = await database.freshStore();
    await importLedger({ store, folder: ledgerFolder(BEHAVIOUR_LEDGER), clock, actor: "test" });
    return store;
  }
  const profile = async (store: RecoupStore, ref: string) =>
    (
      await store.handle.pool.query(
        `SELECT p.* FROM customer_profiles p JOIN customers c ON c.id = p.customer_id WHERE c.customer_ref = $1`,
        [ref],
      )
    ).rows[0] as Record<string, unknown>;

  it("measures each customer's behaviour, rates its risk and segments it", async () => {
    const store = await storeWithLedger();
    const summary = await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-04-15" });
    expect(summary).toEqual({
      asOf: "2026-04-15",
      customers: 4,
      byRating: { A: 2, B: 1, C: 0, D: 1 },
      bySegment: {
        "high-value-low-risk": 2,
        "high-value-high-risk": 1,
        "low-value-low-risk": 1,
        "low-value-high-risk": 0,
        "chronic-delinquent": 0,
      },
      changed: 4,
    });
    // C1: 100.00 paid 10 days late (norm window), 300.00 paid 30 days late (last 90 days).
    expect(await profile(store, "C1")).toMatchObject({
      as_of: "2026-04-15",
      settled_invoices: 2,
      settled_late: 2,
      settled_severely_late: 0,
      avg_days_late: "25.00",
      recent_avg_days_late: "30.00",
      baseline_avg_days_late: "10.00",
      open_amount: 25000,
      overdue_amount: 20000,
      overdue_invoices: 1,
      severely_overdue_invoices: 0, // 43 days: not beyond the default 45
      overdue_avg_days_past_due: "43.00",
      oldest_days_past_due: 43,
      credit_limit: 20000,
      annual_billing: 65000,
      // 10.42 days late + 15 late share + 6.67 trend + 6 drift + 12 overdue share + 15 over limit
      risk_score: 65,
      risk_rating: "D",
      segment: "high-value-high-risk",
      segment_since: "2026-04-15",
    });
    expect(await profile(store, "C2")).toMatchObject({
      risk_score: 0,
      risk_rating: "A",
      segment: "high-value-low-risk",
    });
    // C3: no history (10) + all overdue (15) + 5 days past due beyond a norm of 0 (1.67)
    expect(await profile(store, "C3")).toMatchObject({
      risk_score: 27,
      risk_rating: "B",
      segment: "high-value-low-risk",
    });
    expect(await profile(store, "C4")).toMatchObject({ risk_rating: "A", segment: "low-value-low-risk" });
  });

  it("records nothing new when refreshed again for the same day", async () => {
    const store = await storeWithLedger();
    await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-04-15" });
    const count = async (table: string) =>
      Number((await store.handle.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const before = [await count("customer_classification_changes"), await count("audit_events")];
    const again = await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-04-15" });
    expect(again.changed).toBe(0);
    expect([await count("customer_classification_changes"), await count("audit_events")]).toEqual(before);
  });

  it("measures a past date from the dated allocations", async () => {
    const store = await storeWithLedger();
    await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-03-01" });
    // I2 (due 31 Jan) was still open on 1 March; I3 was not yet due.
    expect(await profile(store, "C1")).toMatchObject({
      settled_invoices: 1,
      open_amount: 50000,
      overdue_amount: 30000,
      oldest_days_past_due: 29,
      avg_days_late: "10.00",
      // the only payment (10 Nov) is more than 90 days before 1 March: the norm, not the recent window
      recent_avg_days_late: null,
      baseline_avg_days_late: "10.00",
    });
  });

  it("records a segment change with its reason and the factors that moved, and audits it", async () => {
    const store = await storeWithLedger();
    await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-04-15" });
    const stricter = parsePolicyText(
      policyToYaml(DEFAULT_COLLECTION_POLICY)
        .replace("daysLate: 45", "daysLate: 30")
        .replace("minInvoices: 3", "minInvoices: 1"),
    );
    await applyCollectionPolicy({ store, clock, actor: "test", policy: stricter });
    const summary = await refreshCustomerProfiles({ store, clock, actor: "test", asOf: "2026-04-15" });
    expect(summary.changed).toBe(1);
    const changes = await store.handle.pool.query(
      `SELECT rating_from, rating_to, segment_from, segment_to, segment_reason, factors_moved
       FROM customer_classification_changes ch JOIN customers c ON c.id = ch.customer_id
       WHERE c.customer_ref = 'C1' ORDER BY ch.id`,
    );
    expect(changes.rows).toHaveLength(2);
    expect(changes.rows[0]).toMatchObject({ rating_from: null, rating_to: "D", segment_from: null });
    expect(changes.rows[0].factors_moved.map((f: { key: string }) => f.key)).toContain("late_share");
    expect(changes.rows[1]).toEqual({
      rating_from: "D",
      rating_to: "D",
      segment_from: "high-value-high-risk",
      segment_to: "chronic-delinquent",
      segment_reason:
        "1 of 3 invoices settled or overdue within a year were more than 30 days late (33%; thresholds: 1 and 25%)",
      factors_moved: [],
    });
    const events = await store.handle.pool.query(
      `SELECT subject_id, data FROM audit_events WHERE action = 'customer.reclassified' ORDER BY seq`,
    );
    expect(events.rows.at(-1)).toMatchObject({
      subject_id: "C1",
      data: { segment: { from: "high-value-high-risk", to: "chronic-delinquent" } },
    });
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });
});

describeEachDatabase("applyCollectionPolicy", (database) => {
  it("stores a new version with an audit event, and applying the same document again writes nothing", async () => {
    const store = await database.freshStore();
    expect((await loadCollectionPolicy(store.handle.pool, store.organisationId)).version).toBe(0);
    const policy = parsePolicyText(
      policyToYaml(DEFAULT_COLLECTION_POLICY).replace("topShare: 0.8", "topShare: 0.5"),
    );
    expect(await applyCollectionPolicy({ store, clock, actor: "ana", policy })).toMatchObject({
      version: 1,
      changed: true,
    });
    expect(await applyCollectionPolicy({ store, clock, actor: "ana", policy })).toMatchObject({
      version: 1,
      changed: false,
    });
    const stored = await loadCollectionPolicy(store.handle.pool, store.organisationId);
    expect(stored).toMatchObject({ version: 1, updatedBy: "ana" });
    expect(stored.policy.segmentation.highValue.topShare).toBe(0.5);
    const events = await store.handle.pool.query(
      `SELECT data FROM audit_events WHERE action = 'policy.applied'`,
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0].data).toMatchObject({ version: 1, previousVersion: 0 });
    expect((await verifyAuditChain(store.handle.pool, store.organisationId)).ok).toBe(true);
  });

  it("refuses to overwrite a version it did not see, changing nothing", async () => {
    const store = await database.freshStore();
    const policy = defaultCollectionPolicy();
    await applyCollectionPolicy({ store, clock, actor: "ana", policy });
    policy.workflows[0]!.minDaysBetweenMessages = 9;
    await expect(
      applyCollectionPolicy({ store, clock, actor: "bo", policy, expectedVersion: 0 }),
    ).rejects.toMatchObject({
      code: "POLICY_VERSION_CONFLICT",
    });
    const stored = await loadCollectionPolicy(store.handle.pool, store.organisationId);
    expect(stored.version).toBe(1);
    expect(stored.policy.workflows[0]!.minDaysBetweenMessages).toBe(3);
  });
});
