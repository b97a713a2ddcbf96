/**
 * Sending email over SMTP with nodemailer: one pooled transport per configured server, every
 * failure classified as permanent (the same message would be refused again: 5xx replies, all
 * recipients refused for good, an invalid address) or retryable (4xx replies, the connection
 * refused, reset or timed out, the server closing the connection).
 *
 * Credentials never leave this module: error messages and the transport's `name` show the
 * server as `smtp://user:****@host:port`, and any text from nodemailer is scrubbed of the
 * password before it is wrapped.
 */
import nodemailer from "nodemailer";

export interface OutboundEmail {
  /** Deterministic Message-ID, e.g. "<action-42.org-1@recoup.invalid>": the same action always gets the same id, so a resend after a crash can be recognised by the receiving side. */
  messageId: string;
  from: { name: string; address: string };
  replyTo?: string;
  to: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
  /** Extra headers, e.g. { "X-Recoup-Action": "42" } */
  headers?: Record<string, string>;
}

/** What the server said: the recipients it took and refused, and its final reply (e.g. "250 OK: queued as …"). */
export interface SendReceipt {
  accepted: string[];
  rejected: string[];
  response: string;
}

/**
 * A message that could not be sent. `permanent` is true when sending the same message again would
 * fail the same way (5xx reply, every recipient refused with 5xx, an invalid address, a message
 * the server will not take); false when a later attempt may succeed (4xx reply, connection
 * refused / reset / timed out, authentication or TLS trouble that a configuration fix resolves).
 * `responseCode` is the SMTP reply code when the server gave one.
 */
export class EmailSendError extends Error {
  readonly responseCode: number | null;

  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown; responseCode?: number | null },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EmailSendError";
    this.responseCode = options?.responseCode ?? null;
  }
}

export interface EmailTransport {
  /** Names the transport for logs and delivery records, without secrets, e.g. "smtp://ar@mail.example.com:587". */
  readonly name: string;
  /** Sends one message. Resolves with the receipt (possibly with some `rejected` recipients); rejects with EmailSendError. */
  send(email: OutboundEmail): Promise<SendReceipt>;
  /** Waits for the messages in flight, then closes the pooled connections. Later sends reject. */
  close(): Promise<void>;
}

const URL_VARIABLE = "RECOUP_SMTP_URL";
const FROM_VARIABLE = "RECOUP_SMTP_FROM";
/** Query parameters a connection URL may carry, with the nodemailer option each sets. */
const BOOLEAN_PARAMETERS = ["requireTLS", "ignoreTLS", "tls.rejectUnauthorized"] as const;
type BooleanParameter = (typeof BOOLEAN_PARAMETERS)[number];

interface ParsedSmtpUrl {
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  pass: string | null;
  flags: Partial<Record<BooleanParameter, boolean>>;
  /** The URL with the password replaced by "****". */
  display: string;
}

/** The URL with any password replaced by "****"; text that is not a URL is not shown at all. */
function maskedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== "") url.password = "****";
    return url.toString();
  } catch {
    return "(not a URL)";
  }
}

function parseSmtpUrl(text: string): ParsedSmtpUrl {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RangeError(
      `${URL_VARIABLE} is not a URL; expected smtp://user:password@host:587 or smtps://user:password@host:465`,
    );
  }
  const display = maskedUrl(text.trim());
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new RangeError(
      `${URL_VARIABLE} must start with smtp:// or smtps://, got "${url.protocol}//" in ${display}`,
    );
  }
  const secure = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new RangeError(`${URL_VARIABLE} has no host: ${display}`);
  if (url.pathname !== "" && url.pathname !== "/") {
    throw new RangeError(`${URL_VARIABLE} must not have a path ("${url.pathname}"): ${display}`);
  }
  // WHATWG URL leaves the port empty for a special scheme's default only; smtp has none, so "" means unset.
  const port = url.port === "" ? (secure ? 465 : 587) : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`${URL_VARIABLE} has an invalid port: ${display}`);
  }
  let user: string | null = null;
  let pass: string | null = null;
  try {
    user = url.username === "" ? null : decodeURIComponent(url.username);
    pass = url.password === "" ? null : decodeURIComponent(url.password);
  } catch {
    throw new RangeError(`${URL_VARIABLE} has a badly percent-encoded user or password: ${display}`);
  }
  if (pass !== null && user === null) {
    throw new RangeError(`${URL_VARIABLE} has a password but no user: ${display}`);
  }
  const flags: Partial<Record<BooleanParameter, boolean>> = {};
  for (const [key, value] of url.searchParams) {
    if (!(BOOLEAN_PARAMETERS as readonly string[]).includes(key)) {
      throw new RangeError(
        `${URL_VARIABLE} has an unknown parameter "${key}"; allowed: ${BOOLEAN_PARAMETERS.join(", ")}`,
      );
    }
    if (value !== "true" && value !== "false") {
      throw new RangeError(`${URL_VARIABLE} parameter "${key}" must be true or false, got "${value}"`);
    }
    flags[key as BooleanParameter] = value === "true";
  }
  return { secure, host, port, user, pass, flags, display };
}

