import type { Command } from "commander";
import { verifyAuditChain } from "../../audit/verify-audit-chain.js";
import { EXIT_USER_ERROR, withStore, type GlobalOptions } from "../run-command.js";
import { printJson } from "../output.js";

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the tamper-evident audit trail");
  audit
    .command("verify")
    .description("recompute the hash chain; name every changed or deleted event")
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const report = await verifyAuditChain(store.handle.pool, store.organisationId);
        if (global.json) printJson(report);
        else if (report.ok) console.log(`Audit chain intact: ${report.events} events verified.`);
        else {
          for (const p of report.problems)
            process.stderr.write(`event ${p.seq}: ${p.problem}: ${p.message}\n`);
          process.stderr.write(
            `Audit chain BROKEN: ${report.problems.length} problem(s) in ${report.events} events.\n`,
          );
        }
        return report.ok ? 0 : EXIT_USER_ERROR;
      });
    });
}
