/**
 * The message templates Recoup ships (DESIGN 5.5 names the first eight; `owner-update` is what
 * `notify_owner` steps send the sales owner, `sms-reminder` the short text of `sms` steps,
 * `plan-reminder` the reminder before a payment plan's instalments). A
 * policy may name these or templates the organisation added.
 */
export const SHIPPED_TEMPLATE_KEYS: ReadonlySet<string> = new Set([
  "courtesy",
  "overdue-1",
  "overdue-2",
  "final-notice",
  "promise-confirmation",
  "plan-agreement",
  "demand-notice",
  "statement",
  "owner-update",
  "sms-reminder",
  "plan-reminder",
]);
