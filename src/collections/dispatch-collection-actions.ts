import { appendAuditEvents, type AuditEventInput } from "../audit/append-audit-events.js";
import { renderMessage, type MessageContext, type MessageTemplate } from "../channels/message-templates.js";
import type { EmailTransport } from "../channels/email-transport.js";
import type { SmsTransport } from "../channels/sms-transport.js";
import { renderLetterPdf, type LetterInput } from "../channels/letter-pdf.js";
import type { Clock } from "../clock.js";
import { toMinorUnits } from "../db/minor-units.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely, type Queryable } from "../db/queryable.js";
import { addDays, daysBetween } from "../domain/calendar-date.js";
import type { Channel } from "../domain/collection-policy.js";
import { formatMinorUnits } from "../domain/money.js";
import { toE164 } from "../domain/phone-number.js";
import { faultPoint } from "../fault-points.js";
import { loadCollectionSettings, type CollectionSettings } from "./collection-settings.js";
import { templatesInForce } from "./message-template-store.js";
import { resolutionMessageContexts, type ActionPurpose } from "./resolution-messages.js";

export interface DispatchOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  /** Dispatch the planned actions of this business day and every earlier one still pending. */
  upTo: string;
  /** Only these actions (a use case sending the message it just queued); default every one due. */
  actionIds?: readonly (string | number)[];
  /** Message templates (default: those in force for the organisation). */
  templates?: Map<string, MessageTemplate>;
  /** Attempts before an action that keeps failing ends as `failed` (default 5). */
  maxAttempts?: number;
  /** Actions per transaction (default 200). */
  batchSize?: number;
  /**
   * Delivers email (customer messages and sales-owner notes) once it is in the outbox; without
   * one, messages stay in the outbox as the record of what would have been sent.
   */
  transport?: EmailTransport | null;
  /** Delivers text messages (the provider webhook); without one, they stay in the outbox. */
  smsTransport?: SmsTransport | null;
  /** The From of delivered email (RECOUP_SMTP_FROM); default the organisation's sender. */
  emailFrom?: { name: string; address: string } | null;
}

export interface DispatchedAction {
  id: string;
  status: "planned" | "sent" | "task_created" | "failed";
  error?: string;
}

/** Days a final notice gives before its stated date. */
const FINAL_NOTICE_DAYS = 10;

/** Wait before the next attempt after a failure, by attempt number (1, 2, …): 1 min, 5 min, 30 min, 2 h. */
const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000];

/**
 * Carries out planned actions: a `call` becomes a task for the customer's collector; `email`,
 * `letter`, `sms` and `notify_owner` are rendered from their template in the contact's language
 * and stored in the outbox (the delivery record; a transport, when configured, sends from it).
 * Each batch is one transaction that claims its actions (`FOR UPDATE SKIP LOCKED`, status still
 * `planned`), writes the message or task, the new status and the audit events together: a crash
 * leaves the batch planned for the next run, and two dispatchers never take the same action.
 * A failure (no recipient, a template that does not render) is recorded on the action with a
 * retry time; after `maxAttempts` the action ends as `failed`, visible in the cycle's output.
 *
 * @example await dispatchCollectionActions({ store, clock, actor: "cycle", upTo: "2026-12-03" })
 */
export async function dispatchCollectionActions(options: DispatchOptions): Promise<DispatchedAction[]> {
  const organisationId = options.store.organisationId;
  const templates = options.templates ?? (await templatesInForce(options.store.handle.pool, organisationId));
  const batchSize = options.batchSize ?? 200;
  const now = options.clock.now();
  const { rows } = await options.store.handle.pool.query<{ id: string }>(
    `SELECT id::text AS id FROM collection_actions
     WHERE organisation_id = $1 AND status = 'planned' AND as_of <= $2::date
       AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
       AND ($4::bigint[] IS NULL OR id = ANY ($4::bigint[]))
     ORDER BY as_of, id`,
    [
      organisationId,
      options.upTo,
      now,
      options.actionIds === undefined ? null : options.actionIds.map(String),
    ],
  );
  const results: DispatchedAction[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const ids = rows.slice(start, start + batchSize).map((row) => row.id);
    const batch = await options.store.handle.db
      .transaction()
      .execute((trx) => dispatchBatch(fromKysely(trx), { ...options, organisationId, templates, ids, now }));
    results.push(...batch);
    faultPoint("dispatch.after-first-batch");
  }
  return results;
}

