import { createServer, type AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerError } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSmtpTransport,
  EmailSendError,
  smtpConfigFromEnvironment,
  type EmailTransport,
  type OutboundEmail,
} from "../../src/channels/email-transport.js";
import { decodeEncodedWords, decodePart, multipartParts, splitMessage } from "../support/mime-reader.js";

// --- the SMTP peer --------------------------------------------------------------------------------

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let server: SMTPServer;
let port = 0;

function smtpError(code: number, text: string): SMTPServerError {
  const error: SMTPServerError = new Error(text);
  error.responseCode = code;
  return error;
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("gone")) return callback(smtpError(550, "5.1.1 No such user here"));
      if (address.address.startsWith("busy")) return callback(smtpError(451, "4.3.0 Try again later"));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        if (raw.includes("X-Test-Reject-Data: yes")) return callback(smtpError(554, "5.7.1 Message refused"));
        received.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw,
        });
        callback(null, "Queued as TEST-1");
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const free = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

function email(overrides: Partial<OutboundEmail> = {}): OutboundEmail {
  return {
    messageId: "<action-42.org-1@recoup.invalid>",
    from: { name: "Northwind Supplies – Debitorenbuchhaltung", address: "ar@northwind.example" },
    replyTo: "collections@northwind.example",
    to: ["maria.keller@contoso.example"],
    subject: "Zahlungserinnerung: Rechnung INV-2026-0117 über 10.345,67 € – Größe ß",
    text: "Guten Tag Frau Keller,\n\nbitte überweisen Sie 10.345,67 € bis zum 30. April 2026.\n\nMit freundlichen Grüßen",
    headers: { "X-Recoup-Action": "42", "Auto-Submitted": "auto-generated" },
    ...overrides,
  };
}

async function withTransport<T>(url: string, run: (transport: EmailTransport) => Promise<T>): Promise<T> {
  const transport = createSmtpTransport({ url, connectionTimeoutMs: 5_000 });
  try {
    return await run(transport);
  } finally {
    await transport.close();
  }
}

