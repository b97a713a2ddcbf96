import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookPeer {
  url: string;
  received: ReceivedWebhook[];
  /**
   * The status answered to each request, in turn; 202 once the list is used up. A negative status
   * answers nothing for that many milliseconds (a provider that hangs).
   */
  answers: number[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for an SMS provider (or any webhook receiver) in
 * tests: it keeps every request and answers with the statuses it is told to.
 *
 * @example const peer = await startWebhookPeer(); peer.answers.push(503); … await peer.close()
 */
export async function startWebhookPeer(): Promise<WebhookPeer> {
  const peer: WebhookPeer = { url: "", received: [], answers: [], close: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const status = peer.answers.shift() ?? 202;
      if (status < 0) {
        setTimeout(() => response.destroy(), -status);
        return;
      }
      peer.received.push({ headers: request.headers, body });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(status < 300 ? `{"queued":true}` : `{"error":"status ${status}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms?token=abc`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
