/**
 * End-to-end: the real `recoup serve` (built CLI, embedded database with the demo portfolio and
 * today's cycle run) driven by Debian's Chromium through playwright-core. Each main screen is
 * saved to test-results/screenshots/; the first-load times go to test-results/web-timings.json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recoup } from "../support/cli.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const CHROMIUM = process.env.RECOUP_CHROMIUM ?? "/usr/bin/chromium";
const TODAY = "2026-05-14";
const NOW = `${TODAY}T09:00:00Z`;
const KPI_FROM = "2026-02-14"; // the dashboard's default period: the last 90 days
const SCREENSHOTS = path.join(repoRoot, "test-results", "screenshots");
const env = { ...process.env, RECOUP_NOW: NOW, DATABASE_URL: "", RECOUP_SMTP_URL: "" };

const built =
  existsSync(path.join(repoRoot, "dist/cli/main.js")) &&
  existsSync(path.join(repoRoot, "web/dist/index.html"));
const haveChromium = existsSync(CHROMIUM);
if (!built || !haveChromium) {
  console.warn(
    `[recoup e2e] skipped: ${!built ? "run `npm run build` first" : ""}${!haveChromium ? ` no Chromium at ${CHROMIUM} (apt-get install -y chromium)` : ""}`,
  );
}

/** The CLI's stdout on the e2e's clock; a failure fails the suite with the CLI's message. */
async function cli(args: string[]): Promise<string> {
  const run = await recoup(args, { RECOUP_NOW: NOW });
  if (run.code !== 0) throw new Error(`recoup ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

interface CliKpis {
  currency: string;
  dso: { simple: number | null; countback: number | null };
  bestPossibleDso: number | null;
  add: number | null;
  cei: number | null;
}
interface CliAging {
  totals: { currency: string; total: number; buckets: { key: string; amount: number }[] }[];
}

const money = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount / 100);
const oneDecimal = (value: number | null) =>
  value === null
    ? "—"
    : new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);

describe.skipIf(!built || !haveChromium)("the web app in Chromium", () => {
  let dataDir: string;
  let server: ChildProcess;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  let cliKpis: CliKpis[];
  let cliAging: CliAging;
  const consoleErrors: string[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "recoup-e2e-"));
    const db = path.join(dataDir, "db");
    await cli(["--db", db, "demo"]);
    await cli(["--db", db, "cycle", "--as-of", TODAY]);
    const kpis = JSON.parse(await cli(["--db", db, "--json", "kpis", "--from", KPI_FROM, "--to", TODAY]));
    cliKpis = "byCurrency" in kpis ? kpis.byCurrency : [kpis];
    cliAging = JSON.parse(await cli(["--db", db, "--json", "aging", "--as-of", TODAY]));

    server = spawn(process.execPath, ["bin/recoup.js", "--db", db, "serve", "--port", "0"], {
      cwd: repoRoot,
      env,
    });
    baseUrl = await new Promise<string>((resolve, reject) => {
      let output = "";
      server.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /running at (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      server.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
      server.once("exit", (code) => reject(new Error(`recoup serve exited with ${code}: ${output}`)));
    });

    // A fresh profile each run (playwright-core passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(path.join(dataDir, "chromium"), {
      executablePath: CHROMIUM,
      locale: "en-US",
      timezoneId: "UTC",
      viewport: { width: 1440, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // The session probe answers 404 (no sign-in on this server) or 401 (signed out): the browser
      // logs every non-2xx load, and that answer is expected. Anything else is a failure.
      if (message.location().url.endsWith("/api/v1/session")) return;
      consoleErrors.push(`${page.url()}: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    server?.kill("SIGTERM");
    await new Promise((resolve) =>
      server?.exitCode !== null ? resolve(null) : server.once("exit", resolve),
    );
    if (Object.keys(timings).length > 0) {
      writeFileSync(
        path.join(repoRoot, "test-results", "web-timings.json"),
        JSON.stringify(timings, null, 2),
      );
      console.log(`[recoup e2e] first load (ms): ${JSON.stringify(timings)}`);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it("serves the app with hashed assets cached as immutable, and client routes from index.html", async () => {
    const index = await fetch(`${baseUrl}/`);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await fetch(`${baseUrl}${asset}`, { headers: { "Accept-Encoding": "br" } });
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const deep = await fetch(`${baseUrl}/customers/C-0001`, { headers: { Accept: "text/html" } });
    expect(await deep.text()).toBe(html);
    const api = await fetch(`${baseUrl}/api/v1/nothing-here`, { headers: { Accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("shows the same DSO and aging as the CLI, per currency (and records how long the first load took)", async () => {
    const started = Date.now();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId("tile-dso").locator(".tile-value").getByText(/\d d$/).waitFor();
    await page.getByTestId("aging-total").waitFor();
    timings.dashboard = Date.now() - started;
    await page.getByTestId("dso-trend").locator("canvas").waitFor();
    await page.getByTestId("top-overdue").locator("tbody tr").first().waitFor();
    await page.getByTestId("roll-rates").locator("tbody tr").first().waitFor();
    await page.getByTestId("segments").locator("tbody tr").first().waitFor();
    timings.dashboardAllCards = Date.now() - started;
    await shot("dashboard");
    // Again, as a CFO opening it the next morning would: the server has served queries before.
    const again = Date.now();
    await page.reload();
    await page.getByTestId("tile-dso").locator(".tile-value").getByText(/\d d$/).waitFor();
    await page.getByTestId("aging-total").waitFor();
    timings.dashboardReload = Date.now() - again;

    for (const totals of cliAging.totals) {
      await page.getByTestId("filter-currency").selectOption(totals.currency);
      await expect
        .poll(() => page.getByTestId("aging-total").textContent())
        .toBe(money(totals.total, totals.currency));
      for (const bucket of totals.buckets) {
        expect(await page.getByTestId(`aging-amount-${bucket.key}`).textContent()).toBe(
          money(bucket.amount, totals.currency),
        );
      }
      const kpis = cliKpis.find((k) => k.currency === totals.currency)!;
      await expect
        .poll(() => page.getByTestId("tile-dso").locator(".tile-value").textContent())
        .toBe(`${oneDecimal(kpis.dso.simple)} d`);
      expect(await page.getByTestId("tile-dso").locator(".tile-hint").textContent()).toBe(
        `Countback ${oneDecimal(kpis.dso.countback)} d`,
      );
      expect(await page.getByTestId("tile-bpdso").locator(".tile-value").textContent()).toBe(
        `${oneDecimal(kpis.bestPossibleDso)} d`,
      );
      expect(await page.getByTestId("tile-add").locator(".tile-value").textContent()).toBe(
        `${oneDecimal(kpis.add)} d`,
      );
      expect(await page.getByTestId("tile-cei").locator(".tile-value").textContent()).toBe(
        `${oneDecimal(kpis.cei)} %`,
      );
    }
  });

  it("opens an aging bucket's invoices from the dashboard", async () => {
    const usd = cliAging.totals.find((t) => t.currency === "USD")!;
    await page.getByTestId("filter-currency").selectOption("USD");
    const bucket = usd.buckets.find((b) => b.key === "31-60")!;
    await page.getByTestId("aging-row-31-60").getByRole("button").click();
    await page.getByTestId("invoice-table").waitFor();
    expect(page.url()).toContain("/invoices?");
    const rows = page.getByTestId("invoice-table").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    // Every listed invoice is USD and 31–60 days past due.
    const days = await rows.evaluateAll((trs) =>
      trs.map((tr) => Number(tr.lastElementChild!.textContent!.replace(/\D/g, ""))),
    );
    for (const d of days) expect(d >= 31 && d <= 60).toBe(true);
    expect(bucket.amount).toBeGreaterThan(0);
    await shot("invoices");
  });

  it("works a worklist item from the keyboard: outcome, note, close", async () => {
    const started = Date.now();
    await page.goto(`${baseUrl}/worklist`);
    await page.getByTestId("work-item").first().waitFor();
    await page.getByTestId("work-panel").waitFor();
    timings.worklist = Date.now() - started;
    await shot("worklist");

    const before = await page.getByTestId("work-item").count();
    // Move to the first call task (monitor items have no task to close).
    const kinds = await page
      .getByTestId("work-item")
      .evaluateAll((items) => items.map((i) => i.textContent ?? ""));
    const target = kinds.findIndex((text) => text.startsWith("1Call") || /^\d+Call/.test(text));
    expect(target).toBeGreaterThanOrEqual(0);
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < target; i++) await page.keyboard.press("j");
    const panel = page.getByTestId("work-panel");
    const customerName = (await panel.locator("h2").textContent())!;
    const customerRef = (await panel.locator(".muted.small").first().textContent())!.split(" · ")[0]!;
    // The customer promised on the call: record it (default: the overdue amount, in a week).
    await panel.getByTestId("record-promise").click();
    await panel.getByText(/Promise of .* recorded\./).waitFor();
    const promises = (await (await fetch(`${baseUrl}/api/v1/promises?customer=${customerRef}`)).json()) as {
      items: { status: string; source: string; promisedOn: string }[];
    };
    expect(promises.items).toEqual([
      expect.objectContaining({ status: "open", source: "call", promisedOn: "2026-05-21" }),
    ]);
    await page.keyboard.press("1"); // reached
    await page.keyboard.press("n");
    await page.keyboard.type("Spoke to AP: pays on Friday");
    await panel.getByTestId("complete-task").click();
    await expect.poll(() => page.getByTestId("work-item").count()).toBe(before - 1);

    await page
      .getByText(customerName, { exact: false })
      .first()
      .waitFor({ state: "detached" })
      .catch(() => undefined);
    await page.goto(`${baseUrl}/customers`);
    await page.getByRole("searchbox").fill(customerName.slice(0, 12));
    await page.getByRole("link", { name: customerName }).first().click();
    await page.getByTestId("timeline").getByText("Outcome: Reached — Spoke to AP: pays on Friday").waitFor();
    await page.getByTestId("customer-messages").locator("summary").first().waitFor();
    await page.getByTestId("risk-card").locator(".factors li").first().waitFor();
    await shot("customer-360");
  });

  it("previews tomorrow's cycle, and the preview changes with an edited workflow", async () => {
    await page.goto(`${baseUrl}/policies`);
    await page.getByTestId("run-preview").click();
    await page.getByTestId("preview-summary").waitFor({ timeout: 60_000 });
    const baseline = Number(
      (await page.getByTestId("preview-actions").textContent())!.replace(/\D.*$/, "").replace(/,/g, ""),
    );
    expect(baseline).toBeGreaterThan(0);

    // Push every step of the standard workflow (low-value customers) out of reach: fewer actions.
    await page.getByRole("tab", { name: "standard" }).click();
    const offsets = page.getByTestId("workflow-editor").getByTestId("step-offset");
    const count = await offsets.count();
    for (let i = 0; i < count; i++) await offsets.nth(i).fill("700");
    await page.getByText("Unsaved changes").waitFor();
    await page.getByTestId("run-preview").click();
    await expect
      .poll(
        async () =>
          Number(
            (await page.getByTestId("preview-actions").textContent())!.replace(/\D.*$/, "").replace(/,/g, ""),
          ),
        { timeout: 60_000 },
      )
      .toBeLessThan(baseline);
    await page.getByTestId("preview-actions").getByText("vs. in force").waitFor();
    await shot("policies");
    await page.getByRole("button", { name: "Discard changes" }).click();
  });

  it("shows a message's content in the outbox", async () => {
    await page.goto(`${baseUrl}/outbox`);
    await page.getByTestId("message-view").waitFor();
    const api = (await (await fetch(`${baseUrl}/api/v1/outbox?limit=1`)).json()) as {
      items: { body: string }[];
    };
    const newest = api.items[0]!;
    expect((await page.getByTestId("message-body").textContent())!.trim()).toBe(newest.body.trim());
    await shot("outbox");
  });

  it("previews a template live with the communication-standards check", async () => {
    await page.goto(`${baseUrl}/templates`);
    await page.getByTestId("standards").getByText("Meets the communication standards.").waitFor();
    const source = page.getByTestId("template-source");
    await source.fill(`${await source.inputValue()}\nPAY NOW OR WE WILL TAKE LEGAL ACTION!!!\n`);
    await page
      .getByTestId("standards")
      .getByText(/problems? to fix before saving/)
      .waitFor();
    await shot("templates");
  });

  it("shows the settings and the customers", async () => {
    await page.goto(`${baseUrl}/settings`);
    await page.getByLabel("Name").first().waitFor();
    await shot("settings");
    await page.goto(`${baseUrl}/customers`);
    await page.getByTestId("customers").locator("tbody tr").first().waitFor();
    await shot("customers");
  });

  it("fits a tablet screen", async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${baseUrl}/`);
    await page.getByTestId("aging-total").waitFor();
    await page.getByTestId("dso-trend").locator("canvas").waitFor();
    await page.getByTestId("top-overdue").locator("tbody tr").first().waitFor();
    await page.getByTestId("roll-rates").locator("tbody tr").first().waitFor();
    await shot("dashboard-tablet");
    await page.goto(`${baseUrl}/worklist`);
    await page.getByTestId("work-panel").waitFor();
    await shot("worklist-tablet");
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("logged no console error on any page", () => {
    expect(consoleErrors).toEqual([]);
  });
});
