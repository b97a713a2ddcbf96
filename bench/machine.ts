/** What the numbers were measured on. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface MachineInfo {
  nproc: string;
  cpu: string;
  ramGiB: string;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // keep availableParallelism
  }
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match) cpu = match[1]!.trim();
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    cpu,
    ramGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** The installed version of a package, from its package.json under node_modules. */
export function packageVersion(name: string): string {
  try {
    const file = path.resolve(import.meta.dirname, "..", "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The commit measured, and the files under src/ that differ from it (others edit concurrently). */
export function sourceState(): string {
  try {
    const run = (args: string[]) => execFileSync("git", args, { encoding: "utf8" });
    const commit = run(["rev-parse", "--short", "HEAD"]).trim();
    // Porcelain lines are "XY path": the first line's leading blank matters, so no trim() here.
    const changed = run(["status", "--porcelain", "--", "src"])
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.slice(3));
    return changed.length === 0 ? commit : `${commit} + uncommitted changes in ${changed.join(", ")}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}
