/**
 * Letters and statements as PDF (A4, pdfkit, the built-in Helvetica): sender block top right, the
 * recipient in the window of a DIN 5008 envelope (address field 20 mm from the left, 45 mm from the
 * top), date and customer reference, bold subject, the body, an optional table of open invoices
 * whose header repeats on every page, and "page/pages" in each footer.
 *
 * Output is byte-for-byte deterministic: pdfkit's only varying fields are the info dictionary's
 * CreationDate (set here, with ModDate, to midnight UTC of the letter date) and the trailer /ID,
 * which pdfkit derives as an MD5 of the info dictionary (not random unless encryption is used,
 * which it is not here). Producer and Creator are fixed to "Recoup".
 *
 * The standard fonts are WinAnsi-encoded: German umlauts, ß, French accents, "€", "–", "…", "‘’“”"
 * are drawn; anything else is replaced before drawing (no-break and narrow no-break spaces from
 * Intl by a space, Unicode hyphens and minus by "-", other characters by "?").
 */
import PDFDocument from "pdfkit";
import { isCalendarDate } from "../domain/calendar-date.js";
import { FORMAT_LOCALES, formatLongDate, formatMoneyFor } from "./template-filters.js";

export interface LetterInput {
  language: "en" | "de" | "fr";
  sender: { name: string; email: string | null; phone: string | null };
  /** Name and postal address; addressLines may be empty (then only the name is printed). */
  recipient: { name: string; addressLines: string[] };
  /** YYYY-MM-DD business date, printed with formatLongDate. */
  date: string;
  /** e.g. the customer ref. */
  reference: string;
  subject: string;
  /** Plain text from a rendered template: paragraphs separated by blank lines; lines starting "- " are list items. */
  body: string;
  /** Printed as a table after the body when given (statement, final notice). */
  invoices?: {
    ref: string;
    issueDate: string;
    dueDate: string;
    daysPastDue: number;
    open: { amount: number; currency: string };
  }[];
  /** Printed as total rows under the invoice table (or on their own when there is no table). */
  totals?: { amount: number; currency: string }[];
  /**
   * A document to sign (a payment plan agreement): one signature block per party named here, after
   * everything else, each with a line for the signature and the signatory's name and date.
   */
  signatures?: string[];
}

export interface LetterPdfOptions {
  /** Deflate the page contents (default true). Tests pass false to read the text streams. */
  compress?: boolean;
}

type Language = LetterInput["language"];

const MM = 72 / 25.4;
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_LEFT = 25 * MM;
const MARGIN_RIGHT = 20 * MM;
const MARGIN_TOP = 20 * MM;
const MARGIN_BOTTOM = 25 * MM;
const CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/** DIN 5008 form B address field: 20 mm from the left, 45 mm from the top, 85 × 45 mm. */
const WINDOW = { x: 20 * MM, y: 45 * MM, width: 85 * MM, height: 45 * MM, inset: 5 * MM };
const FOOTER_Y = PAGE_HEIGHT - 14 * MM;

const REGULAR = "Helvetica";
const BOLD = "Helvetica-Bold";
const BODY_SIZE = 10;
const BODY_GAP = 2;
const TABLE_SIZE = 9;
const ROW_HEIGHT = 14;

const LABELS: Record<
  Language,
  {
    reference: string;
    openItems: string;
    invoice: string;
    issued: string;
    due: string;
    daysPastDue: string;
    open: string;
    total: string;
    signedFor: string;
    signatureLine: string;
  }
> = {
  en: {
    reference: "Customer reference:",
    openItems: "Open items",
    invoice: "Invoice",
    issued: "Issue date",
    due: "Due date",
    daysPastDue: "Days past due",
    open: "Open amount",
    total: "Total open",
    signedFor: "Signed for",
    signatureLine: "Name, date and signature",
  },
  de: {
    reference: "Kundennummer:",
    openItems: "Offene Posten",
    invoice: "Rechnung",
    issued: "Rechnungsdatum",
    due: "Fällig am",
    daysPastDue: "Tage überfällig",
    open: "Offener Betrag",
    total: "Summe offen",
    signedFor: "Für",
    signatureLine: "Name, Datum und Unterschrift",
  },
  fr: {
    reference: "Référence client :",
    openItems: "Factures ouvertes",
    invoice: "Facture",
    issued: "Date de facture",
    due: "Échéance",
    daysPastDue: "Jours de retard",
    open: "Montant dû",
    total: "Total dû",
    signedFor: "Pour",
    signatureLine: "Nom, date et signature",
  },
};

