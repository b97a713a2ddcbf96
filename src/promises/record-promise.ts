import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import {
  dispatchCollectionActions,
  type DispatchOptions,
} from "../collections/dispatch-collection-actions.js";
import { loadCollectionPolicy } from "../collections/load-collection-policy.js";
import { enqueueResolutionMessages } from "../collections/resolution-messages.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { fromKysely } from "../db/queryable.js";
import { addDays } from "../domain/calendar-date.js";
import { formatMinorUnits } from "../domain/money.js";
import {
  coverOldestFirst,
  PROMISE_SOURCES,
  promiseDeadline,
  type PromiseSource,
} from "../domain/promise-to-pay.js";
import { RecoupError } from "../errors.js";
import {
  businessDate,
  calendarDate,
  collectorEmail,
  lockCustomer,
  optionalText,
  parseAmount,
} from "./commitment-input.js";
import { coverableInvoices, namedInvoices, type CoverableInvoice } from "./coverable-invoices.js";
import { listPromises, type PromiseRecord } from "./list-promises.js";

export interface RecordPromiseOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  customerRef: string;
  /** Decimal in major units of the promise's currency, e.g. "100.00". */
  amount: string;
  /** The day the customer promised to pay by (YYYY-MM-DD). */
  promisedOn: string;
  /**
   * The invoices it covers; default the customer's oldest open invoices (in its currency, not
   * covered by another promise or plan) until their open amounts reach the amount.
   */
  invoiceRefs?: readonly string[];
  /** Default: the policy's `promises.graceDays`. */
  graceDays?: number;
  /** Default `call`. */
  source?: PromiseSource;
  /** Who at the customer made it; default its primary contact. */
  contact?: string;
  /** The collector who took it; default the customer's collector. */
  collectorEmail?: string;
  note?: string;
  /** The business day it is recorded on; default today in the organisation's time zone. */
  asOf?: string;
  /** How the confirmation is sent on (a transport queues it for SMTP delivery). */
  dispatch?: Omit<DispatchOptions, "store" | "clock" | "actor" | "upTo" | "actionIds">;
}

/**
 * Records a customer's promise to pay and queues its written confirmation (the shipped
 * `promise-confirmation` template) in the outbox, in one transaction with its audit events; then
 * renders that one message into the outbox right away. Dunning of the covered invoices pauses
 * from the recording day through the promised date plus the grace days; the daily cycle judges
 * it (docs/decisions/0005). Refused with nothing written: an unknown customer or invoice, an
 * invoice of another customer or currency or with nothing open, an invoice another open promise
 * or live plan covers, an amount above what the covered invoices owe, a date before the recording
 * day or beyond the policy's horizon.
 *
 * @example await recordPromise({ store, clock, actor: "cli:ana", customerRef: "C1", amount: "100.00", promisedOn: "2026-04-20" })
 */