interface ActionRow {
  id: string;
  customer_id: number;
  as_of: string;
  workflow: string;
  step: string;
  channel: Channel;
  template: string | null;
  invoice_ids: number[];
  attempts: number;
  purpose: ActionPurpose;
  promise_id: number | null;
  plan_id: number | null;
  customer_ref: string;
  name: string;
  language: string | null;
  owner_email: string | null;
  collector_email: string | null;
}

/** An invoice as a message lists it: its open amount as of the message's day. */
export interface InvoiceRow {
  id: number;
  invoice_ref: string;
  issue_date: string;
  due_date: string;
  currency: string;
  amount: number;
  open_as_of: string;
  po_number: string | null;
}

export interface ContactRow {
  customer_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
}

async function dispatchBatch(
  db: Queryable,
  options: DispatchOptions & {
    organisationId: number;
    templates: Map<string, MessageTemplate>;
    ids: string[];
    now: Date;
  },
): Promise<DispatchedAction[]> {
  const { organisationId, now } = options;
  const { rows: actions } = await db.query<ActionRow>(
    `SELECT a.id::text AS id, a.customer_id, a.as_of, a.workflow, a.step, a.channel, a.template, a.invoice_ids, a.attempts,
       a.purpose, a.promise_id, a.plan_id, c.customer_ref, c.name, c.language, c.owner_email, c.collector_email
     FROM collection_actions a JOIN customers c ON c.id = a.customer_id
     WHERE a.id = ANY ($1::bigint[]) AND a.status = 'planned'
     ORDER BY a.id
     FOR UPDATE OF a SKIP LOCKED`,
    [options.ids],
  );
  if (actions.length === 0) return [];
  const settings = await loadCollectionSettings(db, organisationId);
  const invoices = await invoicesAsOf(db, actions);
  const contacts = await contactsOf(db, actions);
  const extras = await resolutionMessageContexts(db, actions);

  const messages: {
    action: ActionRow;
    recipients: string[];
    subject: string;
    body: string;
    language: string;
    refs: string[];
    attachments: { filename: string; contentType: string; content: Buffer }[];
  }[] = [];
  const tasks: { action: ActionRow; note: string }[] = [];
  const failures: { action: ActionRow; error: string }[] = [];
  for (const action of actions) {
    const items = action.invoice_ids.map((id) => invoices.get(`${action.id}/${id}`)!).filter(Boolean);
    const people = contacts.get(action.customer_id) ?? [];
    try {
      if (action.channel === "call") {
        tasks.push({ action, note: callNote(action, items) });
        continue;
      }
      const recipients = recipientsFor(action, people);
      if (recipients.length === 0) {
        throw new DispatchError(
          action.channel === "sms" && people.some((c) => c.phone)
            ? `no phone number of ${action.customer_ref} is in international form (+country code …) for a text message`
            : `no recipient for a ${action.channel} to ${action.customer_ref}`,
        );
      }
      const language = people[0]?.language ?? action.language ?? null;
      const context = {
        ...messageContext(action, items, people[0] ?? null, settings),
        ...extras.get(action.id),
      };
      const rendered = renderMessage(options.templates, action.template!, language, context);
      messages.push({
        action,
        recipients,
        subject: rendered.subject,
        body: rendered.text,
        language: rendered.language,
        refs: items.map((item) => item.invoice_ref),
        attachments: await attachmentsFor(action, rendered, context, settings, options.templates),
      });
    } catch (error) {
      failures.push({ action, error: (error as Error).message });
    }
  }

  if (messages.length > 0) {
    const transportFor = (channel: Channel) =>
      channel === "sms" ? options.smsTransport : EMAILED_CHANNELS.has(channel) ? options.transport : null;
    const delivers = (channel: Channel) => transportFor(channel) != null;
    const { rows: stored } = await db.query<{ id: string; action_id: string }>(
      `INSERT INTO outbox_messages (organisation_id, customer_id, action_id, channel, recipients, subject, body, language,
         template, invoice_refs, step, delivered_by, message_id, delivery_status, created_at)
       SELECT $1, u.customer_id, u.action_id, u.channel, string_to_array(u.recipients, E'\\x1f'), u.subject, u.body,
         u.language, u.template, string_to_array(u.refs, E'\\x1f'), u.step, u.delivered_by, u.message_id,
         u.delivery_status, $2
       FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                   $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
         AS u(customer_id, action_id, channel, recipients, subject, body, language, template, refs, step, delivered_by,
              message_id, delivery_status)
       RETURNING id::text AS id, action_id::text AS action_id`,
      [
        organisationId,
        now,
        messages.map((m) => m.action.customer_id),
        messages.map((m) => m.action.id),
        messages.map((m) => m.action.channel),
        messages.map((m) => m.recipients.join("\x1f")),
        messages.map((m) => m.subject),
        messages.map((m) => m.body),
        messages.map((m) => m.language),
        messages.map((m) => m.action.template),
        messages.map((m) => m.refs.join("\x1f")),
        messages.map((m) => m.action.step),
        messages.map((m) =>
          m.action.channel === "letter" ? "print" : (transportFor(m.action.channel)?.name ?? "outbox"),
        ),
        messages.map((m) => messageIdFor(organisationId, m.action.id)),
        messages.map((m) => (delivers(m.action.channel) ? "queued" : "stored")),
      ],
    );
    const messageIds = new Map(stored.map((row) => [row.action_id, row.id]));
    const files = messages.flatMap((m) =>
      m.attachments.map((a) => ({ messageId: messageIds.get(m.action.id)!, ...a })),
    );
    if (files.length > 0) {
      await db.query(
        `INSERT INTO outbox_attachments (message_id, filename, content_type, content)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[])`,
        [
          files.map((f) => f.messageId),
          files.map((f) => f.filename),
          files.map((f) => f.contentType),
          files.map((f) => f.content),
        ],
      );
    }
  }
  if (tasks.length > 0) {
    await db.query(
      `INSERT INTO collection_tasks (organisation_id, customer_id, action_id, kind, status, assignee, due_on, invoice_ids,
         note, created_at)
       SELECT $1, a.customer_id, a.id, 'call', 'open', u.assignee, a.as_of, a.invoice_ids, u.note, $2
       FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u(action_id, assignee, note)
       JOIN collection_actions a ON a.id = u.action_id`,
      [
        organisationId,
        now,
        tasks.map((t) => t.action.id),
        tasks.map((t) => t.action.collector_email),
        tasks.map((t) => t.note),
      ],
    );
  }
  const maxAttempts = options.maxAttempts ?? 5;
  const isFinal = (f: { action: ActionRow; error: string }) =>
    f.action.attempts + 1 >= maxAttempts || f.error.startsWith("no recipient");
  const reviews = failures.filter(isFinal);
  if (reviews.length > 0) {
    // A person must look at a message that will not go out: one review task per failed action.
    await db.query(
      `INSERT INTO collection_tasks (organisation_id, customer_id, action_id, kind, status, assignee, due_on, invoice_ids,
         note, created_at)
       SELECT $1, a.customer_id, a.id, 'review', 'open', u.assignee, a.as_of, a.invoice_ids, u.note, $2
       FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u(action_id, assignee, note)
       JOIN collection_actions a ON a.id = u.action_id
       ON CONFLICT (action_id) DO NOTHING`,
      [
        organisationId,
        now,
        reviews.map((f) => f.action.id),
        reviews.map((f) => f.action.collector_email),
        reviews.map(
          (f) => `The ${f.action.channel} for step ${f.action.step} could not be sent: ${f.error}.`,
        ),
      ],
    );
  }
  const results: DispatchedAction[] = [];
  const statusUpdates = {
    id: [] as string[],
    status: [] as string[],
    error: [] as (string | null)[],
    retryAt: [] as (Date | null)[],
  };
  for (const m of messages) {
    statusUpdates.id.push(m.action.id);
    statusUpdates.status.push("sent");
    statusUpdates.error.push(null);
    statusUpdates.retryAt.push(null);
    results.push({ id: m.action.id, status: "sent" });
  }
  for (const t of tasks) {
    statusUpdates.id.push(t.action.id);
    statusUpdates.status.push("task_created");
    statusUpdates.error.push(null);
    statusUpdates.retryAt.push(null);
    results.push({ id: t.action.id, status: "task_created" });
  }
  for (const f of failures) {
    const attempts = f.action.attempts + 1;
    const final = isFinal(f);
    statusUpdates.id.push(f.action.id);
    statusUpdates.status.push(final ? "failed" : "planned");
    statusUpdates.error.push(f.error);
    statusUpdates.retryAt.push(
      final
        ? null
        : new Date(now.getTime() + RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1]!),
    );
    results.push({ id: f.action.id, status: final ? "failed" : "planned", error: f.error });
  }
  await db.query(
    `UPDATE collection_actions a SET status = u.status, attempts = a.attempts + 1, last_error = u.error,
       next_attempt_at = u.retry_at, completed_at = CASE WHEN u.status = 'planned' THEN NULL ELSE $1::timestamptz END
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS u(id, status, error, retry_at)
     WHERE a.id = u.id`,
    [now, statusUpdates.id, statusUpdates.status, statusUpdates.error, statusUpdates.retryAt],
  );

  const events: AuditEventInput[] = [
    ...messages.map((m) => ({
      action: "collection.message_sent",
      subjectType: "customer",
      subjectId: m.action.customer_ref,
      data: {
        actionId: Number(m.action.id),
        channel: m.action.channel,
        step: m.action.step,
        template: m.action.template,
        ...(m.action.purpose === "dunning" ? {} : { purpose: m.action.purpose }),
        to: m.recipients,
        subject: m.subject,
        invoiceRefs: m.refs,
        deliveredBy: "outbox",
      },
    })),
    ...tasks.map((t) => ({
      action: "collection.task_created",
      subjectType: "customer",
      subjectId: t.action.customer_ref,
      data: { actionId: Number(t.action.id), kind: "call", assignee: t.action.collector_email, note: t.note },
    })),
    ...failures.map((f) => ({
      action: "collection.action_failed",
      subjectType: "customer",
      subjectId: f.action.customer_ref,
      data: {
        actionId: Number(f.action.id),
        channel: f.action.channel,
        attempt: f.action.attempts + 1,
        error: f.error,
      },
    })),
  ];
  await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: now }, events);
  faultPoint("dispatch.before-commit");
  return results;
}