/** "Name <address>" or a bare address. Throws RangeError naming `variable` when malformed. */
function parseMailbox(text: string, variable: string): { name: string; address: string } {
  const trimmed = text.trim();
  const match = /^(?:"?([^"<>]*?)"?\s*)?<([^<>\s]+)>$/.exec(trimmed);
  const name = match ? (match[1] ?? "").trim() : "";
  const address = match ? match[2]! : trimmed;
  if (!isEmailAddress(address)) {
    throw new RangeError(`${variable} must be "Name <address@example.com>" or an address, got "${text}"`);
  }
  return { name, address };
}

/**
 * A deliberately plain check: local@domain, no blanks, angle brackets or separators; the domain is
 * dot-separated labels of letters (any script, for IDN), digits and inner hyphens.
 */
function isEmailAddress(address: string): boolean {
  return /^[^\s@<>(),;:"\\]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)*[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u.test(
    address,
  );
}

/**
 * Reads the SMTP settings: RECOUP_SMTP_URL (smtp://user:pass@host:587 for STARTTLS when offered,
 * smtps://user:pass@host:465 for TLS from the start; user and password percent-encoded; optional
 * `?requireTLS=true`, `?ignoreTLS=true`, `?tls.rejectUnauthorized=false`) and RECOUP_SMTP_FROM
 * ("Name <address>", null when unset). Returns null when RECOUP_SMTP_URL is unset or blank, so email is
 * simply off. Throws RangeError with a message that never shows the password when either is malformed.
 * @example smtpConfigFromEnvironment({ RECOUP_SMTP_URL: "smtps://ar:s3cret@mail.example.com", RECOUP_SMTP_FROM: "Northwind AR <ar@northwind.example>" })
 *   // { url: "smtps://ar:s3cret@mail.example.com", from: { name: "Northwind AR", address: "ar@northwind.example" } }
 */
export function smtpConfigFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): { url: string; from: { name: string; address: string } | null } | null {
  const url = env[URL_VARIABLE]?.trim() ?? "";
  if (url === "") return null;
  parseSmtpUrl(url);
  const fromText = env[FROM_VARIABLE]?.trim() ?? "";
  return { url, from: fromText === "" ? null : parseMailbox(fromText, FROM_VARIABLE) };
}

/** Error codes that mean the message itself is unacceptable: do not retry. */
const PERMANENT_CODES = new Set(["EENVELOPE", "EMESSAGE", "EMAXRECIPIENTS"]);

interface NodemailerFailure {
  code?: unknown;
  responseCode?: unknown;
}

function classify(error: unknown): { permanent: boolean; responseCode: number | null; code: string | null } {
  const failure = (typeof error === "object" && error !== null ? error : {}) as NodemailerFailure;
  const code = typeof failure.code === "string" ? failure.code : null;
  const responseCode = typeof failure.responseCode === "number" ? failure.responseCode : null;
  // Authentication and TLS failures are about the configuration, not this message: whatever the
  // reply code, the message should go out once the settings are fixed.
  if (code === "EAUTH" || code === "ENOAUTH" || code === "ETLS" || code === "EREQUIRETLS") {
    return { permanent: false, responseCode, code };
  }
  if (responseCode !== null) {
    // RFC 5321: 5yz is a permanent negative reply, 4yz transient. 503 (bad sequence) is a
    // session problem, not a verdict on the message.
    return {
      permanent: responseCode >= 500 && responseCode < 600 && responseCode !== 503,
      responseCode,
      code,
    };
  }
  if (code !== null && PERMANENT_CODES.has(code)) return { permanent: true, responseCode, code };
  // Everything else is retryable: connection refused, reset or timed out (ESOCKET, ECONNECTION,
  // ETIMEDOUT, EDNS, EPROXY), and any unexpected exception, since a later attempt is cheap and a
  // message wrongly marked as undeliverable is not.
  return { permanent: false, responseCode, code };
}

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join("****");
  }
  return result;
}

/** Headers the message's own fields produce; an extra header must not replace them. */
const RESERVED_HEADERS = new Set([
  "from",
  "sender",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "message-id",
  "date",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "content-disposition",
]);

