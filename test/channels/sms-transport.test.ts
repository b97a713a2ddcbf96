import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWebhookSmsTransport,
  smsConfigFromEnvironment,
  SmsSendError,
} from "../../src/channels/sms-transport.js";
import { signWebhook, verifyWebhookSignature } from "../../src/channels/webhook-signature.js";
import { startWebhookPeer, type WebhookPeer } from "../support/webhook-peer.js";

const SECRET = "0123456789abcdef-sms";
const NOW = new Date("2026-12-03T09:00:00Z");
const nowSeconds = NOW.getTime() / 1000;

let peer: WebhookPeer;
beforeAll(async () => {
  peer = await startWebhookPeer();
});
afterAll(async () => {
  await peer.close();
});
beforeEach(() => {
  peer.received.length = 0;
  peer.answers.length = 0;
});

const sms = { id: "<action-7.org-1@recoup.invalid>", to: ["+442079460321"], text: "Invoice I-1 is due." };

async function refusal(answer: number): Promise<SmsSendError> {
  peer.answers.push(answer);
  const transport = createWebhookSmsTransport({
    url: peer.url,
    secret: SECRET,
    now: () => NOW,
    timeoutMs: 300,
  });
  const error = await transport.send(sms).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SmsSendError);
  return error as SmsSendError;
}

describe("the SMS webhook transport", () => {
  it("posts the message as signed JSON with its id as the idempotency key", async () => {
    const transport = createWebhookSmsTransport({
      url: peer.url,
      secret: SECRET,
      from: "Northwind",
      now: () => NOW,
    });
    const receipt = await transport.send(sms);
    expect(receipt.response).toBe(`202 {"queued":true}`);
    const [request] = peer.received;
    expect(JSON.parse(request!.body)).toEqual({ ...sms, from: "Northwind" });
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["idempotency-key"]).toBe(sms.id);
    const header = request!.headers["recoup-signature"] as string;
    expect(header).toBe(signWebhook(SECRET, request!.body, nowSeconds));
    expect(verifyWebhookSignature({ secret: SECRET, body: request!.body, header, nowSeconds })).toBe(true);
  });

  it("names itself without the query string, which may carry a token", () => {
    const transport = createWebhookSmsTransport({ url: peer.url, secret: SECRET });
    expect(transport.name).toMatch(/^sms-webhook:http:\/\/127\.0\.0\.1:\d+\/sms$/);
  });

  it.each([400, 401, 403, 404, 410, 422])("takes %i as a permanent refusal", async (status) => {
    const error = await refusal(status);
    expect(error.permanent).toBe(true);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`answered ${status}`);
  });

  it.each([408, 425, 429, 500, 502, 503, 301])("retries after %i", async (status) => {
    const error = await refusal(status);
    expect(error.permanent).toBe(false);
  });

  it("retries when the provider does not answer in time", async () => {
    const error = await refusal(-2000);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain("no answer within 300 ms");
  });

  it("retries when nothing listens", async () => {
    const closed = await startWebhookPeer();
    await closed.close();
    const transport = createWebhookSmsTransport({ url: closed.url, secret: SECRET });
    const error = (await transport.send(sms).catch((e: unknown) => e)) as SmsSendError;
    expect(error).toBeInstanceOf(SmsSendError);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain("ECONNREFUSED");
  });
});

describe("webhook signatures", () => {
  const body = '{"id":1}';
  const header = signWebhook(SECRET, body, nowSeconds);

  it("refuses another body, another secret, a stale timestamp and a malformed header", () => {
    expect(verifyWebhookSignature({ secret: SECRET, body: '{"id":2}', header, nowSeconds })).toBe(false);
    expect(verifyWebhookSignature({ secret: "another-secret-value", body, header, nowSeconds })).toBe(false);
    expect(verifyWebhookSignature({ secret: SECRET, body, header, nowSeconds: nowSeconds + 301 })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ secret: SECRET, body, header, nowSeconds: nowSeconds + 300 })).toBe(true);
    for (const bad of [null, "", "t=abc,v1=00", `v1=${header.split("v1=")[1]}`, header.replace(/.$/, "")]) {
      expect(verifyWebhookSignature({ secret: SECRET, body, header: bad, nowSeconds })).toBe(false);
    }
  });
});

describe("smsConfigFromEnvironment", () => {
  it("is off without a URL", () => {
    expect(smsConfigFromEnvironment({})).toBeNull();
    expect(smsConfigFromEnvironment({ RECOUP_SMS_WEBHOOK_URL: "  " })).toBeNull();
  });

  it("reads the URL, the secret and the sender", () => {
    expect(
      smsConfigFromEnvironment({
        RECOUP_SMS_WEBHOOK_URL: "https://sms.example.com/send",
        RECOUP_SMS_WEBHOOK_SECRET: SECRET,
        RECOUP_SMS_FROM: "Northwind",
      }),
    ).toEqual({ url: "https://sms.example.com/send", secret: SECRET, from: "Northwind" });
  });

  it.each([
    [{ RECOUP_SMS_WEBHOOK_URL: "https://sms.example.com/send" }, /RECOUP_SMS_WEBHOOK_SECRET must be set/],
    [
      { RECOUP_SMS_WEBHOOK_URL: "https://sms.example.com/send", RECOUP_SMS_WEBHOOK_SECRET: "short" },
      /at least 16/,
    ],
    [
      { RECOUP_SMS_WEBHOOK_URL: "ftp://sms.example.com", RECOUP_SMS_WEBHOOK_SECRET: SECRET },
      /https:\/\/ or http:\/\//,
    ],
    [{ RECOUP_SMS_WEBHOOK_URL: "not a url", RECOUP_SMS_WEBHOOK_SECRET: SECRET }, /is not a URL/],
    [
      {
        RECOUP_SMS_WEBHOOK_URL: "https://s.example",
        RECOUP_SMS_WEBHOOK_SECRET: SECRET,
        RECOUP_SMS_FROM: "x".repeat(21),
      },
      /longer than 20/,
    ],
  ])("refuses %j", (env, message) => {
    expect(() => smsConfigFromEnvironment(env)).toThrow(message);
  });

  it("never shows the secret in its errors", () => {
    try {
      smsConfigFromEnvironment({ RECOUP_SMS_WEBHOOK_URL: "ftp://x", RECOUP_SMS_WEBHOOK_SECRET: SECRET });
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});
