import { appendAuditEvents } from "../audit/append-audit-events.js";
import {
  loadMessageTemplates,
  parseTemplateSource,
  templateSource,
  type MessageTemplate,
  type TemplateLanguage,
} from "../channels/message-templates.js";
import type { Clock } from "../clock.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import {
  checkCommunicationStandards,
  type StandardsChannel,
  type StandardsFinding,
} from "../domain/communication-standards.js";
import { RecoupError } from "../errors.js";
import { SHIPPED_TEMPLATE_KEYS } from "./shipped-templates.js";

let shipped: Map<string, MessageTemplate> | undefined;

/** The shipped templates, read and parsed once per process. */
export function shippedTemplates(): Map<string, MessageTemplate> {
  shipped ??= loadMessageTemplates();
  return shipped;
}

/** The channel a template's words are judged for: SMS and the owner note have their own rules. */
export function channelOfTemplate(key: string): StandardsChannel {
  if (key === "sms-reminder" || key.startsWith("sms")) return "sms";
  if (key === "owner-update") return "notify_owner";
  if (["final-notice", "demand-notice", "plan-agreement", "statement"].includes(key)) return "letter";
  return "email";
}

/**
 * The templates in force for an organisation: the shipped ones, with its own saved wording on top.
 *
 * @example renderMessage(await templatesInForce(db, 1), "overdue-1", "de", context)
 */
export async function templatesInForce(
  db: Queryable,
  organisationId: number,
): Promise<Map<string, MessageTemplate>> {
  const { rows } = await db.query<{ key: string; language: TemplateLanguage; subject: string; body: string }>(
    `SELECT key, language, subject, body FROM message_templates WHERE organisation_id = $1`,
    [organisationId],
  );
  if (rows.length === 0) return shippedTemplates();
  const templates = new Map(shippedTemplates());
  for (const row of rows) {
    templates.set(
      `${row.language}/${row.key}`,
      parseTemplateSource(row.key, row.language, templateSource(row)),
    );
  }
  return templates;
}

/** Template keys a policy may name: the shipped ones and the organisation's own. */
export async function knownTemplateKeys(db: Queryable, organisationId: number): Promise<Set<string>> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT DISTINCT key FROM message_templates WHERE organisation_id = $1`,
    [organisationId],
  );
  return new Set([...SHIPPED_TEMPLATE_KEYS, ...rows.map((row) => row.key)]);
}

export interface SaveMessageTemplateOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  key: string;
  language: TemplateLanguage;
  /** The `.liquid` file text: front matter with `subject:`, then the body. */
  source: string;
}

export interface SavedMessageTemplate {
  key: string;
  language: TemplateLanguage;
  version: number;
  changed: boolean;
}

/**
 * Checks a template and puts it in force: it must parse, and it must pass the communication
 * standards (no threats, shaming, capitals, false urgency; our contact details and a way to
 * dispute). A refused template changes nothing; the error lists every finding and why.
 *
 * @example await saveMessageTemplate({ store, clock, actor: "ana", key: "overdue-1", language: "en", source })
 */
export async function saveMessageTemplate(
  options: SaveMessageTemplateOptions,
): Promise<SavedMessageTemplate> {
  const template = checkTemplate(options.key, options.language, options.source);
  const organisationId = options.store.organisationId;
  return options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const { rows } = await db.query<{ version: number; subject: string; body: string }>(
      `SELECT version, subject, body FROM message_templates
       WHERE organisation_id = $1 AND key = $2 AND language = $3 FOR UPDATE`,
      [organisationId, template.key, template.language],
    );
    const current = rows[0];
    if (current && current.subject === template.subject && current.body === template.body) {
      return { key: template.key, language: template.language, version: current.version, changed: false };
    }
    const version = (current?.version ?? 0) + 1;
    const at = options.clock.now();
    await db.query(
      `INSERT INTO message_templates (organisation_id, key, language, subject, body, version, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (organisation_id, key, language) DO UPDATE SET subject = excluded.subject, body = excluded.body,
         version = excluded.version, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [
        organisationId,
        template.key,
        template.language,
        template.subject,
        template.body,
        version,
        options.actor,
        at,
      ],
    );
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "template.saved",
        subjectType: "message_template",
        subjectId: `${template.language}/${template.key}`,
        data: { version, subject: template.subject, body: template.body },
      },
    ]);
    return { key: template.key, language: template.language, version, changed: true };
  });
}

/**
 * Parses a template and runs the communication standards on it, without storing anything.
 * Throws TEMPLATE_INVALID (does not parse) or TEMPLATE_REFUSED (with the findings in details).
 *
 * @example checkTemplate("overdue-1", "en", source)
 */
export function checkTemplate(key: string, language: TemplateLanguage, source: string): MessageTemplate {
  let template: MessageTemplate;
  try {
    template = parseTemplateSource(key, language, source);
  } catch (error) {
    throw new RecoupError("TEMPLATE_INVALID", `template ${language}/${key}: ${(error as Error).message}`);
  }
  const findings: StandardsFinding[] = checkCommunicationStandards({
    subject: template.subject,
    body: template.body,
    language,
    channel: channelOfTemplate(key),
  });
  if (findings.length > 0) {
    throw new RecoupError(
      "TEMPLATE_REFUSED",
      `template ${language}/${key} does not meet the communication standards:\n` +
        findings.map((f) => `- ${f.rule}: ${f.message}${f.excerpt ? ` ("${f.excerpt}")` : ""}`).join("\n"),
      { findings },
    );
  }
  return template;
}
