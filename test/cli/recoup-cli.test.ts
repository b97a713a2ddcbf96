import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliTargets, recoup } from "../support/cli.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

describe("recoup CLI", async () => {
  for (const { kind, db } of await cliTargets("recoup-cli-")) {
    it(`imports, ages and reports KPIs with the contract's JSON shapes [${kind}]`, async () => {
      const folder = ledgerFolder(SMALL_LEDGER);
      const imported = await recoup(["--db", db, "--json", "import", folder]);
      expect(imported.code).toBe(0);
      const result = JSON.parse(imported.stdout);
      expect(Object.keys(result)).toEqual(
        expect.arrayContaining(["created", "updated", "unchanged", "errors"]),
      );
      expect(result.created).toEqual({ customers: 2, invoices: 3, creditNotes: 2, payments: 1 });

      const aging = JSON.parse(
        (await recoup(["--db", db, "--json", "aging", "--as-of", "2026-04-15"])).stdout,
      );
      expect(Object.keys(aging)).toEqual(["asOf", "basis", "bucketBounds", "totals", "customers"]);
      expect(aging.totals.map((t: { currency: string; total: number }) => [t.currency, t.total])).toEqual([
        ["EUR", 90000],
        ["USD", 8050],
      ]);

      const kpis = JSON.parse(
        (await recoup(["--db", db, "--json", "kpis", "--from", "2026-01-01", "--to", "2026-03-31"])).stdout,
      );
      expect(kpis.byCurrency.map((k: { currency: string }) => k.currency)).toEqual(["EUR", "USD"]);
      expect(Object.keys(kpis.byCurrency[1])).toEqual(
        expect.arrayContaining([
          "from",
          "to",
          "days",
          "currency",
          "creditSales",
          "beginAr",
          "endAr",
          "endCurrentAr",
          "dso",
          "bestPossibleDso",
          "add",
          "cei",
        ]),
      );
      // USD: sales 150.50 over 90 days, end AR 80.50 → DSO 80.50 / 150.50 × 90 = 48.14
      expect(kpis.byCurrency[1].dso.simple).toBe(48.14);

      const verified = await recoup(["--db", db, "--json", "audit", "verify"]);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout).ok).toBe(true);
    });

    it(`reports every bad row as file:line: column: message with exit code 1 [${kind}]`, async () => {
      const folder = ledgerFolder({
        "invoices.csv": "invoice_ref,customer_ref,issue_date,amount\nX1,NOPE,2026-02-30,1.001\n",
      });
      const { code, stderr, stdout } = await recoup(["--db", db, "import", folder]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toContain(`${folder}/invoices.csv:2: customer_ref: unknown customer "NOPE"`);
      expect(stderr).toMatch(/invoices\.csv:2: issue_date: .*day 30/);
      expect(stderr).toContain("Nothing was imported");
    });
  }

  it("computes statutory interest with the contract's JSON shape", async () => {
    const { code, stdout } = await recoup([
      "--json",
      "interest",
      "--amount",
      "1000.00",
      "--currency",
      "GBP",
      "--due",
      "2024-01-15",
      "--paid",
      "2024-03-15",
      "--regime",
      "uk",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      regime: "uk",
      rate: 13.25,
      days: 60,
      interest: { amount: 2178, currency: "GBP" },
      compensation: { amount: 7000, currency: "GBP" },
      total: { amount: 9178, currency: "GBP" },
    });
  });

  for (const { kind, db } of await cliTargets("recoup-cli-")) {
    it(`keeps the policy as code, segments customers and shows one [${kind}]`, async () => {
      expect((await recoup(["--db", db, "import", ledgerFolder(SMALL_LEDGER)])).code).toBe(0);
      const exported = await recoup(["--db", db, "policy", "export"]);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(/^# Recoup collections policy: the shipped defaults/);
      const folder = ledgerFolder({
        "policy.yaml": exported.stdout.replace("topShare: 0.8", "topShare: 0.5"),
        "broken.yaml":
          "workflows:\n  - key: w\n    steps:\n      - { key: s, offsetDays: 1, channel: fax }\nassignments:\n  - { default: true, workflow: w }\n",
      });
      const refused = await recoup(["--db", db, "policy", "apply", path.join(folder, "broken.yaml")]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `${path.join(folder, "broken.yaml")}:4:43: workflows[0].steps[0].channel:`,
      );
      const applied = await recoup([
        "--db",
        db,
        "--json",
        "policy",
        "apply",
        path.join(folder, "policy.yaml"),
      ]);
      expect(applied.code).toBe(0);
      expect(JSON.parse(applied.stdout)).toMatchObject({ version: 1, changed: true });
      const json = JSON.parse((await recoup(["--db", db, "--json", "policy", "export"])).stdout);
      expect(json.segmentation.highValue.topShare).toBe(0.5);

      const segmented = await recoup(["--db", db, "--json", "segment", "--as-of", "2026-04-15"]);
      expect(segmented.code).toBe(0);
      expect(JSON.parse(segmented.stdout)).toMatchObject({ asOf: "2026-04-15", customers: 2, changed: 2 });
      const shown = await recoup(["--db", db, "customer", "show", "C1"]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain("open 80.50 USD, overdue 80.50 USD");
      expect(shown.stdout).toMatch(/no_history\s+10\.00\s+10/);
      const missing = await recoup(["--db", db, "customer", "show", "NOPE"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('no customer with ref "NOPE"');

      const cycle = await recoup(["--db", db, "--json", "cycle", "--as-of", "2026-04-15"]);
      expect(cycle.code).toBe(0);
      const result = JSON.parse(cycle.stdout);
      expect(Object.keys(result)).toEqual(expect.arrayContaining(["asOf", "dryRun", "actions", "skipped"]));
      expect(result.actions.length).toBeGreaterThan(0);
      expect(Object.keys(result.actions[0])).toEqual(
        expect.arrayContaining(["id", "customerRef", "workflow", "step", "channel", "invoiceRefs", "status"]),
      );
      const outbox = JSON.parse((await recoup(["--db", db, "--json", "outbox"])).stdout);
      expect(Object.keys(outbox[0])).toEqual(
        expect.arrayContaining(["id", "to", "subject", "customerRef", "invoiceRefs", "step", "createdAt"]),
      );
      const again = JSON.parse(
        (await recoup(["--db", db, "--json", "cycle", "--as-of", "2026-04-15"])).stdout,
      );
      expect(again.actions).toEqual([]);

      // The customer's timeline now holds the cycle's message beside the ledger's documents.
      const timeline = JSON.parse(
        (await recoup(["--db", db, "--json", "customer", "timeline", "C1"])).stdout,
      );
      expect(timeline.entries.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(["collection.message_sent", "payment.received", "invoice.issued"]),
      );
      const withTimeline = JSON.parse(
        (await recoup(["--db", db, "--json", "customer", "show", "C1"])).stdout,
      );
      expect(withTimeline.timeline.map((e: { id: string }) => e.id)).toEqual(
        timeline.entries.slice(0, 20).map((e: { id: string }) => e.id),
      );
      const firstPage = await recoup(["--db", db, "customer", "timeline", "C1", "--limit", "1"]);
      expect(firstPage.stdout).toMatch(/older entries: recoup customer timeline C1 --before \S+/);
      expect((await recoup(["--db", db, "customer", "timeline", "C1", "--limit", "0"])).code).toBe(1);
    }, 240_000);
  }

  it("exits 1 with a message for bad options and unknown commands", async () => {
    const badDate = await recoup([
      "interest",
      "--amount",
      "5",
      "--currency",
      "EUR",
      "--due",
      "2024-13-01",
      "--paid",
      "2024-03-15",
      "--regime",
      "eu",
    ]);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/--due: .*month 13/);
    expect((await recoup(["no-such-command"])).code).toBe(1);
  });
});
