/** Small building blocks shared by every screen. */
import type { ReactNode } from "react";
import { ApiError } from "../api/client";

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Card({
  title,
  action,
  children,
  className,
  testId,
}: {
  title?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section
      className={`card ${className ?? ""}`}
      data-testid={testId}
      aria-label={typeof title === "string" ? title : undefined}
    >
      {title || action ? (
        <div className="card-header">
          {title ? <h2>{title}</h2> : <span />}
          {action}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function Tile({
  label,
  value,
  hint,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: "good" | "warn" | "bad";
  testId?: string;
}) {
  return (
    <div className={`tile ${tone ? `tile-${tone}` : ""}`} data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {hint ? <div className="tile-hint">{hint}</div> : null}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorPanel({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="error-panel" role="alert">
      <strong>{code === "FORBIDDEN" ? "You do not have access to this." : "Something went wrong."}</strong>
      <span>{message}</span>
      {retry ? (
        <button type="button" className="button secondary small" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Badge({
  children,
  tone = "neutral",
  title,
}: {
  children: ReactNode;
  tone?: string;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const RATING_TONES: Record<string, string> = { A: "good", B: "info", C: "warn", D: "bad" };
export function RatingBadge({ rating }: { rating: string | null | undefined }) {
  if (!rating) return <Badge>—</Badge>;
  return (
    <Badge tone={RATING_TONES[rating] ?? "neutral"} title={`Risk rating ${rating}`}>
      {rating}
    </Badge>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

/** "Load more" for cursor pages. */
export function LoadMore({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <div className="load-more">
      <button type="button" className="button secondary" onClick={onClick} disabled={busy}>
        {busy ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}
