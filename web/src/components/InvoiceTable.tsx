import { Link } from "wouter";
import type { InvoiceSummary } from "../api/types";
import { formatDate, formatMoney, formatNumber } from "../format";
import { Badge } from "./ui";

/** Invoices with their amounts, open amounts and days past due; the customer column is optional. */
export function InvoiceTable({
  invoices,
  showCustomer,
  compact,
  testId,
}: {
  invoices: InvoiceSummary[];
  showCustomer: boolean;
  compact?: boolean;
  testId?: string;
}) {
  return (
    <table className={compact ? "table compact" : "table"} data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Invoice</th>
          {showCustomer ? <th scope="col">Customer</th> : null}
          <th scope="col">Issued</th>
          <th scope="col">Due</th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col" className="num">
            Open
          </th>
          <th scope="col" className="num">
            Days past due
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((i) => (
          <tr key={i.invoiceRef}>
            <td>
              {i.invoiceRef}
              {i.poNumber ? <div className="muted small">PO {i.poNumber}</div> : null}
            </td>
            {showCustomer ? (
              <td>
                <Link href={`/customers/${encodeURIComponent(i.customerRef)}`}>{i.customerRef}</Link>
              </td>
            ) : null}
            <td>{formatDate(i.issueDate)}</td>
            <td>{formatDate(i.dueDate)}</td>
            <td className="num">{formatMoney(i.amount.amount, i.amount.currency)}</td>
            <td className="num strong">{formatMoney(i.open.amount, i.open.currency)}</td>
            <td className="num">
              {i.daysPastDue === null ? (
                <Badge tone="good">Settled</Badge>
              ) : i.daysPastDue > 0 ? (
                <span className="bad">{formatNumber(i.daysPastDue)}</span>
              ) : (
                <span className="muted">not due</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
