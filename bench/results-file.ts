/**
 * bench/RESULTS.md holds the main benchmark (`npm run bench`) and, between markers, the sections
 * other benchmarks own (`npm run bench:cycle`). Each writer replaces only its own part.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const RESULTS_FILE = path.join(import.meta.dirname, "RESULTS.md");

const marker = (name: string, end: boolean) => `<!-- ${name}:${end ? "end" : "start"} -->`;

/** The text of section `name` with its markers, or null when the file has none. */
export function readSection(name: string, file = RESULTS_FILE): string | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(marker(name, false));
  const end = text.indexOf(marker(name, true));
  return start >= 0 && end > start ? text.slice(start, end + marker(name, true).length) : null;
}

/** Replaces (or appends) section `name`, leaving the rest of the file alone. */
export function writeSection(name: string, body: string, file = RESULTS_FILE): void {
  const section = `${marker(name, false)}\n${body.trim()}\n${marker(name, true)}`;
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const existing = readSection(name, file);
  const next = existing ? current.replace(existing, section) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** Writes the main results, keeping the sections other benchmarks wrote. */
export function writeMainResults(markdown: string, keep: readonly string[], file = RESULTS_FILE): void {
  const kept = keep.map((name) => readSection(name, file)).filter((s): s is string => s !== null);
  writeFileSync(file, [markdown.trimEnd(), ...kept].join("\n\n") + "\n");
}
