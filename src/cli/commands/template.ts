import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import {
  isTemplateLanguageTag,
  templateSource,
  type TemplateLanguage,
} from "../../channels/message-templates.js";
import {
  checkTemplate,
  saveMessageTemplate,
  templatesInForce,
} from "../../collections/message-template-store.js";
import { printJson } from "../output.js";
import { UserError, withStore, type GlobalOptions } from "../run-command.js";

/** Key and language from options, else from a path laid out as <language>/<key>.liquid. */
function identify(
  file: string,
  options: { key?: string; language?: string },
): { key: string; language: TemplateLanguage } {
  const key = options.key ?? path.basename(file).replace(/\.liquid$/, "");
  const language = options.language ?? path.basename(path.dirname(path.resolve(file)));
  if (!isTemplateLanguageTag(language)) {
    throw new UserError(
      `give --language en|de|fr (the file's folder "${language}" is not a template language)`,
    );
  }
  return { key, language };
}

function read(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function registerTemplate(program: Command): void {
  const template = program.command("template").description("message templates (Liquid; DESIGN 5.5)");

  template
    .command("check <file>")
    .description("check a template file against the communication standards, without saving it")
    .option("--key <key>", "template key (default: the file name)")
    .option("--language <lang>", "en, de or fr (default: the file's folder)")
    .action((file: string, options: { key?: string; language?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const { key, language } = identify(file, options);
      checkTemplate(key, language, read(file));
      if (global.json) return printJson({ key, language, findings: [] });
      console.log(`${language}/${key}: meets the communication standards.`);
    });

  template
    .command("apply <file>")
    .description("check a template file and put it in force for the organisation (audited)")
    .option("--key <key>", "template key (default: the file name)")
    .option("--language <lang>", "en, de or fr (default: the file's folder)")
    .action(async (file: string, options: { key?: string; language?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store, clock) => {
        const { key, language } = identify(file, options);
        const saved = await saveMessageTemplate({
          store,
          clock,
          actor: `cli:${process.env.USER ?? "unknown"}`,
          key,
          language,
          source: read(file),
        });
        if (global.json) return printJson(saved);
        console.log(
          saved.changed
            ? `${language}/${key} version ${saved.version} is now in force.`
            : `${language}/${key} is already in force as version ${saved.version}; nothing changed.`,
        );
      });
    });

  template
    .command("export <key>")
    .description("print the template in force (the organisation's own wording, else the shipped one)")
    .option("--language <lang>", "en, de or fr", "en")
    .action(async (key: string, options: { language: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      await withStore(global, async (store) => {
        const templates = await templatesInForce(store.handle.pool, store.organisationId);
        const found = templates.get(`${options.language}/${key}`);
        if (!found) throw new UserError(`there is no template ${options.language}/${key}`);
        if (global.json) return printJson(found);
        process.stdout.write(templateSource(found));
      });
    });
}