class DispatchError extends Error {}

/** Channels a transport delivers by email: customer emails and notes to the sales owner. */
const EMAILED_CHANNELS: ReadonlySet<Channel> = new Set(["email", "notify_owner"]);

/** The Message-ID of an action's message: the same action always gets the same one. */
export function messageIdFor(organisationId: number, actionId: string | number): string {
  return `<action-${actionId}.org-${organisationId}@recoup.invalid>`;
}

/**
 * The PDFs that go with a message: a letter is itself a PDF; a dunning email carries a statement
 * of the open items it is about (the shipped `statement` template, in the message's language); a
 * plan's agreement carries the agreement to sign, with a signature block for both parties. Other
 * resolution emails (a promise's confirmation, an instalment reminder) carry nothing.
 */
async function attachmentsFor(
  action: ActionRow,
  rendered: { subject: string; text: string; language: "en" | "de" | "fr" },
  context: MessageContext,
  settings: CollectionSettings,
  templates: Map<string, MessageTemplate>,
): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  const letter = (subject: string, body: string): LetterInput => ({
    language: rendered.language,
    sender: settings.sender,
    recipient: { name: action.name, addressLines: [] },
    date: action.as_of,
    reference: action.customer_ref,
    subject,
    body,
    ...(action.purpose === "plan_agreement" ? { signatures: [action.name, settings.sender.name] } : {}),
  });
  const safeRef = action.customer_ref.replace(/[^A-Za-z0-9_-]+/g, "_");
  if (action.channel === "letter") {
    const content = await renderLetterPdf(letter(rendered.subject, rendered.text));
    return [{ filename: `letter-${safeRef}-${action.as_of}.pdf`, contentType: "application/pdf", content }];
  }
  if (action.purpose === "plan_agreement") {
    const content = await renderLetterPdf(letter(rendered.subject, rendered.text));
    return [
      {
        filename: `plan-agreement-${safeRef}-${action.plan_id}.pdf`,
        contentType: "application/pdf",
        content,
      },
    ];
  }
  if (action.purpose !== "dunning") return [];
  if (action.channel === "email" && templates.has(`${rendered.language}/statement`)) {
    const statement = renderMessage(templates, "statement", rendered.language, context);
    const content = await renderLetterPdf(letter(statement.subject, statement.text));
    return [
      { filename: `statement-${safeRef}-${action.as_of}.pdf`, contentType: "application/pdf", content },
    ];
  }
  return [];
}

