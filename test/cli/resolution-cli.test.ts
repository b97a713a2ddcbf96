import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliTargets, recoup } from "../support/cli.js";
import { ledgerFolder, SMALL_LEDGER } from "../support/ledger-folder.js";

const pdfDir = mkdtempSync(path.join(tmpdir(), "recoup-resolution-cli-"));
afterAll(() => rmSync(pdfDir, { recursive: true, force: true }));

describe("recoup promise and plan commands", async () => {
  for (const { kind, db } of await cliTargets("recoup-resolution-cli-")) {
    it(`records, judges and shows promises and plans with their JSON [${kind}]`, async () => {
      expect((await recoup(["--db", db, "import", ledgerFolder(SMALL_LEDGER)])).code).toBe(0);
      const cli = async (...args: string[]) => {
        const result = await recoup(["--db", db, "--json", ...args], { RECOUP_SMTP_URL: "" });
        expect(result, args.join(" ")).toMatchObject({ code: 0 });
        return JSON.parse(result.stdout);
      };

      // C1 owes I1 40.00 and I2 40.50: a promise of 50.00 covers both, oldest first
      const promise = await cli(
        "promise",
        "record",
        "--customer",
        "C1",
        "--amount",
        "50.00",
        "--date",
        "2026-04-20",
      );
      expect(promise).toMatchObject({
        status: "open",
        amount: { amount: 5_000, currency: "USD" },
        recordedOn: "2026-04-15",
        deadline: "2026-04-23",
        invoices: [{ invoiceRef: "I1" }, { invoiceRef: "I2" }],
        confirmation: { status: "sent", channel: "email" },
      });
      const refused = await recoup([
        "--db",
        db,
        "promise",
        "record",
        "--customer",
        "C1",
        "--amount",
        "5",
        "--date",
        "2026-04-31",
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the promised date: "2026-04-31" has day 31; 2026-04 has 30 days');
      expect(await cli("promises", "--due-today", "--as-of", "2026-04-20")).toHaveLength(1);
      expect(await cli("promises", "--broken")).toEqual([]);

      // C2's invoice I3 has 900.00 open: three instalments of 300.00 every month from 1 May
      const plan = await cli(
        "plan",
        "create",
        "--customer",
        "C2",
        "--invoices",
        "I3",
        "--instalments",
        "3",
        "--first",
        "2026-05-01",
      );
      expect(plan).toMatchObject({
        status: "proposed",
        total: { amount: 90_000, currency: "EUR" },
        signBy: "2026-04-29",
      });
      expect(
        plan.instalments.map((i: { dueOn: string; amount: { amount: number } }) => [
          i.dueOn,
          i.amount.amount,
        ]),
      ).toEqual([
        ["2026-05-01", 30_000],
        ["2026-06-01", 30_000],
        ["2026-07-01", 30_000],
      ]);
      expect(
        await cli("plan", "sign", plan.id, "--signed-by", "C. Two", "--as-of", "2026-04-16"),
      ).toMatchObject({
        status: "active",
        signedOn: "2026-04-16",
      });
      const pdfFile = path.join(pdfDir, `agreement-${kind}.pdf`);
      expect(await cli("plan", "show", plan.id, "--agreement", pdfFile)).toMatchObject({
        id: plan.id,
        status: "active",
      });
      expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe("%PDF-");
      expect((await cli("plans", "--status", "active")).map((p: { id: string }) => p.id)).toEqual([plan.id]);

      // the cycle of 24 April judges the promise broken (nothing came by its deadline, 23 April)
      const cycle = await cli("cycle", "--as-of", "2026-04-24");
      expect(cycle.resolution.promises).toMatchObject({ broken: 1, tasks: 1 });
      const shown = await cli("customer", "show", "C1");
      expect(shown.promises).toMatchObject([{ id: promise.id, status: "broken", evaluatedOn: "2026-04-24" }]);
      expect(shown.promiseKeptRate).toMatchObject({ kept: 0, broken: 1, keptRate: 0 });
      expect(shown.risk.factors.find((f: { key: string }) => f.key === "broken_commitments").points).toBe(10);
      const kpis = await cli("kpis", "--from", "2026-04-01", "--to", "2026-04-30");
      const usd = kpis.byCurrency.find((k: { currency: string }) => k.currency === "USD");
      expect(usd.promises).toMatchObject({
        judged: 1,
        broken: 1,
        keptRate: 0,
        promised: 5_000,
        collected: 0,
      });
      expect(
        kpis.byCurrency.find((k: { currency: string }) => k.currency === "EUR").promises,
      ).toBeUndefined();

      const closed = await recoup(["--db", db, "promise", "cancel", promise.id]);
      expect(closed.code).toBe(1);
      expect(closed.stderr).toContain(
        `promise ${promise.id} is broken (since 2026-04-24); a closed promise cannot be cancelled`,
      );
      expect((await cli("plan", "cancel", plan.id, "--reason", "renegotiated")).status).toBe("cancelled");
      const again = await recoup(["--db", db, "plan", "cancel", plan.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("nothing can be recorded against a closed plan");

      const text = await recoup(["--db", db, "customer", "show", "C1"]);
      expect(text.stdout).toContain(
        "promises kept from 2025-04-25 to 2026-04-24: 0 of 1 (0%), 0 partly, 1 broken",
      );
      const human = await recoup(["--db", db, "plan", "show", plan.id]);
      expect(human.stdout).toContain(
        `Payment plan ${plan.id} (cancelled): C2 pays 900.00 EUR on I3 in 3 instalments`,
      );
    }, 240_000);
  }
});
