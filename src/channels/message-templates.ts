/**
 * The message templates (data/templates/<language>/<key>.liquid) and their rendering.
 *
 * A template file is YAML front matter with a `subject:` (Liquid allowed) followed by the plain-text
 * body (Liquid). Templates run in a sandbox: one in-memory Liquid engine with no file system
 * (`{% include %}`, `{% render %}` and `{% layout %}` are refused when the template is loaded),
 * unknown filters are errors, only own properties of the context are visible, and output is not
 * HTML-escaped because the result is plain text. Rendering is synchronous (`renderSync`); parsed
 * templates are cached per MessageTemplate object.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Liquid, type Context, type Template } from "liquidjs";
import { isMap, parseDocument } from "yaml";
import { RecoupError } from "../errors.js";
import { TEMPLATE_FILTERS } from "./template-filters.js";

export type TemplateLanguage = "en" | "de" | "fr";
export const TEMPLATE_LANGUAGES: readonly TemplateLanguage[] = ["en", "de", "fr"];

/** A template as written: the raw Liquid sources of its subject and body. */
export interface MessageTemplate {
  key: string;
  language: TemplateLanguage;
  subject: string;
  body: string;
}

/** Integer minor units of an ISO 4217 currency (cents for USD, yen for JPY, fils for KWD). */
export interface Money {
  amount: number;
  currency: string;
}

/** Everything a template can refer to. Optional fields are present only for the templates named. */
export interface MessageContext {
  organisation: { name: string; email: string | null; phone: string | null };
  customer: { ref: string; name: string };
  contact: { name: string | null; email: string | null };
  invoices: {
    ref: string;
    issueDate: string;
    dueDate: string;
    daysPastDue: number;
    amount: Money;
    open: Money;
    poNumber: string | null;
  }[];
  /** Open total per currency. */
  totals: Money[];
  /** YYYY-MM-DD, the business date of the message. */
  asOf: string;
  /** The workflow step key. */
  step: string;
  /** final-notice / demand-notice: the date by which payment is expected. */
  finalDate?: string;
  owner?: { email: string };
  /** promise-confirmation: the commitment confirmed. */
  promise?: { amount: Money; date: string; id?: string };
  /**
   * plan-agreement: the whole schedule; plan-reminder: the instalments coming up (across the
   * customer's plans), `amount` being what is still due on each.
   */
  plan?: {
    instalments: { date: string; amount: Money; number?: number; planId?: string }[];
    id?: string;
    total?: Money;
    /** plan-agreement of a proposed plan: the date by which the signed agreement must reach us. */
    signBy?: string;
  };
  /** demand-notice only. */
  interest?: Money;
  /** demand-notice only. */
  compensation?: Money;
  oldestDaysPastDue?: number;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  /** The language the template was rendered in (after falling back to English). */
  language: TemplateLanguage;
}

/** data/templates, found from this file whether it runs as src/channels/*.ts or dist/channels/*.js. */
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL("../../data/templates/", import.meta.url));

const TEMPLATE_KEY = /^[a-z0-9][a-z0-9_-]*$/;
const FILE_SUFFIX = ".liquid";
const LANGUAGE_GLOBAL = "language";

function isTemplateLanguage(value: string | null): value is TemplateLanguage {
  return value !== null && (TEMPLATE_LANGUAGES as readonly string[]).includes(value);
}

const engine = createEngine();

function createEngine(): Liquid {
  const liquid = new Liquid({
    // An in-memory, empty (prototype-less) template map: nothing is ever looked up on disk.
    templates: Object.create(null) as Record<string, string>,
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    // outputEscape stays unset: plain text, no HTML escaping.
    parseLimit: 1_000_000,
    renderLimit: 2_000,
    memoryLimit: 100_000_000,
  });
  for (const tag of ["include", "render", "layout"]) {
    liquid.registerTag(tag, {
      parse() {
        throw new Error(`the {% ${tag} %} tag is not available: a message template must be self-contained`);
      },
      render() {
        return "";
      },
    });
  }
  for (const [name, filter] of Object.entries(TEMPLATE_FILTERS)) {
    liquid.registerFilter(name, function (this: { context: Context }, value: unknown) {
      const language = (this.context.globals as Record<string, unknown>)[LANGUAGE_GLOBAL];
      return filter(value, typeof language === "string" && isTemplateLanguage(language) ? language : "en");
    });
  }
  return liquid;
}