/** Each action's invoices with their open amount as of the action's day (key: action id / invoice id). */
async function invoicesAsOf(db: Queryable, actions: readonly ActionRow[]): Promise<Map<string, InvoiceRow>> {
  const { rows } = await db.query<InvoiceRow & { action_id: string }>(
    `SELECT a.id::text AS action_id, i.id, i.invoice_ref, i.issue_date, i.due_date, i.currency, i.amount, i.po_number,
       i.amount - coalesce((SELECT sum(l.amount) FROM allocations l WHERE l.invoice_id = i.id AND l.date <= a.as_of), 0)
         AS open_as_of
     FROM collection_actions a
     CROSS JOIN LATERAL unnest(a.invoice_ids) AS x(invoice_id)
     JOIN invoices i ON i.id = x.invoice_id
     WHERE a.id = ANY ($1::bigint[])`,
    [actions.map((a) => a.id)],
  );
  return new Map(rows.map((row) => [`${row.action_id}/${row.id}`, row]));
}

/** Contacts of each customer, the primary one first. */
async function contactsOf(db: Queryable, actions: readonly ActionRow[]): Promise<Map<number, ContactRow[]>> {
  const { rows } = await db.query<ContactRow>(
    `SELECT customer_id, name, email, phone, language FROM contacts
     WHERE customer_id = ANY ($1::bigint[]) ORDER BY customer_id, is_primary DESC, id`,
    [[...new Set(actions.map((a) => a.customer_id))]],
  );
  const byCustomer = new Map<number, ContactRow[]>();
  for (const row of rows) {
    const list = byCustomer.get(row.customer_id) ?? [];
    list.push(row);
    byCustomer.set(row.customer_id, list);
  }
  return byCustomer;
}

