/**
 * Text messages through an SMS provider's webhook (issue 3): Recoup POSTs each message as JSON to a
 * URL the organisation configures (its provider, or a small relay in front of one), signed like
 * every outgoing webhook (DESIGN 5.7), with the message's stable id as `Idempotency-Key` so that a
 * resend after a crash can be recognised by the receiving side.
 *
 * The request:
 * ```
 * POST <RECOUP_SMS_WEBHOOK_URL>
 * Content-Type: application/json
 * Idempotency-Key: <action-42.org-1@recoup.invalid>
 * Recoup-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
 * {"id":"<action-42.org-1@recoup.invalid>","to":["+442079460321"],"text":"…","from":"Northwind"}
 * ```
 * A 2xx answer is delivery. 408, 425, 429, 5xx, a redirect, a timeout or a connection failure may
 * pass: they are retried. Any other 4xx means the provider will not take this message: permanent.
 */
import { signWebhook, SIGNATURE_HEADER } from "./webhook-signature.js";

export interface OutboundSms {
  /** Stable per message (the outbox's Message-ID), sent as the idempotency key. */
  id: string;
  /** E.164 numbers. */
  to: string[];
  text: string;
}

export interface SmsReceipt {
  /** The provider's answer: status and the start of its body, e.g. "202 {\"queued\":true}". */
  response: string;
}

/** A text message that could not be sent; `permanent` says whether a retry can help. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "SmsSendError";
  }
}

export interface SmsTransport {
  /** Names the transport without secrets, e.g. "sms-webhook:https://sms.example.com/send". */
  readonly name: string;
  send(sms: OutboundSms): Promise<SmsReceipt>;
  close(): Promise<void>;
}

export interface WebhookSmsOptions {
  url: string;
  /** The shared secret of the signature. */
  secret: string;
  /** Sender name or number the provider shows, if it lets the sender choose. */
  from?: string | null;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** The clock of the signature's timestamp (default the system clock). */
  now?: () => Date;
}

const URL_VARIABLE = "RECOUP_SMS_WEBHOOK_URL";
const SECRET_VARIABLE = "RECOUP_SMS_WEBHOOK_SECRET";
const FROM_VARIABLE = "RECOUP_SMS_FROM";

/**
 * Reads RECOUP_SMS_WEBHOOK_URL (http:// or https://), RECOUP_SMS_WEBHOOK_SECRET (required with it,
 * at least 16 characters) and RECOUP_SMS_FROM (optional). Null when the URL is unset: text
 * messages then stay in the outbox. Throws RangeError, never showing the secret, when malformed.
 *
 * @example smsConfigFromEnvironment({ RECOUP_SMS_WEBHOOK_URL: "https://sms.example.com/send", RECOUP_SMS_WEBHOOK_SECRET: "…" })
 */
export function smsConfigFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): { url: string; secret: string; from: string | null } | null {
  const url = env[URL_VARIABLE]?.trim() ?? "";
  if (url === "") return null;
  displayUrl(url);
  const secret = env[SECRET_VARIABLE] ?? "";
  if (secret.length < 16) {
    throw new RangeError(
      `${SECRET_VARIABLE} must be set to a secret of at least 16 characters with ${URL_VARIABLE}`,
    );
  }
  const from = env[FROM_VARIABLE]?.trim() ?? "";
  if (from.length > 20) throw new RangeError(`${FROM_VARIABLE} is longer than 20 characters`);
  return { url, secret, from: from === "" ? null : from };
}

/**
 * The webhook transport. Each `send` is one signed POST.
 *
 * @example const sms = createWebhookSmsTransport({ url, secret }); await sms.send({ id, to: ["+442079460321"], text })
 */
export function createWebhookSmsTransport(options: WebhookSmsOptions): SmsTransport {
  const name = `sms-webhook:${displayUrl(options.url)}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  let closed = false;
  return {
    name,
    async send(sms) {
      if (closed) throw new SmsSendError(`${name} is closed`, false);
      const body = JSON.stringify({ id: sms.id, to: sms.to, text: sms.text, from: options.from ?? null });
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/json",
            "idempotency-key": sms.id,
            [SIGNATURE_HEADER]: signWebhook(options.secret, body, Math.floor(now().getTime() / 1000)),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason =
          (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : cause(error);
        throw new SmsSendError(`${name}: ${reason}`, false);
      }
      const text = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
      const summary = `${response.status}${text ? ` ${text}` : ""}`;
      if (response.status >= 200 && response.status < 300) return { response: summary };
      const retryable =
        response.status >= 500 ||
        [408, 425, 429].includes(response.status) ||
        (response.status >= 300 && response.status < 400);
      throw new SmsSendError(`${name} answered ${summary}`, !retryable, response.status);
    },
    async close() {
      closed = true;
    },
  };
}

/** The URL as logs may show it: no user, password or query string (they may carry credentials). */
function displayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`${URL_VARIABLE} is not a URL; expected https://host/path`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RangeError(`${URL_VARIABLE} must start with https:// or http://, got "${url.protocol}//"`);
  }
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function cause(error: unknown): string {
  const inner = (error as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? (error as Error).message;
}