interface ParsedTemplate {
  subject: Template[];
  body: Template[];
}

const parsedCache = new WeakMap<MessageTemplate, ParsedTemplate>();

/** A Liquid error as "reason (line N)", with N counted in the whole file. */
function liquidProblem(error: unknown, lineOffset: number): string {
  const raw = error instanceof Error ? error.message : String(error);
  const reason = (raw.split("\n")[0] ?? raw).replace(/,? ?(?:file:[^,]*, )?line:\d+, col:\d+$/, "");
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const position = token?.getPosition?.();
  return position ? `${reason} (line ${position[0] + lineOffset})` : reason;
}

function parseTemplate(template: MessageTemplate, bodyLineOffset = 0, subjectLine = 0): ParsedTemplate {
  const cached = parsedCache.get(template);
  if (cached) return cached;
  let subject: Template[];
  try {
    subject = engine.parse(template.subject);
  } catch (error) {
    throw new Error(`subject: ${liquidProblem(error, subjectLine > 0 ? subjectLine - 1 : 0)}`);
  }
  let body: Template[];
  try {
    body = engine.parse(template.body);
  } catch (error) {
    throw new Error(`body: ${liquidProblem(error, bodyLineOffset)}`);
  }
  const parsed = { subject, body };
  parsedCache.set(template, parsed);
  return parsed;
}

interface TemplateFile {
  subject: string;
  subjectLine: number;
  body: string;
  bodyLineOffset: number;
}

/** Splits front matter from body; throws Error(reason) when the file is malformed. */
function splitTemplateFile(text: string): TemplateFile {
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  if (lines[0]?.trimEnd() !== "---") {
    throw new Error(
      'missing front matter: the file must start with a line "---", then "subject: …", then "---"',
    );
  }
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === "---");
  if (close < 0) throw new Error('the front matter is not closed by a line "---"');
  const document = parseDocument(lines.slice(1, close).join("\n"));
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0].line;
    throw new Error(
      `the front matter is not valid YAML: ${first.message.split("\n")[0]}${line ? ` (line ${line + 1})` : ""}`,
    );
  }
  const front: unknown = document.toJS();
  if (!isMap(document.contents) || typeof front !== "object" || front === null) {
    throw new Error('the front matter must be a YAML mapping with a "subject:" entry');
  }
  const subject = (front as Record<string, unknown>).subject;
  if (subject === undefined || subject === null) throw new Error('the front matter has no "subject:"');
  if (typeof subject !== "string" || subject.trim() === "") {
    throw new Error('"subject:" must be a non-empty text (quote it when it starts with "{{")');
  }
  const subjectIndex = lines.findIndex(
    (line, index) => index > 0 && index < close && /^subject\s*:/.test(line),
  );
  const body = lines.slice(close + 1).join("\n");
  if (body.trim() === "") throw new Error("the body after the front matter is empty");
  return { subject, subjectLine: subjectIndex + 1, body, bodyLineOffset: close + 1 };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Reads the shipped templates in data/templates/<language>/<key>.liquid, then the same layout in each
 * of `extraDirs` (missing folders are skipped); a later file replaces an earlier one with the same
 * language and key, so an organisation can reword any template or add its own. Every template is
 * parsed now, so a syntax error surfaces here rather than on the day a message is sent. Throws
 * RecoupError("VALIDATION_FAILED") listing each malformed file as `file: reason` (also in
 * `details.problems`).
 * @example renderMessage(loadMessageTemplates([join(dataDir, "templates")]), "overdue-1", "de", context)
 */
