/**
 * Runs one collections cycle in its own process, for the crash and concurrency tests:
 *   node --import tsx test/support/cycle-runner.ts <db> <as-of> <smtp-url>
 * Dispatch goes one action per batch so that a crash can fall between batches. RECOUP_NOW fixes
 * the clock; RECOUP_FAULT_POINT kills the process at a named point (src/fault-points.ts).
 */
import { createSmtpTransport } from "../../src/channels/email-transport.js";
import { runCollectionsCycle } from "../../src/collections/run-collections-cycle.js";
import { clockFromEnvironment } from "../../src/clock.js";
import { openRecoup } from "../../src/db/open-recoup.js";

const [db, asOf, smtpUrl] = process.argv.slice(2);
const store = await openRecoup(db);
const transport = createSmtpTransport({ url: smtpUrl! });
try {
  const result = await runCollectionsCycle({
    store,
    clock: clockFromEnvironment(),
    actor: `runner:${process.pid}`,
    asOf: asOf!,
    dispatch: { transport, batchSize: 1 },
  });
  process.stdout.write(JSON.stringify({ actions: result.actions.length, delivery: result.delivery }) + "\n");
} finally {
  await transport.close();
  await store.close();
}
