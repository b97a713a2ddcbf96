/**
 * The wire types of the HTTP API, inferred from the zod schemas the routes validate and document
 * with: the web app (web/src/api) imports these types only (`import type`), so a change to a
 * response schema is a type error in the app, not a surprise at run time. Nothing here runs.
 */
import type { z } from "@hono/zod-openapi";
import type { CollectionPolicy } from "../domain/collection-policy.js";
import type {
  CashForecastSchema,
  KpiTrendSchema,
  OverdueAccountSchema,
  ReportFilterOptionsSchema,
  RollRatesSchema,
  SegmentDistributionSchema,
} from "./routes/analytics.js";
import type { AuditEventSchema } from "./routes/audit.js";
import type {
  ContactSchema,
  CustomerDetailSchema,
  CustomerPageSchema,
  CustomerSummarySchema,
} from "./routes/customers.js";
import type { TimelineEntrySchema, TimelinePageSchema } from "./routes/timeline.js";
import type { CycleResultSchema, OutboxEntrySchema } from "./routes/cycle.js";
import type { InvoiceDetailSchema, InvoicePageSchema, InvoiceSummarySchema } from "./routes/invoices.js";
import type { AppliedPolicySchema, StoredPolicySchema } from "./routes/policy.js";
import type { CustomerProfileSchema } from "./routes/profiles.js";
import type { AgingReportSchema, KpiReportSchema, KpisSchema } from "./routes/reports.js";
import type { ScheduledRunSchema, SettingsChangeSchema, SettingsSchema } from "./routes/settings.js";
import type { TemplateListSchema, TemplatePreviewSchema, TemplateSchema } from "./routes/templates.js";
import type { WorkItemSchema } from "./routes/worklist.js";
import type { PromiseSchema } from "./routes/promises.js";
import type { ErrorSchema, MoneySchema } from "./schemas.js";

export type Money = z.infer<typeof MoneySchema>;
export type ApiErrorBody = z.infer<typeof ErrorSchema>;

export type AgingReport = z.infer<typeof AgingReportSchema>;
export type Kpis = z.infer<typeof KpisSchema>;
export type KpiReport = z.infer<typeof KpiReportSchema>;
export type KpiTrend = z.infer<typeof KpiTrendSchema>;
export type RollRates = z.infer<typeof RollRatesSchema>;
export type SegmentDistribution = z.infer<typeof SegmentDistributionSchema>;
export type OverdueAccount = z.infer<typeof OverdueAccountSchema>;
export type CashForecast = z.infer<typeof CashForecastSchema>;
export type ReportFilterOptions = z.infer<typeof ReportFilterOptionsSchema>;

export type CustomerSummary = z.infer<typeof CustomerSummarySchema>;
export type CustomerPage = z.infer<typeof CustomerPageSchema>;
export type CustomerDetail = z.infer<typeof CustomerDetailSchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type CustomerProfile = z.infer<typeof CustomerProfileSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type TimelinePage = z.infer<typeof TimelinePageSchema>;

export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>;
export type InvoicePage = z.infer<typeof InvoicePageSchema>;
export type InvoiceDetail = z.infer<typeof InvoiceDetailSchema>;

export type WorkItem = z.infer<typeof WorkItemSchema>;
export type PromiseToPay = z.infer<typeof PromiseSchema>;
export type CycleResult = z.infer<typeof CycleResultSchema>;
export type OutboxMessage = z.infer<typeof OutboxEntrySchema>;

export type StoredPolicy = Omit<z.infer<typeof StoredPolicySchema>, "policy"> & { policy: CollectionPolicy };
export type AppliedPolicy = z.infer<typeof AppliedPolicySchema>;
export type { CollectionPolicy, Workflow, WorkflowStep, Channel } from "../domain/collection-policy.js";

export type MessageTemplate = z.infer<typeof TemplateSchema>;
export type TemplateList = z.infer<typeof TemplateListSchema>;
export type TemplatePreview = z.infer<typeof TemplatePreviewSchema>;

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsChange = z.infer<typeof SettingsChangeSchema>;
export type ScheduledRun = z.infer<typeof ScheduledRunSchema>;
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/**
 * The signed-in user (the auth contract of GET/POST /api/v1/session, written out here until the
 * session route's schema is on this branch; then inferred from it like the rest).
 */
export type Role = "admin" | "ar_manager" | "collector" | "sales" | "auditor" | "read_only";
export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  team: string | null;
}
export interface Session {
  user: SessionUser;
  csrfToken: string;
}
