import { Command, CommanderError } from "commander";
import { registerAging } from "./commands/aging.js";
import { registerAudit } from "./commands/audit.js";
import { registerImport } from "./commands/import.js";
import { registerKpis } from "./commands/kpis.js";
import { registerDemo } from "./commands/demo.js";
import { registerInterest } from "./commands/interest.js";
import { registerMigration } from "./commands/migration.js";
import { registerServe } from "./commands/serve.js";
import { registerWriteOff } from "./commands/write-off.js";
import { registerPolicy } from "./commands/policy.js";
import { registerSegment } from "./commands/segment.js";
import { registerCustomer } from "./commands/customer.js";
import { registerCycle } from "./commands/cycle.js";
import { registerTemplate } from "./commands/template.js";
import { registerWorklist } from "./commands/worklist.js";
import { registerSettings } from "./commands/settings.js";
import { registerWorker } from "./commands/worker.js";
import { registerPromise } from "./commands/promise.js";
import { registerPlan } from "./commands/plan.js";
import { EXIT_USER_ERROR, reportFailure } from "./run-command.js";

// `recoup aging | head` closes stdout early; that is not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command("recoup")
  .description("Recoup: B2B accounts-receivable recovery")
  .option(
    "--db <path-or-url>",
    "embedded database folder, or a postgres:// URL (default ./.recoup or DATABASE_URL)",
  )
  .option("--json", "machine-readable output on stdout")
  .showHelpAfterError()
  .exitOverride();

registerImport(program);
registerAging(program);
registerKpis(program);
registerWriteOff(program);
registerMigration(program);
registerInterest(program);
registerPolicy(program);
registerSegment(program);
registerCustomer(program);
registerCycle(program);
registerPromise(program);
registerPlan(program);
registerTemplate(program);
registerWorklist(program);
registerSettings(program);
registerWorker(program);
registerAudit(program);
registerDemo(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USER_ERROR;
  } else {
    reportFailure(error);
  }
}
