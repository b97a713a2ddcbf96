import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Writes ledger files (name → content) into a fresh temporary folder, removed after the file's tests. */
export function ledgerFolder(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), "recoup-ledger-"));
  folders.push(folder);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(folder, name), content);
  return folder;
}

/** A small, hand-checked ledger used across storage tests. */
export const SMALL_LEDGER = {
  "customers.csv":
    "customer_ref,name,currency,email,payment_terms_days,requires_po\n" +
    "C1,Acme Ltd,USD,ap@acme.test,30,false\n" +
    'C2,"Beta, Inc",EUR,,45,\n',
  "invoices.csv":
    "invoice_ref,customer_ref,issue_date,due_date,amount\n" +
    "I1,C1,2026-01-01,2026-01-31,100.00\n" +
    "I2,C1,2026-02-01,,50.50\n" +
    "I3,C2,2026-03-01,,1000\n",
  "payments.csv":
    "payment_ref,customer_ref,date,amount,invoice_ref\n" +
    "P1,C1,2026-02-10,60.00,I1\n" +
    "P1,C1,2026-02-10,10.00,I2\n" +
    "P1,C1,2026-02-10,5.00,\n",
  "credit_notes.csv":
    "credit_note_ref,customer_ref,date,amount,invoice_ref\n" +
    "CN1,C2,2026-03-05,100,I3\n" +
    "CN2,C2,2026-03-06,7,\n",
};