/** Unicode code points outside Latin-1 that WinAnsiEncoding (and so pdfkit's standard fonts) has. */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018,
  0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac,
  0x2122,
]);

/**
 * Makes text drawable with a WinAnsi standard font: NFC, every kind of space (NBSP and U+202F from
 * Intl included) to " ", Unicode hyphens and minus to "-", invisible characters removed, anything
 * else outside WinAnsi to "?".
 * @example winAnsiText("1\u202f234,56\u00a0€") // "1 234,56 €"
 */
export function winAnsiText(text: string): string {
  let result = "";
  for (const char of text.normalize("NFC")) {
    const code = char.codePointAt(0)!;
    if (code === 0x0a) {
      result += "\n";
    } else if (code === 0x09 || code === 0xa0 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f) {
      result += " ";
    } else if (code === 0x2010 || code === 0x2011 || code === 0x2212) {
      result += "-";
    } else if (code === 0xad || (code >= 0x200b && code <= 0x200f) || code === 0x2060 || code === 0xfeff) {
      continue;
    } else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code)) {
      result += char;
    } else {
      result += "?";
    }
  }
  return result;
}

/** A business date as digits: 15/04/2026 (en, fr), 15.04.2026 (de). */
function formatShortDate(date: string, language: Language): string {
  if (!isCalendarDate(date)) throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD`);
  return new Intl.DateTimeFormat(FORMAT_LOCALES[language], {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    timeZone: "UTC",
  }).format(utcMidnight(date));
}

function utcMidnight(date: string): Date {
  const instant = new Date(0);
  instant.setUTCFullYear(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  return instant;
}

type Doc = PDFKit.PDFDocument;

/** The text cut with "…" so that it fits `width` in the current font. */
function fitted(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** One line at (x, y) that never wraps, never starts a page and leaves the text cursor where it was. */
function line(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  align: "left" | "right" | "center" = "left",
): void {
  const { x: savedX, y: savedY } = doc;
  // A height far beyond the page keeps pdfkit's line wrapper from ever starting a new page here.
  doc.text(fitted(doc, winAnsiText(text).replace(/\n/g, " "), width), x, y, {
    width,
    align,
    lineBreak: false,
    height: PAGE_HEIGHT,
  });
  doc.x = savedX;
  doc.y = savedY;
}

function drawHeader(doc: Doc, input: LetterInput): void {
  const labels = LABELS[input.language];
  // Sender block, top right.
  const senderX = 110 * MM;
  const senderWidth = PAGE_WIDTH - MARGIN_RIGHT - senderX;
  let y = MARGIN_TOP;
  doc.font(BOLD).fontSize(11);
  line(doc, input.sender.name, senderX, y, senderWidth, "right");
  y += 15;
  doc.font(REGULAR).fontSize(9);
  for (const detail of [input.sender.email, input.sender.phone]) {
    if (detail === null || detail.trim() === "") continue;
    line(doc, detail, senderX, y, senderWidth, "right");
    y += 12;
  }

  // Window: a small return line, then the recipient in the address zone (17.7 mm below the top).
  const innerX = WINDOW.x + WINDOW.inset;
  const innerWidth = WINDOW.width - 2 * WINDOW.inset;
  doc.font(REGULAR).fontSize(7);
  line(doc, input.sender.name, innerX, WINDOW.y + 8 * MM, innerWidth);
  doc.fontSize(10);
  let recipientY = WINDOW.y + 17.7 * MM;
  doc.font(BOLD);
  line(doc, input.recipient.name, innerX, recipientY, innerWidth);
  doc.font(REGULAR);
  for (const addressLine of input.recipient.addressLines) {
    recipientY += 12;
    if (recipientY > WINDOW.y + WINDOW.height - 10) break; // the window holds no more
    line(doc, addressLine, innerX, recipientY, innerWidth);
  }

  // Reference left, date right, under the window.
  const infoY = WINDOW.y + WINDOW.height + 8 * MM;
  doc.font(REGULAR).fontSize(BODY_SIZE);
  line(doc, `${labels.reference} ${input.reference}`, MARGIN_LEFT, infoY, CONTENT_WIDTH * 0.6);
  line(
    doc,
    formatLongDate(input.date, input.language),
    MARGIN_LEFT + CONTENT_WIDTH * 0.6,
    infoY,
    CONTENT_WIDTH * 0.4,
    "right",
  );

  // Subject, bold; it may wrap.
  doc.font(BOLD).fontSize(11);
  doc.text(winAnsiText(input.subject), MARGIN_LEFT, infoY + 12 * MM, { width: CONTENT_WIDTH, lineGap: 1 });
  doc.y += 5 * MM;
}

/** Starts a new page when fewer than `needed` points are left above the bottom margin. */
function ensureRoom(doc: Doc, needed: number): void {
  if (doc.y + needed > PAGE_HEIGHT - MARGIN_BOTTOM) {
    doc.addPage();
    doc.y = MARGIN_TOP;
  }
}

function drawBody(doc: Doc, body: string): void {
  doc.font(REGULAR).fontSize(BODY_SIZE);
  const lineHeight = doc.currentLineHeight(true) + BODY_GAP;
  const paragraphs = body
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\s+$/g, ""))
    .filter((paragraph) => paragraph.trim() !== "");
  const bulletIndent = 12;
  for (const paragraph of paragraphs) {
    // Plain lines are kept together (line breaks preserved); each "- " line is a list item.
    let plain: string[] = [];
    const flushPlain = (): void => {
      if (plain.length === 0) return;
      ensureRoom(doc, lineHeight);
      doc.text(winAnsiText(plain.join("\n")), MARGIN_LEFT, doc.y, {
        width: CONTENT_WIDTH,
        lineGap: BODY_GAP,
      });
      plain = [];
    };
    for (const text of paragraph.split("\n")) {
      const item = /^\s*- (.*)$/.exec(text);
      if (!item) {
        plain.push(text.trimEnd());
        continue;
      }
      flushPlain();
      ensureRoom(doc, lineHeight);
      const y = doc.y;
      doc.text("•", MARGIN_LEFT, y, { width: bulletIndent, lineBreak: false });
      doc.text(winAnsiText(item[1]!), MARGIN_LEFT + bulletIndent, y, {
        width: CONTENT_WIDTH - bulletIndent,
        lineGap: BODY_GAP,
      });
    }
    flushPlain();
    doc.y += BODY_SIZE * 0.8;
  }
}

interface Column {
  label: string;
  width: number;
  align: "left" | "right";
}

function drawTable(doc: Doc, input: LetterInput): void {
  const labels = LABELS[input.language];
  const invoices = input.invoices ?? [];
  const totals = input.totals ?? [];
  if (invoices.length === 0 && totals.length === 0) return;
  const columns: Column[] = [
    { label: labels.invoice, width: CONTENT_WIDTH * 0.26, align: "left" },
    { label: labels.issued, width: CONTENT_WIDTH * 0.18, align: "left" },
    { label: labels.due, width: CONTENT_WIDTH * 0.18, align: "left" },
    { label: labels.daysPastDue, width: CONTENT_WIDTH * 0.16, align: "right" },
    { label: labels.open, width: CONTENT_WIDTH * 0.22, align: "right" },
  ];
  const padding = 4;

  const row = (cells: readonly string[], font: string, y: number): void => {
    doc.font(font).fontSize(TABLE_SIZE);
    let x = MARGIN_LEFT;
    columns.forEach((column, index) => {
      const text = cells[index] ?? "";
      if (text !== "") line(doc, text, x + padding, y, column.width - 2 * padding, column.align);
      x += column.width;
    });
  };
  const rule = (y: number, width = 0.5): void => {
    doc
      .lineWidth(width)
      .moveTo(MARGIN_LEFT, y)
      .lineTo(MARGIN_LEFT + CONTENT_WIDTH, y)
      .stroke();
  };
  const header = (): void => {
    const y = doc.y;
    row(
      columns.map((column) => column.label),
      BOLD,
      y + 3,
    );
    rule(y + ROW_HEIGHT + 1, 0.8);
    doc.y = y + ROW_HEIGHT + 4;
  };
  const bottom = PAGE_HEIGHT - MARGIN_BOTTOM;

  // The heading, the table header and at least one row stay together.
  ensureRoom(doc, 16 + 2 * ROW_HEIGHT + 8);
  doc.font(BOLD).fontSize(11);
  line(doc, labels.openItems, MARGIN_LEFT, doc.y, CONTENT_WIDTH);
  doc.y += 16;
  if (invoices.length > 0) header();

  for (const invoice of invoices) {
    if (doc.y + ROW_HEIGHT > bottom) {
      doc.addPage();
      doc.y = MARGIN_TOP;
      header();
    }
    row(
      [
        invoice.ref,
        formatShortDate(invoice.issueDate, input.language),
        formatShortDate(invoice.dueDate, input.language),
        invoice.daysPastDue > 0 ? String(invoice.daysPastDue) : "–",
        formatMoneyFor(invoice.open, input.language),
      ],
      REGULAR,
      doc.y,
    );
    doc.y += ROW_HEIGHT;
  }

  if (totals.length > 0) {
    if (doc.y + 4 + totals.length * ROW_HEIGHT > bottom) {
      doc.addPage();
      doc.y = MARGIN_TOP;
      if (invoices.length > 0) header();
    }
    rule(doc.y, 0.8);
    doc.y += 4;
    for (const total of totals) {
      const label = totals.length > 1 ? `${labels.total} (${total.currency})` : labels.total;
      doc.font(BOLD).fontSize(TABLE_SIZE);
      const labelWidth = CONTENT_WIDTH - (columns.at(-1)?.width ?? 0);
      line(doc, label, MARGIN_LEFT + padding, doc.y, labelWidth - 2 * padding);
      line(
        doc,
        formatMoneyFor(total, input.language),
        MARGIN_LEFT + labelWidth + padding,
        doc.y,
        (columns.at(-1)?.width ?? 0) - 2 * padding,
        "right",
      );
      doc.y += ROW_HEIGHT;
    }
  }
}

/** One block per party: "Signed for <party>", room to sign, a rule, and what goes on it. */
function drawSignatures(doc: Doc, input: LetterInput): void {
  const parties = input.signatures ?? [];
  if (parties.length === 0) return;
  const labels = LABELS[input.language];
  const blockHeight = 14 + 34 + 14;
  doc.y += 4 * MM;
  for (const party of parties) {
    ensureRoom(doc, blockHeight);
    const y = doc.y;
    doc.font(BOLD).fontSize(BODY_SIZE);
    line(doc, `${labels.signedFor} ${party}`, MARGIN_LEFT, y, CONTENT_WIDTH);
    const ruleY = y + 14 + 30;
    doc
      .lineWidth(0.6)
      .moveTo(MARGIN_LEFT, ruleY)
      .lineTo(MARGIN_LEFT + CONTENT_WIDTH * 0.6, ruleY)
      .stroke();
    doc.font(REGULAR).fontSize(8);
    line(doc, labels.signatureLine, MARGIN_LEFT, ruleY + 3, CONTENT_WIDTH * 0.6);
    doc.y = y + blockHeight + 4 * MM;
  }
}

function drawFooters(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Below the bottom margin, yet no new page: line() never lets pdfkit's wrapper break pages.
    doc.font(REGULAR).fontSize(8);
    line(doc, `${index + 1}/${range.count}`, MARGIN_LEFT, FOOTER_Y, CONTENT_WIDTH, "center");
  }
}

function validate(input: LetterInput): void {
  if (!isCalendarDate(input.date)) throw new RangeError(`letter date "${input.date}" is not YYYY-MM-DD`);
  for (const invoice of input.invoices ?? []) {
    for (const date of [invoice.issueDate, invoice.dueDate]) {
      if (!isCalendarDate(date)) {
        throw new RangeError(`invoice ${invoice.ref}: "${date}" is not a date in the form YYYY-MM-DD`);
      }
    }
    if (!Number.isSafeInteger(invoice.daysPastDue)) {
      throw new RangeError(`invoice ${invoice.ref}: daysPastDue must be an integer`);
    }
  }
}

/**
 * Renders a letter (or statement) as an A4 PDF. The same input always gives the same bytes.
 * Throws RangeError for a malformed date or money value.
 * @example
 * const pdf = await renderLetterPdf({ language: "de", sender, recipient, date: "2026-04-15",
 *   reference: "C-1042", subject: rendered.subject, body: rendered.text, invoices, totals });
 * await transport.send({ …, attachments: [{ filename: "Kontoauszug-C-1042.pdf", content: pdf, contentType: "application/pdf" }] });
 */
export async function renderLetterPdf(input: LetterInput, options: LetterPdfOptions = {}): Promise<Buffer> {
  validate(input);
  const date = utcMidnight(input.date);
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN_TOP, bottom: MARGIN_BOTTOM, left: MARGIN_LEFT, right: MARGIN_RIGHT },
    bufferPages: true,
    compress: options.compress ?? true,
    lang: FORMAT_LOCALES[input.language],
    info: {
      Title: winAnsiText(input.subject),
      Author: winAnsiText(input.sender.name),
      Producer: "Recoup",
      Creator: "Recoup",
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  try {
    drawHeader(doc, input);
    drawBody(doc, input.body);
    drawTable(doc, input);
    drawSignatures(doc, input);
    drawFooters(doc);
  } catch (error) {
    doc.end();
    await finished.catch(() => undefined);
    throw error;
  }
  doc.end();
  return finished;
}
