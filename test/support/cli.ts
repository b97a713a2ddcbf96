import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { createServerDatabase, isServerReachable } from "./databases.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface CliRun {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI from source in a child process, at 2026-04-15T09:00:00Z unless `env` says otherwise,
 * with no DATABASE_URL; resolves with exit code, signal and output, never rejects.
 *
 * @example const { code, stdout } = await recoup(["--db", db, "--json", "aging", "--as-of", "2026-04-15"])
 */
export function recoup(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, RECOUP_NOW: "2026-04-15T09:00:00Z", DATABASE_URL: "", ...env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({
          code: failure ? (typeof failure.code === "number" ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/**
 * The databases a CLI suite runs against: a fresh embedded folder, and a fresh database on the
 * PostgreSQL server when one is reachable. Both are removed after the file's tests.
 *
 * @example for (const { kind, db } of await cliTargets("recoup-cli-")) it(`… [${kind}]`, …)
 */
export async function cliTargets(prefix: string): Promise<{ kind: "pglite" | "postgres"; db: string }[]> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const targets: { kind: "pglite" | "postgres"; db: string }[] = [
    { kind: "pglite", db: path.join(dir, "db") },
  ];
  let drop: (() => Promise<void>) | undefined;
  if (await isServerReachable()) {
    const created = await createServerDatabase();
    drop = created.drop;
    targets.push({ kind: "postgres", db: created.url });
  }
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });
  return targets;
}