function validateEmail(email: OutboundEmail): void {
  if (!/^<[^<>\s@]+@[^<>\s@]+>$/.test(email.messageId)) {
    throw new RangeError(`messageId must look like "<id@domain>", got "${email.messageId}"`);
  }
  if (email.to.length === 0) throw new EmailSendError("the message has no recipients", true);
  const invalid = [email.from.address, ...email.to, ...(email.replyTo ? [email.replyTo] : [])].filter(
    (address) => !isEmailAddress(address),
  );
  if (invalid.length > 0) {
    throw new EmailSendError(
      `invalid email address: ${invalid.map((a) => JSON.stringify(a)).join(", ")}`,
      true,
    );
  }
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new RangeError(
        `extra header "${name}" is not allowed: use letters, digits and "-", and not a header the message fields set`,
      );
    }
    if (/[\r\n]/.test(value)) throw new RangeError(`extra header "${name}" must be a single line`);
  }
}

function addressText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && "address" in value) {
    return String((value as { address: unknown }).address);
  }
  return String(value);
}

/**
 * A pooled SMTP transport for `config.url` (see smtpConfigFromEnvironment for the form). Connections
 * are opened on the first send and reused (at most 3 at a time) until `close()`. Nothing is logged.
 * @example
 * const transport = createSmtpTransport({ url: config.url });
 * try {
 *   const receipt = await transport.send({ messageId: "<action-42.org-1@recoup.invalid>", from, to: ["ap@contoso.example"], subject, text });
 * } catch (error) {
 *   if (error instanceof EmailSendError && !error.permanent) scheduleRetry(); else markFailed();
 * } finally {
 *   await transport.close();
 * }
 */
export function createSmtpTransport(config: { url: string; connectionTimeoutMs?: number }): EmailTransport {
  const parsed = parseSmtpUrl(config.url);
  const timeout = config.connectionTimeoutMs ?? 30_000;
  const secrets = parsed.pass === null ? [] : [parsed.pass, encodeURIComponent(parsed.pass)];
  const mailer = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    maxMessages: 100,
    host: parsed.host,
    port: parsed.port,
    secure: parsed.secure,
    ...(parsed.user === null ? {} : { auth: { user: parsed.user, pass: parsed.pass ?? "" } }),
    ...(parsed.flags.requireTLS === undefined ? {} : { requireTLS: parsed.flags.requireTLS }),
    ...(parsed.flags.ignoreTLS === undefined ? {} : { ignoreTLS: parsed.flags.ignoreTLS }),
    ...(parsed.flags["tls.rejectUnauthorized"] === undefined
      ? {}
      : { tls: { rejectUnauthorized: parsed.flags["tls.rejectUnauthorized"] } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: Math.max(timeout, 60_000),
    logger: false,
    debug: false,
    // Message content is always given inline: never let a value be read from a path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // Per-message failures reach sendMail's promise; the transport-level "error" event (not emitted
  // by the SMTP pool in normal use) must not crash the process for want of a listener.
  mailer.on("error", () => undefined);
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  async function deliver(email: OutboundEmail): Promise<SendReceipt> {
    validateEmail(email);
    let info: { accepted: unknown[]; rejected: unknown[]; response: string };
    try {
      info = await mailer.sendMail({
        messageId: email.messageId,
        from: { name: email.from.name, address: email.from.address },
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        to: email.to,
        subject: email.subject,
        text: email.text,
        attachments: (email.attachments ?? []).map((attachment) => ({
          filename: attachment.filename,
          content: attachment.content,
          contentType: attachment.contentType,
        })),
        headers: { ...email.headers },
      });
    } catch (error) {
      const { permanent, responseCode, code } = classify(error);
      const reason = scrub(error instanceof Error ? error.message : String(error), secrets);
      throw new EmailSendError(
        `sending ${email.messageId} through ${parsed.display} failed${code ? ` (${code})` : ""}: ${reason}`,
        permanent,
        { cause: error, responseCode },
      );
    }
    return {
      accepted: info.accepted.map(addressText),
      rejected: info.rejected.map(addressText),
      response: scrub(String(info.response), secrets),
    };
  }

  return {
    name: parsed.display,
    send(email) {
      if (closed) {
        return Promise.reject(new EmailSendError(`the transport ${parsed.display} is closed`, false));
      }
      const promise = deliver(email);
      inFlight.add(promise);
      const forget = (): void => {
        inFlight.delete(promise);
      };
      promise.then(forget, forget);
      return promise;
    },
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
      mailer.close();
    },
  };
}
