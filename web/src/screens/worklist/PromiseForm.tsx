import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api/endpoints";
import type { WorkItem } from "../../api/types";
import { ErrorPanel } from "../../components/ui";
import { addDays, formatDate, formatMoney, toDecimalString } from "../../format";

/**
 * Record what the customer promised on the call (POST /promises): the amount (default: everything
 * overdue on the account), the day, a note. It covers the account, not only the task's invoices;
 * dunning holds until the promise's deadline and a confirmation goes out.
 */
export function PromiseForm({ item, today, onDone }: { item: WorkItem; today: string; onDone: () => void }) {
  const [amount, setAmount] = useState(toDecimalString(item.overdue.amount, item.overdue.currency));
  const [promisedOn, setPromisedOn] = useState(addDays(today, 7));
  const [note, setNote] = useState("");
  const record = useMutation({
    mutationFn: () =>
      api.recordPromise({
        customerRef: item.customerRef,
        amount: amount.trim(),
        promisedOn,
        source: "call",
        ...(item.assignee ? { collectorEmail: item.assignee } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: () => onDone(),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate();
  };
  return (
    <form
      className="action-block"
      onSubmit={submit}
      aria-label="Record a promise to pay"
      data-testid="promise-form"
    >
      <h3>Promise to pay</h3>
      <div className="form-row">
        <label className="field compact">
          <span>Amount ({item.overdue.currency})</span>
          <input
            inputMode="decimal"
            required
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            className="narrow-wide"
          />
        </label>
        <label className="field compact">
          <span>Pays on</span>
          <input
            type="date"
            required
            min={today}
            value={promisedOn}
            onChange={(e) => setPromisedOn(e.target.value)}
          />
        </label>
        <label className="field compact grow">
          <span>Note</span>
          <input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="Who promised, how"
            maxLength={4000}
          />
        </label>
      </div>
      {record.error ? <ErrorPanel error={record.error} /> : null}
      {record.data ? (
        <p className="notice" role="status">
          Promise of {formatMoney(record.data.amount.amount, record.data.amount.currency)} by{" "}
          {formatDate(record.data.promisedOn)} recorded.
        </p>
      ) : null}
      <button
        type="submit"
        className="button secondary"
        disabled={record.isPending}
        data-testid="record-promise"
      >
        {record.isPending ? "Recording…" : "Record promise"}
      </button>
    </form>
  );
}
