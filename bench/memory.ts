/**
 * Bounded memory on a large file (issue: "a 200 MB file streams through in bounded memory").
 * Generates ~2.4M invoices (an invoices.csv of about 210 MB, plus customers.csv) once into
 * bench/data/memory/, then imports them into a fresh database on the PostgreSQL server in a child
 * process whose V8 heap is capped well below the file's size, and prints the child's peak RSS.
 *
 *   npm run bench:memory [-- --invoices 2400000 --heap-mb 160]
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { generatePortfolio } from "../src/demo/generate-portfolio.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const invoices = option("invoices", 2_400_000);
const heapMb = option("heap-mb", 160);
const serverUrl = process.env.RECOUP_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
const folder = path.join(root, "bench/data/memory", String(invoices));

if (!existsSync(path.join(folder, "invoices.csv"))) {
  console.log(`generating ${invoices} invoices into ${folder} …`);
  await generatePortfolio({
    outDir: folder,
    seed: 7,
    customers: Math.ceil(invoices / 20),
    invoices,
    from: "2022-12-01",
    asOf: "2026-11-30",
  });
  // Invoices and customers only: the point is one large file through the streaming path.
  rmSync(path.join(folder, "payments.csv"));
  rmSync(path.join(folder, "credit_notes.csv"));
}
const megabytes = (file: string) => Math.round(statSync(path.join(folder, file)).size / 1e6);

const database = `recoup_bench_memory_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
try {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const child = `
    import { openRecoup } from "./src/db/open-recoup.js";
    import { importLedger } from "./src/ingest/import-ledger.js";
    import { systemClock } from "./src/clock.js";
    const store = await openRecoup(${JSON.stringify(url.toString())});
    const started = performance.now();
    const result = await importLedger({ store, folder: ${JSON.stringify(folder)}, clock: systemClock, actor: "bench" });
    await store.close();
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, created: result.created,
      errors: result.errors.length, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));`;
  const output = execFileSync(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, "--import", "tsx", "--input-type=module", "--eval", child],
    { cwd: root, encoding: "utf8", maxBuffer: 1 << 20 },
  );
  const measured = JSON.parse(output.trim().split("\n").at(-1)!);
  console.log(
    `invoices.csv ${megabytes("invoices.csv")} MB + customers.csv ${megabytes("customers.csv")} MB; ` +
      `V8 heap capped at ${heapMb} MB; import ${measured.seconds.toFixed(1)} s; peak RSS ${measured.maxRssMb} MB; ` +
      `created ${JSON.stringify(measured.created)}; errors ${measured.errors}`,
  );
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