export function loadMessageTemplates(extraDirs: readonly string[] = []): Map<string, MessageTemplate> {
  const templates = new Map<string, MessageTemplate>();
  const problems: { file: string; message: string }[] = [];
  for (const dir of [SHIPPED_TEMPLATES_DIR, ...extraDirs.filter((d) => d.trim() !== "")]) {
    if (!existsSync(dir)) continue;
    if (!isDirectory(dir)) {
      problems.push({ file: dir, message: "expected a folder of message templates, found a file" });
      continue;
    }
    for (const entry of readdirSync(dir).sort()) {
      const languageDir = join(dir, entry);
      if (entry.startsWith(".") || !isDirectory(languageDir)) continue;
      if (!isTemplateLanguage(entry)) {
        problems.push({
          file: languageDir,
          message: `"${entry}" is not a template language; use one of ${TEMPLATE_LANGUAGES.join(", ")}`,
        });
        continue;
      }
      for (const name of readdirSync(languageDir).sort()) {
        if (!name.endsWith(FILE_SUFFIX)) continue;
        const file = join(languageDir, name);
        const key = name.slice(0, -FILE_SUFFIX.length);
        if (!TEMPLATE_KEY.test(key)) {
          problems.push({
            file,
            message: `"${key}" is not a template key (lower-case letters, digits, "-" and "_")`,
          });
          continue;
        }
        try {
          const parts = splitTemplateFile(readFileSync(file, "utf8"));
          const template: MessageTemplate = Object.freeze({
            key,
            language: entry,
            subject: parts.subject,
            body: parts.body,
          });
          parseTemplate(template, parts.bodyLineOffset, parts.subjectLine);
          templates.set(`${entry}/${key}`, template);
        } catch (error) {
          problems.push({ file, message: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      problems.map((problem) => `${problem.file}: ${problem.message}`).join("\n"),
      { problems },
    );
  }
  return templates;
}

/**
 * A template from the text of a `.liquid` file (front matter with `subject:`, then the body),
 * checked for Liquid errors now. Throws Error("reason (line N)") when it is malformed.
 *
 * @example parseTemplateSource("courtesy", "en", readFileSync("courtesy.liquid", "utf8"))
 */
export function parseTemplateSource(key: string, language: TemplateLanguage, text: string): MessageTemplate {
  if (!TEMPLATE_KEY.test(key))
    throw new Error(`"${key}" is not a template key (lower-case letters, digits, "-" and "_")`);
  const parts = splitTemplateFile(text);
  const template: MessageTemplate = Object.freeze({
    key,
    language,
    subject: parts.subject,
    body: parts.body,
  });
  parseTemplate(template, parts.bodyLineOffset, parts.subjectLine);
  return template;
}

/** The text of a `.liquid` file for a template: the inverse of parseTemplateSource. */
export function templateSource(template: Pick<MessageTemplate, "subject" | "body">): string {
  return `---\nsubject: ${JSON.stringify(template.subject)}\n---\n${template.body}`;
}

export function isTemplateLanguageTag(value: string): value is TemplateLanguage {
  return isTemplateLanguage(value);
}

/** Collapses what Liquid tags leave behind: trailing blanks, runs of blank lines, leading/trailing space. */
function tidyText(text: string): string {
  return text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Renders template `key` in `language` for one message. The language may be a tag such as "de-AT"
 * or "FR"; it falls back to English when null, unknown or without such a template. Synchronous. The subject is always a single line.
 * Throws RangeError for a key no template has.
 * @example renderMessage(templates, "courtesy", "fr", context).subject // "Rappel : 2 factures …"
 */
export function renderMessage(
  templates: Map<string, MessageTemplate>,
  key: string,
  language: string | null,
  context: MessageContext,
): RenderedMessage {
  const primary = language?.trim().toLowerCase().split(/[-_]/)[0] ?? null;
  const requested = isTemplateLanguage(primary) ? primary : "en";
  const template = templates.get(`${requested}/${key}`) ?? templates.get(`en/${key}`);
  if (!template) {
    const available = TEMPLATE_LANGUAGES.filter((lang) => templates.has(`${lang}/${key}`));
    throw new RangeError(
      available.length > 0
        ? `message template "${key}" exists only in ${available.join(", ")}, not in ${requested} or en`
        : `unknown message template "${key}"`,
    );
  }
  const parsed = parseTemplate(template);
  const options = { globals: { [LANGUAGE_GLOBAL]: template.language } };
  const subject = String(engine.renderSync(parsed.subject, context, options));
  const text = String(engine.renderSync(parsed.body, context, options));
  return { subject: subject.replace(/\s+/g, " ").trim(), text: tidyText(text), language: template.language };
}
