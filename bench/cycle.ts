/**
 * `npm run bench:cycle`: the daily collections cycle (DESIGN 5.5) at 100k and 1M invoices on the
 * PostgreSQL server and on PGlite, planning and dispatch to the outbox timed apart, for the first
 * day (every open invoice catches up at once) and for the day after (the steady state). Writes its
 * section of bench/RESULTS.md (between the cycle markers; `npm run bench` keeps it).
 *
 *   npm run bench:cycle -- [--sizes 100000,1000000] [--skip-pglite-1m] [--as-of 2026-11-30] [--no-write]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { dispatchCollectionActions } from "../src/collections/dispatch-collection-actions.js";
import { runCollectionsCycle } from "../src/collections/run-collections-cycle.js";
import { fixedClock } from "../src/clock.js";
import type { RecoupStore } from "../src/db/open-recoup.js";
import { addDays, parseCalendarDate } from "../src/domain/calendar-date.js";
import { importLedger } from "../src/ingest/import-ledger.js";
import { machineInfo, sourceState } from "./machine.js";
import { openFreshPglite, removePglite } from "./pglite.js";
import { ensurePortfolio } from "./portfolio.js";
import { closeServerStore, DEFAULT_SERVER_URL, openServerStore, ServerDatabases } from "./server.js";
import { CYCLE_SECTION } from "./sections.js";
import { writeSection } from "./results-file.js";
import { log, timed } from "./stats.js";

const BENCH_DIR = import.meta.dirname;
const DATA_DIR = path.join(BENCH_DIR, "data");

interface DayFigures {
  asOf: string;
  planSeconds: number;
  actions: number;
  skips: number;
  dispatchSeconds: number;
  dispatched: number;
}

interface EngineFigures {
  engine: "server" | "PGlite";
  size: number;
  days: DayFigures[];
}

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    "skip-pglite-1m": { type: "boolean", default: false },
    "as-of": { type: "string", default: "2026-11-30" },
    seed: { type: "string", default: "1" },
    "pg-url": { type: "string", default: process.env.RECOUP_BENCH_PG ?? DEFAULT_SERVER_URL },
    "no-write": { type: "boolean", default: false },
  },
  strict: true,
});
const asOf = parseCalendarDate(values["as-of"]);
const sizes = values.sizes.split(",").map((s) => Number(s.trim().replace(/_/g, "")));

/** Plans and dispatches two consecutive days, timing each part; the ledger stays as imported. */
async function measureDays(store: RecoupStore, engine: string): Promise<DayFigures[]> {
  const days: DayFigures[] = [];
  for (const day of [asOf, addDays(asOf, 1)]) {
    const clock = fixedClock(`${day}T06:00:00Z`);
    const plan = await timed(() =>
      runCollectionsCycle({ store, clock, actor: "bench", asOf: day, planOnly: true }),
    );
    const dispatch = await timed(() =>
      dispatchCollectionActions({ store, clock, actor: "bench", upTo: day }),
    );
    const figures = {
      asOf: day,
      planSeconds: plan.ms / 1000,
      actions: plan.value.actions.length,
      skips: plan.value.skipped.reduce((n, s) => n + s.invoiceRefs.length, 0),
      dispatchSeconds: dispatch.ms / 1000,
      dispatched: dispatch.value.length,
    };
    const t = plan.value.timings;
    log(
      `${engine}: ${day} planning phases: refresh ${t.refreshMs} ms, select ${t.selectMs}, plan ${t.planMs}, record+commit ${t.recordMs}`,
    );
    log(
      `${engine}: ${day} planned ${figures.actions} actions, ${figures.skips} skipped invoice steps in ${figures.planSeconds.toFixed(1)} s; ` +
        `dispatched ${figures.dispatched} in ${figures.dispatchSeconds.toFixed(1)} s`,
    );
    days.push(figures);
  }
  return days;
}

const results: EngineFigures[] = [];
const databases = new ServerDatabases(values["pg-url"]);
try {
  for (const size of sizes) {
    const portfolio = await ensurePortfolio(DATA_DIR, { invoices: size, seed: Number(values.seed), asOf });
    const importClock = fixedClock(`${addDays(asOf, 1)}T00:00:00Z`);
    {
      const db = await databases.create(`${size}_cycle`);
      const store = await openServerStore(db.url);
      try {
        log(`server ${size}: importing`);
        await importLedger({ store, folder: portfolio.dir, clock: importClock, actor: "bench" });
        await store.handle.pool.query("VACUUM ANALYZE");
        results.push({ engine: "server", size, days: await measureDays(store, `server ${size}`) });
      } finally {
        await closeServerStore(store);
        await databases.drop(db.name);
      }
    }
    if (size >= 1_000_000 && values["skip-pglite-1m"]) continue;
    const dataDir = path.join(DATA_DIR, `pglite-cycle-${size}`);
    const store = await openFreshPglite(dataDir);
    try {
      log(`PGlite ${size}: importing`);
      await importLedger({ store, folder: portfolio.dir, clock: importClock, actor: "bench" });
      await store.handle.pool.query("VACUUM ANALYZE");
      results.push({ engine: "PGlite", size, days: await measureDays(store, `PGlite ${size}`) });
    } finally {
      await store.close();
      removePglite(dataDir);
    }
  }
} finally {
  await databases.dropAll();
}

const machine = machineInfo();
const lines = [
  "## Daily collections cycle",
  "",
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:cycle\` on ${sourceState()};` +
    ` ${machine.nproc} CPUs (${machine.cpu}), ${machine.ramGiB} GiB, Node ${machine.node}; one run each (these machines are shared: ±10% between runs is normal).`,
  "The bench portfolio as above, imported into a fresh store, then `runCollectionsCycle` with the shipped policy:",
  `planning (profile refresh, set-based selection, plan, recording with audit events) and dispatch to the outbox`,
  `(rendering every message, call tasks) timed apart, on ${asOf} (the first cycle: every open invoice catches up`,
  "at once) and on the day after (the steady state).",
  "",
  "| engine | invoices | day | planning s | actions | skipped invoice steps | dispatch s | dispatched |",
  "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ...results.flatMap((r) =>
    r.days.map(
      (d, index) =>
        `| ${r.engine} | ${r.size.toLocaleString("en-US")} | ${index === 0 ? "first" : "next"} (${d.asOf}) | ${d.planSeconds.toFixed(1)} | ${d.actions.toLocaleString("en-US")} | ${d.skips.toLocaleString("en-US")} | ${d.dispatchSeconds.toFixed(1)} | ${d.dispatched.toLocaleString("en-US")} |`,
    ),
  ),
  "",
  "Goal (issue 3): planning at 1M invoices on the server under 30 s.",
];
const section = lines.join("\n");
console.log(`\n${section}\n`);
if (!values["no-write"]) {
  writeSection(CYCLE_SECTION, section);
  log("wrote the cycle section of bench/RESULTS.md");
}
