import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerError } from "smtp-server";

export interface ReceivedEmail {
  to: string[];
  raw: string;
}

export interface SmtpPeer {
  url: string;
  received: ReceivedEmail[];
  /** While true, "busy@…" recipients are refused with 451 (try again later). */
  busy: boolean;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): SMTPServerError {
  const error: SMTPServerError = new Error(text);
  error.responseCode = code;
  return error;
}

/**
 * A real SMTP server on 127.0.0.1 for tests (the `smtp-server` package): it keeps every message
 * it accepts, refuses "gone@…" for good (550) and "busy@…" while `busy` is set (451).
 *
 * @example const peer = await startSmtpPeer(); … createSmtpTransport({ url: peer.url }) … await peer.close()
 */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const peer = { url: "", received: [] as ReceivedEmail[], busy: false, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("gone@")) return callback(smtpError(550, "5.1.1 No such user here"));
      if (address.address.startsWith("busy@") && peer.busy)
        return callback(smtpError(451, "4.3.0 Try again later"));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        peer.received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback(null, "Queued");
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  peer.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  peer.close = () => new Promise<void>((resolve) => server.close(resolve));
  return peer;
}
