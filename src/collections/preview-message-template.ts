import { parseTemplateSource, renderMessage, type TemplateLanguage } from "../channels/message-templates.js";
import type { Queryable } from "../db/queryable.js";
import { checkCommunicationStandards, type StandardsFinding } from "../domain/communication-standards.js";
import { RecoupError } from "../errors.js";
import { loadCollectionSettings } from "./collection-settings.js";
import { messageContext, type ContactRow, type InvoiceRow } from "./dispatch-collection-actions.js";
import { channelOfTemplate, templatesInForce } from "./message-template-store.js";

export interface TemplatePreview {
  key: string;
  language: TemplateLanguage;
  customerRef: string;
  customerName: string;
  invoiceRefs: string[];
  subject: string;
  text: string;
  /** The communication-standards findings; saving is refused while there are any. */
  findings: StandardsFinding[];
}

/** Invoices a preview lists at most: enough to show the layout of a long list. */
const MAX_PREVIEW_INVOICES = 12;

/**
 * Renders a draft template for a real customer, as the cycle would word it today (its overdue
 * invoices, else its open ones; its primary contact; our sender details), and runs the
 * communication-standards check on it, without saving anything. Without `customerRef`, the
 * customer with the most overdue is used. A draft that does not parse or render is TEMPLATE_INVALID.
 *
 * @example await previewMessageTemplate(pool, { organisationId: 1, key: "overdue-1", language: "en", source, asOf: "2026-05-14" })
 */
export async function previewMessageTemplate(
  db: Queryable,
  options: {
    organisationId: number;
    key: string;
    language: TemplateLanguage;
    source: string;
    asOf: string;
    customerRef?: string;
  },
): Promise<TemplatePreview> {
  const { organisationId, key, language, asOf } = options;
  let draft;
  try {
    draft = parseTemplateSource(key, language, options.source);
  } catch (error) {
    throw new RecoupError("TEMPLATE_INVALID", `template ${language}/${key}: ${(error as Error).message}`);
  }
  const { rows: customers } = await db.query<{
    id: number;
    customer_ref: string;
    name: string;
    owner_email: string | null;
  }>(
    options.customerRef !== undefined
      ? `SELECT id, customer_ref, name, owner_email FROM customers WHERE organisation_id = $1 AND customer_ref = $2`
      : `SELECT c.id, c.customer_ref, c.name, c.owner_email FROM customers c
         JOIN invoices i ON i.customer_id = c.id AND i.open_amount > 0 AND i.due_date < $2::date
         WHERE c.organisation_id = $1 GROUP BY c.id ORDER BY sum(i.open_amount) DESC, c.id LIMIT 1`,
    [organisationId, options.customerRef ?? asOf],
  );
  const customer = customers[0];
  if (!customer) {
    throw new RecoupError(
      "CUSTOMER_NOT_FOUND",
      options.customerRef !== undefined
        ? `no customer with ref "${options.customerRef}"`
        : "no customer has an overdue invoice to preview the template with",
    );
  }
  const [invoices, contacts, settings, inForce] = await Promise.all([
    db.query<InvoiceRow & { overdue: boolean }>(
      `SELECT id, invoice_ref, issue_date, due_date, currency, amount, open_amount AS open_as_of, po_number,
         due_date < $2::date AS overdue
       FROM invoices WHERE customer_id = $1 AND open_amount <> 0 AND issue_date <= $2::date
       ORDER BY due_date, id`,
      [customer.id, asOf],
    ),
    db.query<ContactRow>(
      `SELECT customer_id, name, email, phone, language FROM contacts WHERE customer_id = $1
       ORDER BY is_primary DESC, id LIMIT 1`,
      [customer.id],
    ),
    loadCollectionSettings(db, organisationId),
    templatesInForce(db, organisationId),
  ]);
  const overdue = invoices.rows.filter((row) => row.overdue);
  const items = (overdue.length > 0 ? overdue : invoices.rows).slice(0, MAX_PREVIEW_INVOICES);
  const context = messageContext(
    {
      customer_ref: customer.customer_ref,
      name: customer.name,
      as_of: asOf,
      step: key,
      owner_email: customer.owner_email,
    },
    items,
    contacts.rows[0] ?? null,
    settings,
  );
  const templates = new Map(inForce).set(`${language}/${key}`, draft);
  let rendered;
  try {
    rendered = renderMessage(templates, key, language, context);
  } catch (error) {
    throw new RecoupError("TEMPLATE_INVALID", `template ${language}/${key}: ${(error as Error).message}`);
  }
  return {
    key,
    language,
    customerRef: customer.customer_ref,
    customerName: customer.name,
    invoiceRefs: items.map((item) => item.invoice_ref),
    subject: rendered.subject,
    text: rendered.text,
    findings: checkCommunicationStandards({
      subject: draft.subject,
      body: draft.body,
      language,
      channel: channelOfTemplate(key),
    }),
  };
}
