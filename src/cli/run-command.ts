import { clockFromEnvironment, type Clock } from "../clock.js";
import { openRecoup, type RecoupStore } from "../db/open-recoup.js";
import { isRecoupError } from "../errors.js";

export interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/** Exit codes of DESIGN 5.2: 0 success, 1 user error, 2 internal failure. */
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL = 2;

export class UserError extends Error {}

/** The database named by --db, else DATABASE_URL, else the embedded one in ./.recoup. */
export function databaseTarget(options: GlobalOptions): string | undefined {
  return options.db ?? (process.env.DATABASE_URL || undefined);
}

/** Opens the store, runs `body`, closes the store; maps failures to messages and exit codes. */
export async function withStore(
  options: GlobalOptions,
  body: (store: RecoupStore, clock: Clock) => Promise<number | void>,
): Promise<void> {
  let store: RecoupStore | undefined;
  try {
    store = await openRecoup(databaseTarget(options));
    const code = await body(store, clockFromEnvironment());
    process.exitCode = code ?? 0;
  } catch (error) {
    reportFailure(error);
  } finally {
    await store?.close().catch(() => undefined);
  }
}

export function reportFailure(error: unknown): void {
  if (isRecoupError(error) || error instanceof UserError || error instanceof RangeError) {
    process.stderr.write(`recoup: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USER_ERROR;
  } else {
    process.stderr.write(`recoup: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
