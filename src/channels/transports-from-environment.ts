import { createSmtpTransport, smtpConfigFromEnvironment, type EmailTransport } from "./email-transport.js";
import { createWebhookSmsTransport, smsConfigFromEnvironment, type SmsTransport } from "./sms-transport.js";

/** What the cycle and the scheduler deliver through: the `dispatch` options of a cycle run. */
export interface DeliveryTransports {
  /** Email over SMTP (RECOUP_SMTP_URL), or null: email stays in the outbox. */
  transport: EmailTransport | null;
  /** The From of delivered email (RECOUP_SMTP_FROM), or null: the organisation's sender. */
  emailFrom: { name: string; address: string } | null;
  /** Text messages through the provider webhook (RECOUP_SMS_WEBHOOK_URL), or null: they stay in the outbox. */
  smsTransport: SmsTransport | null;
  /** Closes the transports (waits for messages in flight). */
  close(): Promise<void>;
}

/**
 * The delivery transports the environment configures (RECOUP_SMTP_*, RECOUP_SMS_*); none of them
 * when `enabled` is false (a dry run sends nothing). Throws RangeError on a malformed setting.
 *
 * @example const transports = transportsFromEnvironment(); try { await runCollectionsCycle({ …, dispatch: transports }) } finally { await transports.close() }
 */
export function transportsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  enabled = true,
): DeliveryTransports {
  const smtp = enabled ? smtpConfigFromEnvironment(env) : null;
  const sms = enabled ? smsConfigFromEnvironment(env) : null;
  const transport = smtp ? createSmtpTransport({ url: smtp.url }) : null;
  const smsTransport = sms ? createWebhookSmsTransport(sms) : null;
  return {
    transport,
    emailFrom: smtp?.from ?? null,
    smsTransport,
    async close() {
      await Promise.all([transport?.close(), smsTransport?.close()]);
    },
  };
}

/**
 * Runs `body` with the environment's delivery transports and closes them after: for a use case
 * that queues one message and hands it to dispatch (a promise's confirmation, a plan's agreement).
 *
 * @example await withTransportsFromEnvironment((dispatch) => recordPromise({ …, dispatch }))
 */
export async function withTransportsFromEnvironment<T>(
  body: (transports: DeliveryTransports) => Promise<T>,
): Promise<T> {
  const transports = transportsFromEnvironment();
  try {
    return await body(transports);
  } finally {
    await transports.close();
  }
}
