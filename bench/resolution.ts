/**
 * `npx tsx bench/resolution.ts`: the cycle's judgement of promises to pay and payment plans
 * (docs/decisions/0005) on the PostgreSQL server and on PGlite. Each customer owes one invoice;
 * the first N have an open promise (half of them paid in time, half broken on the judging day), the
 * next M an active weekly plan of three instalments (a third paid the first one, the others miss
 * it; every plan's second instalment is reminded on the judging day). The cycle is planned (not
 * dispatched) on the judging day and on the day after, and the time of its resolution step is
 * printed beside the rest of planning. Prints only; the figures are quoted in bench/README.md.
 *
 *   npx tsx bench/resolution.ts [--promises 10000] [--plans 5000] [--skip-pglite] [--pg-url URL]
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { updateCollectionSettings } from "../src/collections/collection-settings.js";
import { runCollectionsCycle } from "../src/collections/run-collections-cycle.js";
import { fixedClock } from "../src/clock.js";
import type { RecoupStore } from "../src/db/open-recoup.js";
import { importLedger } from "../src/ingest/import-ledger.js";
import { openFreshPglite, removePglite } from "./pglite.js";
import { closeServerStore, DEFAULT_SERVER_URL, openServerStore, ServerDatabases } from "./server.js";
import { log } from "./stats.js";

const { values } = parseArgs({
  options: {
    promises: { type: "string", default: "10000" },
    plans: { type: "string", default: "5000" },
    "skip-pglite": { type: "boolean", default: false },
    "pg-url": { type: "string", default: process.env.RECOUP_BENCH_PG ?? DEFAULT_SERVER_URL },
  },
  strict: true,
});
const PROMISES = Number(values.promises);
const PLANS = Number(values.plans);
const JUDGING_DAY = "2026-03-16";
const clock = fixedClock("2026-03-01T06:00:00Z");

function ledger(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "recoup-bench-resolution-"));
  const customers = ["customer_ref,name,currency,email,collector_email"];
  const invoices = ["invoice_ref,customer_ref,issue_date,due_date,amount"];
  for (let i = 0; i < PROMISES + PLANS; i++) {
    customers.push(`C${i},Customer ${i},EUR,ap${i}@bench.test,col${i % 7}@bench.test`);
    invoices.push(`I${i},C${i},2026-02-01,2026-03-02,300.00`);
  }
  writeFileSync(path.join(folder, "customers.csv"), customers.join("\n") + "\n");
  writeFileSync(path.join(folder, "invoices.csv"), invoices.join("\n") + "\n");
  return folder;
}

function payments(): string {
  const folder = mkdtempSync(path.join(tmpdir(), "recoup-bench-resolution-pay-"));
  const rows = ["payment_ref,customer_ref,date,amount,invoice_ref"];
  for (let i = 0; i < PROMISES; i += 2) rows.push(`P${i},C${i},2026-03-10,300.00,I${i}`);
  for (let i = PROMISES; i < PROMISES + PLANS; i += 3) rows.push(`P${i},C${i},2026-03-12,100.00,I${i}`);
  writeFileSync(path.join(folder, "payments.csv"), rows.join("\n") + "\n");
  return folder;
}

/** Promises and plans as the use cases would have stored them (bulk SQL: setup is not measured). */
async function commitments(store: RecoupStore): Promise<void> {
  const db = store.handle.pool;
  const org = store.organisationId;
  await db.query(
    `INSERT INTO promises_to_pay (organisation_id, customer_id, status, recorded_on, promised_on, grace_days, amount,
       currency, source, collector_email, ledger_watermark, confirmation_skipped, recorded_by, created_at)
     SELECT $1, c.id, 'open', '2026-03-04', '2026-03-12', 3, 30000, 'EUR', 'call', c.collector_email, 0, 'test_mode',
       'bench', now()
     FROM customers c WHERE c.organisation_id = $1 AND substr(c.customer_ref, 2)::int < $2`,
    [org, PROMISES],
  );
  await db.query(
    `INSERT INTO promise_invoices (promise_id, invoice_id, open_at_record)
     SELECT p.id, i.id, 30000 FROM promises_to_pay p JOIN invoices i ON i.customer_id = p.customer_id`,
  );
  await db.query(
    `INSERT INTO payment_plans (organisation_id, customer_id, status, currency, total, frequency, grace_days,
       misses_to_default, reminder_days_before, created_on, signed_on, activated_on, ledger_watermark,
       collector_email, agreement_skipped, created_by, created_at, updated_at)
     SELECT $1, c.id, 'active', 'EUR', 30000, 'week', 3, 2, 3, '2026-03-01', '2026-03-01', '2026-03-01', 0,
       c.collector_email, 'test_mode', 'bench', now(), now()
     FROM customers c WHERE c.organisation_id = $1 AND substr(c.customer_ref, 2)::int >= $2`,
    [org, PROMISES],
  );
  await db.query(
    `INSERT INTO payment_plan_invoices (plan_id, invoice_id, open_at_start)
     SELECT p.id, i.id, 30000 FROM payment_plans p JOIN invoices i ON i.customer_id = p.customer_id`,
  );
  await db.query(
    `INSERT INTO payment_plan_instalments (plan_id, number, kind, due_on, amount)
     SELECT p.id, n, 'instalment', date '2026-03-12' + 7 * (n - 1), 10000
     FROM payment_plans p CROSS JOIN generate_series(1, 3) AS n`,
  );
  await db.query(`ANALYZE`);
}

async function measure(store: RecoupStore, engine: string): Promise<void> {
  log(`${engine}: importing ${PROMISES + PLANS} customers and invoices`);
  await importLedger({ store, folder: ledger(), clock, actor: "bench" });
  await commitments(store);
  await importLedger({
    store,
    folder: payments(),
    clock: fixedClock("2026-03-13T05:00:00Z"),
    actor: "bench",
  });
  await updateCollectionSettings({ store, clock, actor: "bench", changes: { senderEmail: "ar@bench.test" } });
  for (const asOf of [JUDGING_DAY, "2026-03-17"]) {
    const result = await runCollectionsCycle({
      store,
      clock: fixedClock(`${asOf}T06:00:00Z`),
      actor: "bench",
      asOf,
      planOnly: true,
    });
    const { promises, plans } = result.resolution;
    const t = result.timings;
    console.log(
      `| ${engine} | ${asOf} | ${PROMISES} / ${PLANS} | ${promises.kept} kept, ${promises.broken} broken, ` +
        `${plans.instalmentsPaid} paid, ${plans.instalmentsMissed} missed, ${plans.reminders} reminders, ` +
        `${promises.tasks + plans.tasks} tasks | ${(t.resolutionMs / 1000).toFixed(2)} s | ` +
        `${((t.refreshMs + t.selectMs + t.planMs + t.recordMs) / 1000).toFixed(2)} s |`,
    );
  }
}

console.log("| engine | day | promises / plans | what the day did | resolution | rest of planning |");
console.log("|---|---|---|---|---|---|");
const servers = new ServerDatabases(values["pg-url"]);
try {
  const { url } = await servers.create("resolution");
  const store = await openServerStore(url);
  try {
    await measure(store, "server");
  } finally {
    await closeServerStore(store);
  }
} finally {
  await servers.dropAll();
}
if (!values["skip-pglite"]) {
  const dir = path.join(import.meta.dirname, "data", "pglite-resolution");
  const store = await openFreshPglite(dir);
  try {
    await measure(store, "PGlite");
  } finally {
    await store.close();
    removePglite(dir);
  }
}
