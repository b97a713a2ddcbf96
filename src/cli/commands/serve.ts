import type { Command } from "commander";
import { clockFromEnvironment } from "../../clock.js";
import { openRecoup } from "../../db/open-recoup.js";
import { isLedgerEmpty, loadDemoPortfolio } from "../../demo/load-demo-portfolio.js";
import { runCollectionsCycle } from "../../collections/run-collections-cycle.js";
import { startServer } from "../../server/serve.js";
import { transportsFromEnvironment } from "../../channels/transports-from-environment.js";
import { startWorker } from "../../worker/start-worker.js";
import { databaseTarget, reportFailure, UserError, type GlobalOptions } from "../run-command.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the web app (at /) and the HTTP API (at /api/v1)")
    .option("--port <n>", "port (default PORT or 3000)")
    .option("--host <host>", "interface to listen on (default HOST or 127.0.0.1)")
    .option("--demo", "load the demo portfolio first when the ledger is empty")
    .option(
      "--worker",
      "run the scheduler in this process too (an embedded database allows only one process)",
    )
    .action(
      async (
        options: { port?: string; host?: string; demo?: boolean; worker?: boolean },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        try {
          const portText = options.port ?? process.env.PORT ?? "3000";
          if (!/^\d+$/.test(portText) || Number(portText) > 65535)
            throw new UserError(`--port: "${portText}" is not a port`);
          const clock = clockFromEnvironment();
          const store = await openRecoup(databaseTarget(global));
          if (options.demo && (await isLedgerEmpty(store))) {
            process.stderr.write("Loading the demo portfolio (first run)…\n");
            const loaded = await loadDemoPortfolio({ store, clock });
            process.stderr.write(
              `Demo portfolio up to ${loaded.asOf}: ${loaded.created.customers} customers, ${loaded.created.invoices} invoices.\n`,
            );
            // Today's cycle once, so that the worklist and the outbox have the day's work in them.
            const cycle = await runCollectionsCycle({ store, clock, actor: "demo", asOf: loaded.asOf });
            process.stderr.write(
              `Today's collections cycle: ${cycle.actions.length} actions, ${cycle.skipped.length} skipped.\n`,
            );
          }
          const server = await startServer({
            store,
            clock,
            port: Number(portText),
            host: options.host ?? process.env.HOST ?? "127.0.0.1",
          });
          // With RECOUP_SMTP_URL (RECOUP_SMS_WEBHOOK_URL) set, the worker delivers email (text
          // messages); otherwise they stay in the outbox.
          const transports = transportsFromEnvironment(process.env, options.worker ?? false);
          const worker = options.worker ? await startWorker({ store, clock, dispatch: transports }) : null;
          console.log(`Recoup is running at ${server.url}  (database: ${store.handle.location})`);
          if (worker) console.log("  Scheduler: on (recoup schedule shows its runs)");
          console.log(`  Web app: ${server.url}/`);
          console.log(
            `  API health: ${server.url}/api/v1/health   OpenAPI: ${server.url}/api/v1/openapi.json`,
          );
          const stop = async () => {
            await server.close();
            await worker?.stop();
            await transports.close();
            await store.close();
            process.exit(0);
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        } catch (error) {
          reportFailure(error);
        }
      },
    );
}
