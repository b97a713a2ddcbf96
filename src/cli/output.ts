import { formatMinorUnits } from "../domain/money.js";

/** Prints machine-readable output: one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** A plain text table, numbers right-aligned, for people at a terminal. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,%]*$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Minor units as a major-unit decimal with thousands separators: 123456 USD → "1,234.56". */
export function amountText(amount: number, currency: string): string {
  const plain = formatMinorUnits(amount, currency);
  const [whole, fraction] = plain.replace("-", "").split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${amount < 0 ? "-" : ""}${grouped}${fraction !== undefined ? `.${fraction}` : ""}`;
}

export function ratioText(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? "n/a" : value.toFixed(digits);
}

/** Money for people: "1,234.56 USD". */
export function moneyText(money: { amount: number; currency: string }): string {
  return `${amountText(money.amount, money.currency)} ${money.currency}`;
}