async function sendError(url: string, message: OutboundEmail): Promise<EmailSendError> {
  return withTransport(url, async (transport) => {
    const error: unknown = await transport.send(message).then(
      () => new Error("expected the send to fail"),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(EmailSendError);
    return error as EmailSendError;
  });
}

describe("createSmtpTransport against a real SMTP server", () => {
  it("delivers headers, text and attachment as sent, with the deterministic Message-ID", async () => {
    received.length = 0;
    const pdf = Buffer.from("%PDF-1.3\n% not really a letter \u00e4\u00f6\u00fc\n%%EOF\n", "latin1");
    const receipt = await withTransport(`smtp://127.0.0.1:${port}`, (transport) =>
      transport.send(
        email({
          to: ["maria.keller@contoso.example", "ap@contoso.example"],
          attachments: [{ filename: "Kontoauszug-C-1042.pdf", content: pdf, contentType: "application/pdf" }],
        }),
      ),
    );
    expect(receipt.accepted).toEqual(["maria.keller@contoso.example", "ap@contoso.example"]);
    expect(receipt.rejected).toEqual([]);
    expect(receipt.response).toMatch(/^250 .*Queued as TEST-1/);

    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.from).toBe("ar@northwind.example");
    expect(delivery!.to).toEqual(["maria.keller@contoso.example", "ap@contoso.example"]);

    const message = splitMessage(delivery!.raw);
    expect(message.headers.get("message-id")).toBe("<action-42.org-1@recoup.invalid>");
    expect(decodeEncodedWords(message.headers.get("from")!)).toMatch(
      /^"?Northwind Supplies – Debitorenbuchhaltung"? <ar@northwind\.example>$/,
    );
    expect(message.headers.get("to")).toBe("maria.keller@contoso.example, ap@contoso.example");
    expect(message.headers.get("reply-to")).toBe("collections@northwind.example");
    expect(message.headers.get("x-recoup-action")).toBe("42");
    expect(message.headers.get("auto-submitted")).toBe("auto-generated");
    const rawSubject = message.headers.get("subject")!;
    expect(rawSubject).toMatch(/=\?UTF-8\?[BQ]\?/i); // non-ASCII travels as encoded words
    expect(decodeEncodedWords(rawSubject)).toBe(
      "Zahlungserinnerung: Rechnung INV-2026-0117 über 10.345,67 € – Größe ß",
    );

    const parts = multipartParts(message);
    expect(parts).toHaveLength(2);
    const [textPart, attachmentPart] = parts;
    expect(textPart!.headers.get("content-type")).toMatch(/^text\/plain; charset=utf-8/i);
    expect(decodePart(textPart!).toString("utf8").replace(/\r\n/g, "\n")).toBe(email().text);
    expect(attachmentPart!.headers.get("content-type")).toMatch(/^application\/pdf/);
    expect(attachmentPart!.headers.get("content-disposition")).toMatch(
      /^attachment; filename="?Kontoauszug-C-1042\.pdf"?$/,
    );
    expect(attachmentPart!.headers.get("content-transfer-encoding")).toBe("base64");
    expect(decodePart(attachmentPart!).equals(pdf)).toBe(true);
  });

  it("reuses pooled connections for several messages and reports a partly rejected envelope in the receipt", async () => {
    received.length = 0;
    await withTransport(`smtp://127.0.0.1:${port}`, async (transport) => {
      const receipts = await Promise.all(
        [1, 2, 3].map((n) =>
          transport.send(
            email({ messageId: `<action-${n}.org-1@recoup.invalid>`, to: [`ap${n}@contoso.example`] }),
          ),
        ),
      );
      expect(receipts.map((receipt) => receipt.accepted)).toEqual([
        ["ap1@contoso.example"],
        ["ap2@contoso.example"],
        ["ap3@contoso.example"],
      ]);
      const partial = await transport.send(email({ to: ["ap@contoso.example", "gone@contoso.example"] }));
      expect(partial.accepted).toEqual(["ap@contoso.example"]);
      expect(partial.rejected).toEqual(["gone@contoso.example"]);
    });
    expect(received.map((delivery) => splitMessage(delivery.raw).headers.get("message-id")).sort()).toEqual([
      "<action-1.org-1@recoup.invalid>",
      "<action-2.org-1@recoup.invalid>",
      "<action-3.org-1@recoup.invalid>",
      "<action-42.org-1@recoup.invalid>",
    ]);
  });

  it("fails permanently when the server rejects every recipient with 550", async () => {
    const error = await sendError(`smtp://127.0.0.1:${port}`, email({ to: ["gone@contoso.example"] }));
    expect(error.permanent).toBe(true);
    expect(error.responseCode).toBe(550);
    expect(error.message).toContain("550");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("fails permanently when the server refuses the message data with 554", async () => {
    const error = await sendError(
      `smtp://127.0.0.1:${port}`,
      email({ headers: { "X-Test-Reject-Data": "yes" } }),
    );
    expect(error.permanent).toBe(true);
    expect(error.responseCode).toBe(554);
  });

  it("fails retryably when the server defers the recipient with 451", async () => {
    const error = await sendError(`smtp://127.0.0.1:${port}`, email({ to: ["busy@contoso.example"] }));
    expect(error.permanent).toBe(false);
    expect(error.responseCode).toBe(451);
  });

  it("fails permanently, without connecting, on an invalid address", async () => {
    received.length = 0;
    const error = await sendError(`smtp://127.0.0.1:${port}`, email({ to: ["not an address"] }));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('"not an address"');
    expect(received).toHaveLength(0);
  });

  it("fails retryably when nothing listens on the port, and never shows the password", async () => {
    const free = await closedPort();
    const error = await sendError(`smtp://ar%40northwind:s3cr%23t@127.0.0.1:${free}`, email());
    expect(error.permanent).toBe(false);
    expect(error.responseCode).toBeNull();
    expect(error.message).toContain(`smtp://ar%40northwind:****@127.0.0.1:${free}`);
    expect(error.message).not.toMatch(/s3cr/);
  });

  it("refuses to send after close()", async () => {
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${port}` });
    expect(transport.name).toBe(`smtp://127.0.0.1:${port}`);
    await transport.close();
    const error = await transport.send(email()).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(EmailSendError);
    expect((error as EmailSendError).permanent).toBe(false);
  });

  it("rejects a Message-ID without angle brackets and extra headers that would replace or inject headers", async () => {
    await withTransport(`smtp://127.0.0.1:${port}`, async (transport) => {
      await expect(transport.send(email({ messageId: "action-42@recoup.invalid" }))).rejects.toThrow(
        RangeError,
      );
      await expect(
        transport.send(email({ headers: { "Message-ID": "<other@recoup.invalid>" } })),
      ).rejects.toThrow(/not allowed/);
      await expect(
        transport.send(email({ headers: { "X-Recoup-Action": "42\r\nBcc: x@evil.example" } })),
      ).rejects.toThrow(/single line/);
    });
  });
});

describe("smtpConfigFromEnvironment", () => {
  it("is null when RECOUP_SMTP_URL is unset or blank", () => {
    expect(smtpConfigFromEnvironment({})).toBeNull();
    expect(smtpConfigFromEnvironment({ RECOUP_SMTP_URL: "" })).toBeNull();
    expect(
      smtpConfigFromEnvironment({ RECOUP_SMTP_URL: "   ", RECOUP_SMTP_FROM: "x <a@b.example>" }),
    ).toBeNull();
  });

  it("reads the URL and a 'Name <address>' sender", () => {
    expect(
      smtpConfigFromEnvironment({
        RECOUP_SMTP_URL: " smtp://user:pass@mail.example.com:587 ",
        RECOUP_SMTP_FROM: "Northwind Accounts Receivable <ar@northwind.example>",
      }),
    ).toEqual({
      url: "smtp://user:pass@mail.example.com:587",
      from: { name: "Northwind Accounts Receivable", address: "ar@northwind.example" },
    });
    expect(
      smtpConfigFromEnvironment({
        RECOUP_SMTP_URL: "smtps://user:pass@mail.example.com",
        RECOUP_SMTP_FROM: '"Müller & Söhne, Buchhaltung" <buchhaltung@mueller.example>',
      })?.from,
    ).toEqual({ name: "Müller & Söhne, Buchhaltung", address: "buchhaltung@mueller.example" });
    expect(
      smtpConfigFromEnvironment({
        RECOUP_SMTP_URL: "smtps://mail.example.com:465",
        RECOUP_SMTP_FROM: "ar@northwind.example",
      }),
    ).toEqual({ url: "smtps://mail.example.com:465", from: { name: "", address: "ar@northwind.example" } });
    expect(
      smtpConfigFromEnvironment({
        RECOUP_SMTP_URL: "smtp://mail.example.com",
        RECOUP_SMTP_FROM: "Müller <ar@müller.example>",
      })?.from,
    ).toEqual({ name: "Müller", address: "ar@müller.example" });
    expect(smtpConfigFromEnvironment({ RECOUP_SMTP_URL: "smtp://localhost:2525?requireTLS=true" })).toEqual({
      url: "smtp://localhost:2525?requireTLS=true",
      from: null,
    });
  });

  it.each([
    ["not a url", /not a URL/],
    ["http://user:s3cret@mail.example.com", /must start with smtp:\/\/ or smtps:\/\//],
    ["smtp://", /no host/],
    ["smtp://mail.example.com:0", /invalid port/],
    ["smtp://mail.example.com:99999", /not a URL/],
    ["smtp://user:s3cret@mail.example.com/inbox", /must not have a path/],
    ["smtp://:s3cret@mail.example.com", /password but no user/],
    ["smtp://mail.example.com?pool=false", /unknown parameter "pool"/],
    ["smtp://mail.example.com?requireTLS=yes", /must be true or false/],
  ])("throws RangeError for RECOUP_SMTP_URL=%s without showing the password", (url, message) => {
    const read = (): unknown => smtpConfigFromEnvironment({ RECOUP_SMTP_URL: url });
    expect(read).toThrow(RangeError);
    expect(read).toThrow(message);
    expect(read).not.toThrow(/s3cret/);
  });

  it.each(["Northwind", "Northwind <>", "Northwind <ar at northwind>", "<a@b.example> trailing"])(
    "throws RangeError for RECOUP_SMTP_FROM=%s",
    (from) => {
      expect(() =>
        smtpConfigFromEnvironment({ RECOUP_SMTP_URL: "smtp://mail.example.com", RECOUP_SMTP_FROM: from }),
      ).toThrow(/RECOUP_SMTP_FROM must be/);
    },
  );
});
