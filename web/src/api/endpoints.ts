/**
 * Every API call the app makes, typed with the server's own response types. Screens use these
 * through React Query (`useQuery({ queryKey, queryFn })`); nothing else calls fetch.
 */
import { request, type Query } from "./client";
import type {
  AgingReport,
  AppliedPolicy,
  CashForecast,
  CollectionPolicy,
  CustomerDetail,
  CustomerPage,
  CustomerProfile,
  CycleResult,
  InvoiceDetail,
  InvoicePage,
  KpiReport,
  KpiTrend,
  MessageTemplate,
  OutboxMessage,
  OverdueAccount,
  PromiseToPay,
  ReportFilterOptions,
  RollRates,
  ScheduledRun,
  SegmentDistribution,
  Session,
  Settings,
  SettingsChange,
  StoredPolicy,
  TemplateList,
  TemplatePreview,
  TimelinePage,
  WorkItem,
} from "./types";

/** The dashboard's filters (server-side: every report takes them as query parameters). */
export interface ReportFilters {
  entity?: string;
  segment?: string;
  collector?: string;
  owner?: string;
}

/** The report filters present in a screen's URL state. */
export function reportFiltersOf(search: Record<string, string>): ReportFilters {
  const filters: ReportFilters = {};
  for (const key of ["entity", "segment", "collector", "owner"] as const) {
    if (search[key]) filters[key] = search[key];
  }
  return filters;
}

export const CALL_OUTCOMES = ["reached", "left_message", "no_answer", "wrong_contact", "resolved"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const api = {
  session: {
    get: () => request<Session>("/session", { quietUnauthenticated: true }),
    open: (email: string, password: string) =>
      request<Session>("/session", { method: "POST", body: { email, password }, quietUnauthenticated: true }),
    close: () => request<void>("/session", { method: "DELETE" }),
  },

  filterOptions: () => request<ReportFilterOptions>("/analytics/filters"),
  kpis: (query: { from: string; to: string } & ReportFilters) => request<KpiReport>("/kpis", { query }),
  aging: (query: { asOf?: string; totalsOnly?: boolean; customer?: string } & ReportFilters) =>
    request<AgingReport>("/aging", { query }),
  kpiTrend: (query: { months?: number } & ReportFilters) =>
    request<KpiTrend>("/analytics/kpi-trend", { query }),
  rollRates: (query: { months?: number } & ReportFilters) =>
    request<RollRates>("/analytics/roll-rates", { query }),
  segments: (query: ReportFilters) => request<SegmentDistribution>("/analytics/segments", { query }),
  topOverdue: (query: { currency?: string; limit?: number } & ReportFilters) =>
    request<{ asOf: string; items: OverdueAccount[] }>("/analytics/top-overdue", { query }),
  cashForecast: (query: { weeks?: number } & ReportFilters) =>
    request<CashForecast>("/analytics/cash-forecast", { query }),

  customers: (query: { q?: string; currency?: string; overdue?: boolean; limit?: number; cursor?: string }) =>
    request<CustomerPage>("/customers", { query }),
  customer: (ref: string) => request<CustomerDetail>(`/customers/${encodeURIComponent(ref)}`),
  profile: (ref: string) => request<CustomerProfile>(`/customers/${encodeURIComponent(ref)}/profile`),
  timeline: (ref: string, query: { limit?: number; before?: string } = {}) =>
    request<TimelinePage>(`/customers/${encodeURIComponent(ref)}/timeline`, { query }),

  invoices: (query: Query) => request<InvoicePage>("/invoices", { query }),
  invoice: (ref: string) => request<InvoiceDetail>(`/invoices/${encodeURIComponent(ref)}`),

  worklist: (query: { collector?: string; limit?: number }) =>
    request<{ asOf: string; items: WorkItem[] }>("/worklist", { query }),
  completeTask: (taskId: string, body: { outcome: CallOutcome; note?: string }) =>
    request<{ taskId: string; status: "done"; outcome: CallOutcome }>(`/tasks/${taskId}/completion`, {
      method: "POST",
      body,
    }),
  assignTask: (taskId: string, assignee: string | null) =>
    request<{ taskId: string; assignee: string | null }>(`/tasks/${taskId}/assignment`, {
      method: "POST",
      body: { assignee },
    }),
  snoozeTask: (taskId: string, body: { until: string; note?: string }) =>
    request<{ taskId: string; dueOn: string }>(`/tasks/${taskId}/snooze`, { method: "POST", body }),

  recordPromise: (body: {
    customerRef: string;
    amount: string;
    promisedOn: string;
    invoiceRefs?: string[];
    source?: "call" | "email" | "letter" | "portal";
    collectorEmail?: string;
    note?: string;
  }) => request<PromiseToPay>("/promises", { method: "POST", body }),

  outbox: (query: { customer?: string; limit?: number; cursor?: string }) =>
    request<{ items: OutboxMessage[]; nextCursor: string | null }>("/outbox", { query }),

  policy: () => request<StoredPolicy>("/policy"),
  savePolicy: (policy: CollectionPolicy, expectedVersion: number) =>
    request<AppliedPolicy>("/policy", { method: "PUT", body: { policy, expectedVersion } }),
  dryRunCycle: (body: { asOf: string; policy?: CollectionPolicy }) =>
    request<CycleResult>("/cycle/runs", { method: "POST", body: { ...body, dryRun: true } }),

  templates: () => request<TemplateList>("/templates"),
  template: (language: string, key: string) => request<MessageTemplate>(`/templates/${language}/${key}`),
  previewTemplate: (language: string, key: string, body: { source: string; customer?: string }) =>
    request<TemplatePreview>(`/templates/${language}/${key}/preview`, { method: "POST", body }),
  saveTemplate: (language: string, key: string, source: string) =>
    request<{ key: string; language: string; version: number; changed: boolean }>(
      `/templates/${language}/${key}`,
      { method: "PUT", body: { source } },
    ),

  settings: () => request<Settings>("/settings"),
  saveSettings: (change: SettingsChange) => request<Settings>("/settings", { method: "PATCH", body: change }),
  addHoliday: (day: string, name: string) =>
    request<Settings>(`/settings/holidays/${day}`, { method: "PUT", body: { name } }),
  removeHoliday: (day: string) => request<Settings>(`/settings/holidays/${day}`, { method: "DELETE" }),
  scheduledRuns: () => request<{ items: ScheduledRun[] }>("/schedule/runs"),
};
