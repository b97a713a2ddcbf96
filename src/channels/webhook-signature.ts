import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries the signature of an outgoing webhook (DESIGN 5.7). */
export const SIGNATURE_HEADER = "Recoup-Signature";

/**
 * The `Recoup-Signature` value of a webhook body sent at `unixSeconds`:
 * `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` (DESIGN 5.7). Signing the timestamp with
 * the body lets the receiver refuse replays of an old request.
 *
 * @example signWebhook("s3cret", '{"id":1}', 1764748800) // "t=1764748800,v1=5c0e…"
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, unixSeconds, body)}`;
}

/**
 * Checks a `Recoup-Signature` header against the body, in constant time, and that its timestamp is
 * within `toleranceSeconds` of `nowSeconds` (default 5 minutes). For receivers (and Recoup's tests).
 *
 * @example verifyWebhookSignature({ secret, body, header: req.headers["recoup-signature"], nowSeconds })
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  header: string | null | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const parts = new Map(
    (input.header ?? "").split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (!t || !/^\d+$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(input.nowSeconds - Number(t)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmacHex(input.secret, Number(t), input.body), "hex");
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

function hmacHex(secret: string, unixSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
}
