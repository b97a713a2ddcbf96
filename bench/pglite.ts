/** PGlite (embedded, data directory on disk under bench/data/pglite-<size>, deleted afterwards). */
import { rmSync } from "node:fs";
import { openRecoup, type RecoupStore } from "../src/db/open-recoup.js";

export async function openFreshPglite(dataDir: string): Promise<RecoupStore> {
  rmSync(dataDir, { recursive: true, force: true });
  return openRecoup(dataDir);
}

export async function pgliteVersion(store: RecoupStore): Promise<string> {
  const { rows } = await store.handle.pool.query<{ v: string }>(
    `SELECT current_setting('server_version') AS v`,
  );
  return rows[0]!.v;
}

export function removePglite(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}
