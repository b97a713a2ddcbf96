import { appendAuditEvents } from "../audit/append-audit-events.js";
import type { Clock } from "../clock.js";
import { fromKysely } from "../db/queryable.js";
import type { RecoupStore } from "../db/open-recoup.js";
import { parseCalendarDate, todayIn } from "../domain/calendar-date.js";
import { formatMinorUnits, parseMinorUnits } from "../domain/money.js";
import { RecoupError } from "../errors.js";

export interface WriteOffInvoiceOptions {
  store: RecoupStore;
  clock: Clock;
  actor: string;
  invoiceRef: string;
  /** Decimal in major units; default: the whole open amount. */
  amount?: string;
  reason: string;
  /** Business date of the write-off; default today in the organisation's time zone. */
  date?: string;
}

export interface WriteOff {
  id: number;
  invoiceRef: string;
  date: string;
  amount: { amount: number; currency: string };
  reason: string;
  openAfter: { amount: number; currency: string };
}

/**
 * Writes off part or all of an invoice's open amount: a new dated ledger entry (never an edit),
 * an allocation that lowers the open amount, and an audit event, in one transaction.
 *
 * @example await writeOffInvoice({ store, clock, actor: "cli", invoiceRef: "INV-9", reason: "small balance" })
 */
export async function writeOffInvoice(options: WriteOffInvoiceOptions): Promise<WriteOff> {
  const reason = options.reason.trim();
  if (reason === "") throw new RecoupError("VALIDATION_FAILED", "a write-off needs a reason");
  if (reason.length > 500)
    throw new RecoupError("VALIDATION_FAILED", "the reason is longer than 500 characters");
  let date: string;
  try {
    date = options.date
      ? parseCalendarDate(options.date)
      : todayIn(options.clock.now(), options.store.timeZone);
  } catch (error) {
    throw new RecoupError("INVALID_DATE", (error as Error).message);
  }
  const organisationId = options.store.organisationId;

  return options.store.handle.db.transaction().execute(async (trx) => {
    const invoice = await trx
      .selectFrom("invoices")
      .select(["id", "currency", "open_amount", "issue_date"])
      .where("organisation_id", "=", organisationId)
      .where("invoice_ref", "=", options.invoiceRef)
      .forUpdate()
      .executeTakeFirst();
    if (!invoice) throw new RecoupError("INVOICE_NOT_FOUND", `no invoice with ref "${options.invoiceRef}"`);
    let amount: number;
    try {
      amount =
        options.amount === undefined
          ? invoice.open_amount
          : parseMinorUnits(options.amount, invoice.currency);
    } catch (error) {
      throw new RecoupError("INVALID_MONEY", (error as Error).message);
    }
    const open = `${formatMinorUnits(invoice.open_amount, invoice.currency)} ${invoice.currency}`;
    if (amount <= 0) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        invoice.open_amount <= 0
          ? `invoice "${options.invoiceRef}" has nothing open to write off (open: ${open})`
          : "the amount to write off must be greater than zero",
      );
    }
    if (amount > invoice.open_amount) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `cannot write off ${formatMinorUnits(amount, invoice.currency)} ${invoice.currency}: invoice "${options.invoiceRef}" has ${open} open`,
      );
    }
    if (date < invoice.issue_date) {
      throw new RecoupError(
        "VALIDATION_FAILED",
        `the write-off date ${date} is before the invoice's issue date ${invoice.issue_date}`,
      );
    }
    const at = options.clock.now();
    const writeOff = await trx
      .insertInto("write_offs")
      .values({
        organisation_id: organisationId,
        invoice_id: invoice.id,
        date,
        amount,
        reason,
        actor: options.actor,
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("allocations")
      .values({
        organisation_id: organisationId,
        invoice_id: invoice.id,
        kind: "write_off",
        write_off_id: writeOff.id,
        payment_id: null,
        credit_note_id: null,
        date,
        amount,
        created_at: at,
      })
      .execute();
    const updated = await trx
      .updateTable("invoices")
      .set((eb) => ({
        open_amount: eb("open_amount", "-", amount),
        last_allocation_date: eb.fn("greatest", [
          eb.ref("last_allocation_date"),
          eb.val(date).$castTo<string>(),
        ]),
      }))
      .where("id", "=", invoice.id)
      .returning("open_amount")
      .executeTakeFirstOrThrow();
    await appendAuditEvents(fromKysely(trx), { organisationId, actor: options.actor, occurredAt: at }, [
      {
        action: "invoice.written_off",
        subjectType: "invoice",
        subjectId: options.invoiceRef,
        data: { writeOffId: writeOff.id, date, amount, currency: invoice.currency, reason },
      },
    ]);
    return {
      id: writeOff.id,
      invoiceRef: options.invoiceRef,
      date,
      amount: { amount, currency: invoice.currency },
      reason,
      openAfter: { amount: updated.open_amount, currency: invoice.currency },
    };
  });
}
