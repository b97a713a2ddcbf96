/**
 * Customer 360: who they are and what they owe (balance, overdue, risk rating with the factors
 * that explain it, segment and its reason, credit limit and utilisation, owner, collector), the
 * open items with their aging, the timeline, and the contacts.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { ApiError } from "../../api/client";
import { api } from "../../api/endpoints";
import type { CustomerDetail, CustomerProfile } from "../../api/types";
import { bucketColour } from "../../components/Chart";
import { InvoiceTable } from "../../components/InvoiceTable";
import { Badge, Card, Empty, ErrorPanel, Loading, PageHeader, RatingBadge, Tile } from "../../components/ui";
import { formatDate, formatMoney, formatNumber, formatPercent, humanize, segmentLabel } from "../../format";
import { bucketLabel } from "../dashboard/bucket-links";
import { CustomerMessages } from "./CustomerMessages";
import { Timeline } from "./Timeline";

export default function CustomerScreen({ customerRef }: { customerRef: string }) {
  const customer = useQuery({
    queryKey: ["customer", customerRef],
    queryFn: () => api.customer(customerRef),
  });
  const profile = useQuery({ queryKey: ["profile", customerRef], queryFn: () => api.profile(customerRef) });
  const invoices = useQuery({
    queryKey: ["invoices", { customer: customerRef, status: "open" }],
    queryFn: () => api.invoices({ customer: customerRef, status: "open", limit: 200 }),
  });

  if (customer.error) return <ErrorPanel error={customer.error} />;
  if (!customer.data) return <Loading label="Loading the customer…" />;
  const c = customer.data;
  const p = profile.data;
  const noProfile = profile.error instanceof ApiError && profile.error.code === "NOT_FOUND";

  return (
    <div className="page" data-testid="customer-360">
      <PageHeader
        title={c.name}
        subtitle={
          <>
            {c.customerRef}
            {c.country ? ` · ${c.country}` : ""} · {c.currency} · {c.paymentTermsDays}-day terms
            {c.parentRef ? ` · part of ${c.parentRef}` : ""}
          </>
        }
        actions={
          <>
            {c.doNotContact ? <Badge tone="bad">Do not contact</Badge> : null}
            {c.pausedUntil ? <Badge tone="warn">Paused until {formatDate(c.pausedUntil)}</Badge> : null}
            {c.requiresPo ? <Badge>PO required</Badge> : null}
            <Link
              className="button secondary small"
              href={`/outbox?customer=${encodeURIComponent(c.customerRef)}`}
            >
              Messages
            </Link>
          </>
        }
      />
      <Header customer={c} profile={p} />
      <div className="grid">
        <RiskCard profile={p} loading={profile.isPending} noProfile={noProfile} />
        <Card title="Aging" testId="customer-aging">
          <AgingBar customer={c} />
        </Card>
        <Card title="Open items" className="span-2" testId="open-items">
          {invoices.error ? <ErrorPanel error={invoices.error} /> : null}
          {invoices.data && invoices.data.items.length === 0 ? <Empty>Nothing open.</Empty> : null}
          {invoices.data && invoices.data.items.length > 0 ? (
            <div className="table-scroll">
              <InvoiceTable invoices={invoices.data.items} showCustomer={false} compact />
            </div>
          ) : null}
        </Card>
        <Card title="Timeline" className="span-2" testId="timeline">
          <Timeline customerRef={c.customerRef} />
        </Card>
        <Card title="Messages" testId="customer-messages">
          <CustomerMessages customerRef={c.customerRef} />
        </Card>
        <Card title="Contacts" testId="contacts">
          {c.contacts.length === 0 ? <Empty>No contact on file: messages cannot be sent.</Empty> : null}
          <ul className="contacts">
            {c.contacts.map((contact, index) => (
              <li key={`${contact.email}/${index}`}>
                <div className="strong">
                  {contact.name ?? "Unnamed contact"}{" "}
                  {index === 0 && c.primaryContact ? <Badge tone="info">Primary</Badge> : null}
                </div>
                {contact.role ? <div className="muted small">{contact.role}</div> : null}
                {contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : null}
                {contact.phone ? (
                  <div>
                    <a href={`tel:${contact.phone}`}>{contact.phone}</a>
                  </div>
                ) : null}
                <div className="muted small">
                  {contact.language ? `Language ${contact.language.toUpperCase()}` : ""}
                  {contact.preferredChannel ? ` · prefers ${contact.preferredChannel}` : ""}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}

function Header({
  customer: c,
  profile: p,
}: {
  customer: CustomerDetail;
  profile: CustomerProfile | undefined;
}) {
  const utilisation = p?.creditUtilisation ?? null;
  return (
    <div className="tiles" aria-label="Customer figures">
      <Tile
        label="Balance"
        value={formatMoney(c.balance.amount, c.balance.currency)}
        hint={
          c.unapplied.amount !== 0
            ? `${formatMoney(c.unapplied.amount, c.unapplied.currency)} unapplied`
            : undefined
        }
        testId="customer-balance"
      />
      <Tile
        label="Overdue"
        value={formatMoney(c.overdue.amount, c.overdue.currency)}
        tone={c.overdue.amount > 0 ? "bad" : "good"}
        hint={p?.behaviour.oldestDaysPastDue ? `oldest ${p.behaviour.oldestDaysPastDue} days` : undefined}
        testId="customer-overdue"
      />
      <Tile
        label="Risk rating"
        value={p ? <RatingBadge rating={p.risk.rating} /> : "—"}
        hint={p ? `score ${p.risk.score} / 100` : "not profiled yet"}
        testId="customer-rating"
      />
      <Tile
        label="Segment"
        value={<span className="tile-text">{segmentLabel(p?.segment.key)}</span>}
        hint={p ? `since ${formatDate(p.segment.since)}` : undefined}
      />
      <Tile
        label="Credit limit"
        value={c.creditLimit ? formatMoney(c.creditLimit.amount, c.creditLimit.currency) : "None"}
        hint={utilisation !== null ? `${formatPercent(utilisation, 0)} used` : undefined}
        tone={
          utilisation !== null && utilisation > 1
            ? "bad"
            : utilisation !== null && utilisation > 0.8
              ? "warn"
              : undefined
        }
      />
      <Tile
        label="People"
        value={<span className="tile-text">{c.collectorEmail ?? "No collector"}</span>}
        hint={`Sales owner: ${c.ownerEmail ?? "none"}`}
      />
    </div>
  );
}

function RiskCard({
  profile: p,
  loading,
  noProfile,
}: {
  profile: CustomerProfile | undefined;
  loading: boolean;
  noProfile: boolean;
}) {
  return (
    <Card title="Why this rating and segment" testId="risk-card">
      {loading ? <Loading /> : null}
      {noProfile ? (
        <Empty>No profile yet: the daily cycle (or a profile refresh) rates every customer.</Empty>
      ) : null}
      {p ? (
        <>
          <p className="segment-reason">
            <strong>{segmentLabel(p.segment.key)}: </strong>
            {p.segment.reason}
          </p>
          <ul className="factors" aria-label="Risk factors">
            {p.risk.factors.map((f) => (
              <li key={f.key}>
                <div className="factor-head">
                  <span>{humanize(f.key)}</span>
                  <span className="muted small">
                    {formatNumber(f.points)} / {formatNumber(f.maxPoints)} pts
                  </span>
                </div>
                <div className="meter" aria-hidden="true">
                  <span style={{ width: `${f.maxPoints ? (f.points / f.maxPoints) * 100 : 0}%` }} />
                </div>
                <div className="muted small">{f.explanation}</div>
              </li>
            ))}
          </ul>
          <p className="muted small">
            Payment behaviour: {p.behaviour.settledInvoices} invoices settled in 12 months,{" "}
            {p.behaviour.settledLate} late; average {formatNumber(p.behaviour.avgDaysLate, 1)} days late (last
            90 days: {formatNumber(p.behaviour.recentAvgDaysLate, 1)}). Profile of {formatDate(p.asOf)}.
          </p>
        </>
      ) : null}
    </Card>
  );
}

function AgingBar({ customer: c }: { customer: CustomerDetail }) {
  const total = c.aging.total;
  if (total === 0) return <Empty>Nothing open.</Empty>;
  return (
    <>
      <div className="stacked-bar" role="img" aria-label="Open amount by aging bucket">
        {c.aging.buckets.map((b, i) =>
          b.amount > 0 ? (
            <span
              key={b.key}
              style={{
                width: `${(b.amount / total) * 100}%`,
                background: bucketColour(i, c.aging.buckets.length),
              }}
              title={`${bucketLabel(b.key)}: ${formatMoney(b.amount, c.currency)}`}
            />
          ) : null,
        )}
      </div>
      <table className="table compact">
        <tbody>
          {c.aging.buckets.map((b, i) => (
            <tr key={b.key}>
              <td>
                <span
                  className="swatch"
                  style={{ background: bucketColour(i, c.aging.buckets.length) }}
                  aria-hidden="true"
                />
                {bucketLabel(b.key)}
              </td>
              <td className="num">{formatMoney(b.amount, c.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