function recipientsFor(action: ActionRow, contacts: readonly ContactRow[]): string[] {
  const distinct = (values: (string | null)[]) => [
    ...new Set(values.filter((v): v is string => !!v && v.trim() !== "")),
  ];
  switch (action.channel) {
    case "email":
      return distinct(contacts.map((c) => c.email));
    case "sms":
      // Only numbers written with their country code: a guessed one could text a stranger.
      return distinct(contacts.map((c) => (c.phone ? toE164(c.phone) : null)));
    case "notify_owner":
      return distinct([action.owner_email ?? action.collector_email]);
    case "letter":
      // A letter goes to the customer's postal address; the PDF (channels) carries it.
      return [action.name];
    case "call":
      return [];
  }
}

/**
 * What a template sees for one message: the customer, the contact, the invoices with their open
 * amounts as of the day, the totals, and our own details. Also used by the template preview.
 *
 * @example messageContext(action, invoices, contact, settings).totals // [{ amount: 125000, currency: "EUR" }]
 */
export function messageContext(
  action: Pick<ActionRow, "customer_ref" | "name" | "as_of" | "step" | "owner_email">,
  items: readonly InvoiceRow[],
  contact: ContactRow | null,
  settings: CollectionSettings,
): MessageContext {
  const totals = new Map<string, number>();
  for (const item of items)
    totals.set(item.currency, (totals.get(item.currency) ?? 0) + toMinorUnits(item.open_as_of));
  const oldest = Math.max(0, ...items.map((item) => daysBetween(item.due_date, action.as_of)));
  return {
    organisation: { name: settings.sender.name, email: settings.sender.email, phone: settings.sender.phone },
    customer: { ref: action.customer_ref, name: action.name },
    contact: { name: contact?.name ?? null, email: contact?.email ?? null },
    invoices: items.map((item) => ({
      ref: item.invoice_ref,
      issueDate: item.issue_date,
      dueDate: item.due_date,
      daysPastDue: daysBetween(item.due_date, action.as_of),
      amount: { amount: item.amount, currency: item.currency },
      open: { amount: toMinorUnits(item.open_as_of), currency: item.currency },
      poNumber: item.po_number,
    })),
    totals: [...totals].map(([currency, amount]) => ({ amount, currency })),
    asOf: action.as_of,
    step: action.step,
    finalDate: addDays(action.as_of, FINAL_NOTICE_DAYS),
    oldestDaysPastDue: oldest,
    ...(action.owner_email ? { owner: { email: action.owner_email } } : {}),
  };
}

function callNote(action: ActionRow, items: readonly InvoiceRow[]): string {
  const byCurrency = new Map<string, number>();
  for (const item of items)
    byCurrency.set(item.currency, (byCurrency.get(item.currency) ?? 0) + toMinorUnits(item.open_as_of));
  const totals = [...byCurrency]
    .map(([currency, amount]) => `${formatMinorUnits(amount, currency)} ${currency}`)
    .join(" + ");
  const oldest = Math.max(...items.map((item) => daysBetween(item.due_date, action.as_of)));
  return (
    `Call ${action.name} (${action.customer_ref}) about ${items.length} invoice${items.length === 1 ? "" : "s"} ` +
    `(${items.map((i) => i.invoice_ref).join(", ")}), ${totals} open, oldest ${oldest} days past due — ` +
    `workflow ${action.workflow}, step ${action.step}.`
  );
}
