/**
 * A minimal RFC 5322 / MIME reader for tests that receive email from a real SMTP peer
 * (smtp-server): no mail parser is installed, and nodemailer needs none.
 */
export interface MimePart {
  headers: Map<string, string>;
  body: string;
}

export function splitMessage(raw: string): MimePart {
  const separator = raw.indexOf("\r\n\r\n");
  const head = separator < 0 ? raw : raw.slice(0, separator);
  const body = separator < 0 ? "" : raw.slice(separator + 4);
  const headers = new Map<string, string>();
  for (const field of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = field.indexOf(":");
    if (colon > 0) headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
  }
  return { headers, body };
}

function bytesFromPercentHex(text: string, pattern: RegExp): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length;) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match && match.index === index) {
      bytes.push(parseInt(match[1]!, 16));
      index += match[0].length;
    } else {
      bytes.push(...Buffer.from(text[index]!, "utf8"));
      index += 1;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (B and Q), adjacent words joined. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : bytesFromPercentHex(text.replace(/_/g, " "), /=([0-9A-Fa-f]{2})/y).toString("utf8"),
    );
}

export function decodeQuotedPrintable(body: string): string {
  return bytesFromPercentHex(body.replace(/=\r\n/g, ""), /=([0-9A-Fa-f]{2})/y).toString("utf8");
}

export function decodePart(part: MimePart): Buffer {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64");
  if (encoding === "quoted-printable") return Buffer.from(decodeQuotedPrintable(part.body), "utf8");
  return Buffer.from(part.body, "utf8");
}

export function multipartParts(message: MimePart): MimePart[] {
  const boundary = /boundary="?([^";]+)"?/.exec(message.headers.get("content-type") ?? "")?.[1];
  if (!boundary) return [message];
  return message.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => splitMessage(chunk.replace(/^\r\n/, "").replace(/\r\n$/, "")));
}
