import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link } from "wouter";
import { api } from "../../api/endpoints";
import type { CollectionPolicy, CycleResult } from "../../api/types";
import { Card, Empty, ErrorPanel } from "../../components/ui";
import { formatNumber, humanize } from "../../format";

const REASON_LABELS: Record<string, string> = {
  paused: "Customer paused",
  do_not_contact: "Do not contact",
  disputed: "Disputed",
  promise: "Promise to pay open",
  payment_plan: "On a payment plan",
  frequency_cap: "Contacted too recently",
  below_minimum: "Below the step's minimum",
  superseded: "A later step fires instead",
  test_mode: "Test mode: nothing is sent",
};

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * What the cycle would do on `asOf` with the draft, beside what it would do with the policy in
 * force: two dry runs (nothing is recorded or sent). Who gets what, who is skipped and why.
 */
export function CyclePreview({
  draft,
  dirty,
  asOf,
  label,
}: {
  draft: CollectionPolicy;
  dirty: boolean;
  asOf: string;
  label: string;
}) {
  const preview = useMutation({
    mutationFn: async () => {
      const [withDraft, inForce] = await Promise.all([
        api.dryRunCycle({ asOf, policy: draft }),
        dirty ? api.dryRunCycle({ asOf }) : Promise.resolve(null),
      ]);
      return { withDraft, inForce, draftText: JSON.stringify(draft) };
    },
  });
  const result = preview.data?.withDraft;
  const stale = preview.data !== undefined && preview.data.draftText !== JSON.stringify(draft);
  return (
    <Card
      title="What tomorrow's cycle would do"
      testId="cycle-preview"
      action={
        <button
          type="button"
          className="button primary small"
          onClick={() => preview.mutate()}
          disabled={preview.isPending}
          data-testid="run-preview"
        >
          {preview.isPending ? "Running…" : preview.data ? "Preview again" : "Preview"}
        </button>
      }
    >
      <p className="muted small">
        {label}: a dry run of the daily cycle with {dirty ? "your draft" : "the policy in force"}. Nothing is
        recorded or sent.
      </p>
      {stale ? <p className="notice warn">The draft changed since this preview: run it again.</p> : null}
      {preview.error ? <ErrorPanel error={preview.error} /> : null}
      {!result && !preview.isPending ? <Empty>Run the preview to see who gets what.</Empty> : null}
      {result ? <PreviewSummary result={result} baseline={preview.data?.inForce ?? null} /> : null}
    </Card>
  );
}

function PreviewSummary({ result, baseline }: { result: CycleResult; baseline: CycleResult | null }) {
  const byChannel = useMemo(() => countBy(result.actions, (a) => a.channel), [result]);
  const bySkip = useMemo(() => countBy(result.skipped, (s) => s.reason), [result]);
  const baseChannel = useMemo(
    () => (baseline ? countBy(baseline.actions, (a) => a.channel) : null),
    [baseline],
  );
  const delta = (n: number, base: number | undefined) => {
    if (base === undefined || n === base) return null;
    return (
      <span className={n > base ? "delta up" : "delta down"}>
        {n > base ? `+${n - base}` : n - base} vs. in force
      </span>
    );
  };
  return (
    <div data-testid="preview-summary">
      <dl className="facts">
        <div>
          <dt>Actions</dt>
          <dd data-testid="preview-actions">
            {formatNumber(result.actions.length)} {delta(result.actions.length, baseline?.actions.length)}
          </dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd data-testid="preview-skipped">
            {formatNumber(result.skipped.length)} {delta(result.skipped.length, baseline?.skipped.length)}
          </dd>
        </div>
      </dl>
      <h3>By channel</h3>
      <ul className="counts">
        {[...byChannel].map(([channel, n]) => (
          <li key={channel} data-testid={`preview-channel-${channel}`}>
            <span>{humanize(channel)}</span>
            <span>
              {formatNumber(n)} {baseChannel ? delta(n, baseChannel.get(channel) ?? 0) : null}
            </span>
          </li>
        ))}
      </ul>
      <h3>Skipped, and why</h3>
      {bySkip.size === 0 ? <p className="muted small">Nobody is skipped.</p> : null}
      <ul className="counts">
        {[...bySkip].map(([reason, n]) => (
          <li key={reason}>
            <span>{REASON_LABELS[reason] ?? humanize(reason)}</span>
            <span>{formatNumber(n)}</span>
          </li>
        ))}
      </ul>
      <h3>Who gets what</h3>
      <div className="preview-list">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Step</th>
              <th scope="col" className="num">
                Invoices
              </th>
            </tr>
          </thead>
          <tbody>
            {result.actions.slice(0, 200).map((a, i) => (
              <tr key={i}>
                <td>
                  <Link href={`/customers/${encodeURIComponent(a.customerRef)}`}>{a.customerRef}</Link>
                </td>
                <td>
                  {humanize(a.step)}{" "}
                  <span className="muted small">
                    ({a.workflow}, {humanize(a.channel)})
                  </span>
                </td>
                <td className="num">{a.invoiceRefs.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.actions.length > 200 ? (
          <p className="muted small">…and {result.actions.length - 200} more.</p>
        ) : null}
      </div>
    </div>
  );
}