export async function recordPromise(options: RecordPromiseOptions): Promise<PromiseRecord> {
  const asOf = businessDate({ asOf: options.asOf, clock: options.clock, timeZone: options.store.timeZone });
  const promisedOn = calendarDate(options.promisedOn, "the promised date");
  const source = options.source ?? "call";
  if (!(PROMISE_SOURCES as readonly string[]).includes(source)) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the source must be one of ${PROMISE_SOURCES.join(", ")}, not "${source}"`,
    );
  }
  const contact = optionalText(options.contact, "the contact", 200);
  const note = optionalText(options.note, "the note", 4000);
  const collector = collectorEmail(options.collectorEmail);
  if (
    options.graceDays !== undefined &&
    (!Number.isSafeInteger(options.graceDays) || options.graceDays < 0 || options.graceDays > 60)
  ) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the grace period must be a whole number of days from 0 to 60, not ${options.graceDays}`,
    );
  }
  if (promisedOn < asOf) {
    throw new RecoupError(
      "VALIDATION_FAILED",
      `the promised date ${promisedOn} is before the day the promise is recorded (${asOf})`,
    );
  }
  const organisationId = options.store.organisationId;
  const at = options.clock.now();

  const recorded = await options.store.handle.db.transaction().execute(async (trx) => {
    const db = fromKysely(trx);
    const { policy } = await loadCollectionPolicy(db, organisationId);
    const horizon = addDays(asOf, policy.promises.maxDaysAhead);
    if (promisedOn > horizon) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `the promised date ${promisedOn} is more than ${policy.promises.maxDaysAhead} days after ${asOf}: agree a payment plan instead (recoup plan create)`,
      );
    }
    const graceDays = options.graceDays ?? policy.promises.graceDays;
    const customer = await lockCustomer(db, organisationId, options.customerRef);

    let covered: CoverableInvoice[];
    let currency: string;
    let amount: number;
    if (options.invoiceRefs !== undefined) {
      covered = await namedInvoices(db, {
        organisationId,
        customer: { id: customer.id, ref: customer.customer_ref },
        asOf,
        invoiceRefs: options.invoiceRefs,
      });
      currency = covered[0]!.currency;
      amount = parseAmount(options.amount, currency);
      const open = covered.reduce((sum, invoice) => sum + invoice.open, 0);
      if (amount > open) {
        throw new RecoupError(
          "VALIDATION_FAILED",
          `the promise of ${formatMinorUnits(amount, currency)} ${currency} exceeds the ${formatMinorUnits(open, currency)} ${currency} open on ${covered.map((i) => i.invoiceRef).join(", ")} as of ${asOf}`,
        );
      }
    } else {
      currency = customer.currency.trim();
      amount = parseAmount(options.amount, currency);
      const free = (await coverableInvoices(db, { organisationId, customerId: customer.id, asOf })).filter(
        (invoice) => invoice.currency === currency && invoice.coveredBy === null,
      );
      const chosen = coverOldestFirst(free, amount);
      if (chosen === null) {
        const open = free.reduce((sum, invoice) => sum + invoice.open, 0);
        throw new RecoupError(
          "VALIDATION_FAILED",
          `the promise of ${formatMinorUnits(amount, currency)} ${currency} exceeds the ${formatMinorUnits(open, currency)} ${currency} open as of ${asOf} on ${customer.customer_ref}'s invoices that no other promise or plan covers`,
        );
      }
      covered = free.filter((invoice) => chosen.some((c) => c.invoiceId === invoice.invoiceId));
    }

    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO promises_to_pay (organisation_id, customer_id, status, recorded_on, promised_on, grace_days, amount,
         currency, source, contact, collector_email, note, ledger_watermark, recorded_by, created_at)
       VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11,
         (SELECT coalesce(max(id), 0) FROM allocations), $12, $13)
       RETURNING id::text AS id`,
      [
        organisationId,
        customer.id,
        asOf,
        promisedOn,
        graceDays,
        amount,
        currency,
        source,
        contact ?? customer.primary_contact,
        collector ?? customer.collector_email,
        note,
        options.actor,
        at,
      ],
    );
    const promiseId = Number(rows[0]!.id);
    await db.query(
      `INSERT INTO promise_invoices (promise_id, invoice_id, open_at_record)
       SELECT $1, u.invoice_id, u.open FROM unnest($2::bigint[], $3::bigint[]) AS u(invoice_id, open)`,
      [promiseId, covered.map((i) => i.invoiceId), covered.map((i) => i.open)],
    );
    const [confirmation] = await enqueueResolutionMessages(db, { organisationId, actor: options.actor, at }, [
      {
        purpose: "promise_confirmation",
        actionKey: `promise:${promiseId}:confirmation`,
        customerId: customer.id,
        asOf,
        template: "promise-confirmation",
        invoiceIds: covered.map((i) => i.invoiceId),
        promiseId,
      },
    ]);
    if (confirmation!.status === "skipped") {
      await db.query(`UPDATE promises_to_pay SET confirmation_skipped = $2 WHERE id = $1`, [
        promiseId,
        confirmation!.reason,
      ]);
    }
    await appendAuditEvents(db, { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "promise.recorded",
        subjectType: "promise",
        subjectId: promiseId,
        data: {
          customerRef: customer.customer_ref,
          promiseId,
          recordedOn: asOf,
          promisedOn,
          graceDays,
          deadline: promiseDeadline(promisedOn, graceDays),
          amount,
          currency,
          source,
          contact: contact ?? customer.primary_contact,
          collector: collector ?? customer.collector_email,
          invoiceRefs: covered.map((i) => i.invoiceRef),
          confirmation:
            confirmation!.status === "queued"
              ? { actionId: confirmation!.actionId, channel: confirmation!.channel }
              : { skipped: confirmation!.reason },
        },
      },
    ]);
    return { promiseId, actionId: confirmation!.status === "queued" ? confirmation!.actionId : null };
  });

  if (recorded.actionId !== null) {
    // The confirmation is in the queue already (committed with the promise); a crash here leaves
    // it planned for the next dispatch, never lost and never sent twice.
    await dispatchCollectionActions({
      ...options.dispatch,
      store: options.store,
      clock: options.clock,
      actor: options.actor,
      upTo: asOf,
      actionIds: [recorded.actionId],
    });
  }
  const [record] = await listPromises(options.store.handle.pool, organisationId, {
    ids: [recorded.promiseId],
    limit: 1,
  });
  return record!;
}
