import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { applyCollectionPolicy } from "../../collections/apply-collection-policy.js";
import { loadCollectionPolicy } from "../../collections/load-collection-policy.js";
import { parsePolicyText, policyToYaml } from "../../collections/policy-document.js";
import { knownTemplateKeys } from "../../collections/message-template-store.js";
import { printJson } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

export function registerPolicy(program: Command): void {
  const policy = program.command("policy").description("collections policies as code (DESIGN 5.5)");

  policy
    .command("apply <file>")
    .description(
      "replace the workflows, assignments and segmentation with a YAML or JSON file (validated, atomic, audited)",
    )
    .option("--expect-version <n>", "refuse unless the stored policy is at this version")
    .action(async (file: string, options: { expectVersion?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        let text: string;
        try {
          text = readFileSync(file, "utf8");
        } catch (error) {
          throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
        }
        const expectedVersion =
          options.expectVersion === undefined ? undefined : Number(options.expectVersion);
        if (expectedVersion !== undefined && !Number.isSafeInteger(expectedVersion)) {
          throw new UserError(`--expect-version must be a whole number, not "${options.expectVersion}"`);
        }
        const parsed = parsePolicyText(text, {
          knownTemplates: await knownTemplateKeys(store.handle.pool, store.organisationId),
          source: file,
        });
        const applied = await applyCollectionPolicy({
          store,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          policy: parsed,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        });
        if (global.json) return printJson(applied);
        console.log(
          applied.changed
            ? `Policy version ${applied.version} applied: workflows ${applied.workflows.join(", ")}.`
            : `The policy is already version ${applied.version}; nothing changed.`,
        );
      });
    });

  policy
    .command("export")
    .description("print the organisation's policy (YAML; JSON with --json)")
    .action(async (_options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const stored = await loadCollectionPolicy(store.handle.pool, store.organisationId);
        if (global.json) return printJson(stored.policy);
        const origin =
          stored.version === 0
            ? "the shipped defaults (no policy applied yet)"
            : `version ${stored.version}, applied by ${stored.updatedBy} at ${stored.updatedAt!.toISOString()}`;
        process.stdout.write(`# Recoup collections policy: ${origin}\n${policyToYaml(stored.policy)}`);
      });
    });
}
