import { describe, expect, it } from "vitest";
import { renderLetterPdf, winAnsiText, type LetterInput } from "../../src/channels/letter-pdf.js";
import {
  loadMessageTemplates,
  renderMessage,
  type MessageContext,
} from "../../src/channels/message-templates.js";
import { formatLongDate, formatMoneyFor } from "../../src/channels/template-filters.js";

type Language = LetterInput["language"];
const LANGUAGES: readonly Language[] = ["en", "de", "fr"];

// --- reading the uncompressed PDF ----------------------------------------------------------------
// pdfkit draws standard-font text as TJ arrays of hex strings, one byte per character in
// WinAnsiEncoding (= windows-1252), split wherever a kerning adjustment sits between two glyphs:
//   [<4b> 40 <f66e6967737472> 10 <61df65203132> 0] TJ   →   "Königstraße 12"
// One TJ is one drawn line (or table cell).

// Node's TextDecoder("windows-1252") decodes 0x80–0x9F as C1 controls (ISO-8859-1), so the
// windows-1252 specials are mapped here.
const CP1252_SPECIALS: Record<number, string> = {
  0x80: "€",
  0x82: "‚",
  0x83: "ƒ",
  0x84: "„",
  0x85: "…",
  0x86: "†",
  0x87: "‡",
  0x88: "ˆ",
  0x89: "‰",
  0x8a: "Š",
  0x8b: "‹",
  0x8c: "Œ",
  0x8e: "Ž",
  0x91: "‘",
  0x92: "’",
  0x93: "“",
  0x94: "”",
  0x95: "•",
  0x96: "–",
  0x97: "—",
  0x98: "˜",
  0x99: "™",
  0x9a: "š",
  0x9b: "›",
  0x9c: "œ",
  0x9e: "ž",
  0x9f: "Ÿ",
};

function decodeWinAnsi(bytes: Buffer): string {
  return [...bytes].map((byte) => CP1252_SPECIALS[byte] ?? String.fromCharCode(byte)).join("");
}

function drawnLines(content: string): string[] {
  const lines: string[] = [];
  for (const match of content.matchAll(/\[((?:\s*<[0-9a-fA-F]*>\s*-?[\d.]*)*)\s*\]\s*TJ/g)) {
    const hex = [...match[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((part) => part[1]).join("");
    lines.push(decodeWinAnsi(Buffer.from(hex, "hex")));
  }
  return lines;
}

/** The drawn lines of each page, from the page content streams in order. */
function pagesOf(pdf: Buffer): string[][] {
  const source = pdf.toString("latin1");
  return [...source.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((match) => drawnLines(match[1]!));
}

function pageObjectCount(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type \/Page(?![a-zA-Z])/g)?.length ?? 0;
}

/** What Intl produces, as it appears once drawn: no-break and narrow no-break spaces become spaces. */
function drawn(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, " ");
}

// --- inputs -----------------------------------------------------------------------------------------

const PEOPLE: Record<Language, Pick<LetterInput, "sender" | "recipient" | "subject" | "body">> = {
  en: {
    sender: { name: "Northwind Supplies Ltd", email: "ar@northwind.example", phone: "+44 20 7946 0001" },
    recipient: {
      name: "Contoso Trading Ltd",
      addressLines: ["Attn. Accounts Payable", "1 Canal Street", "Manchester M1 3HE"],
    },
    subject: "Reminder: 3 invoices are open on your account",
    body: "Dear Ms Keller,\n\nAccording to our records the invoices listed below are still open. We would be grateful if you could arrange payment of the total amount, or let us know if anything is unclear so that we can resolve it with you quickly.\n\n- Invoice INV-2026-0117 is 43 days past due\n- Invoice INV-2026-0152 is 15 days past due\n\nKind regards,\n\nAccounts Receivable\nNorthwind Supplies Ltd",
  },
  de: {
    sender: { name: "Müller & Söhne GmbH", email: "buchhaltung@mueller.example", phone: "+49 711 123456" },
    recipient: {
      name: "Contoso Trading GmbH",
      addressLines: ["z. Hd. Frau Maria Keller", "Königstraße 12", "70173 Stuttgart"],
    },
    subject: "Zahlungserinnerung: 3 offene Rechnungen – Größe ß",
    body: "Guten Tag Frau Keller,\n\nnach unseren Unterlagen sind die unten aufgeführten Rechnungen noch offen. Wir bitten Sie, den offenen Gesamtbetrag zu überweisen, oder uns mitzuteilen, falls eine Position nicht korrekt ist, damit wir den Sachverhalt gemeinsam klären können.\n\n- Rechnung INV-2026-0117 ist seit 43 Tagen überfällig\n- Rechnung INV-2026-0152 ist seit 15 Tagen überfällig\n\nMit freundlichen Grüßen\n\nDebitorenbuchhaltung\nMüller & Söhne GmbH",
  },
  fr: {
    sender: { name: "Établissements Lefèvre & Fils", email: "compta@lefevre.example", phone: null },
    recipient: {
      name: "Société Générale d’Équipements",
      addressLines: ["12, rue de l’Église", "75001 Paris"],
    },
    subject: "Rappel : 3 factures échues à régler",
    body: "Madame Keller,\n\nSauf erreur de notre part, les factures ci-dessous restent impayées à ce jour. Nous vous remercions de bien vouloir procéder au règlement du montant dû, ou de nous signaler toute différence afin que nous puissions la régulariser rapidement.\n\n- Facture INV-2026-0117 échue depuis 43 jours\n- Facture INV-2026-0152 échue depuis 15 jours\n\nBien cordialement,\n\nService comptabilité clients\nÉtablissements Lefèvre & Fils",
  },
};

const THREE_INVOICES: NonNullable<LetterInput["invoices"]> = [
  {
    ref: "INV-2026-0117",
    issueDate: "2026-02-01",
    dueDate: "2026-03-03",
    daysPastDue: 43,
    open: { amount: 1_034_567, currency: "EUR" },
  },
  {
    ref: "INV-2026-0152",
    issueDate: "2026-03-01",
    dueDate: "2026-03-31",
    daysPastDue: 15,
    open: { amount: 250_000, currency: "EUR" },
  },
  {
    ref: "INV-JP-0009",
    issueDate: "2026-03-10",
    dueDate: "2026-04-14",
    daysPastDue: 1,
    open: { amount: 1_500_000, currency: "JPY" },
  },
];
const THREE_TOTALS = [
  { amount: 1_284_567, currency: "EUR" },
  { amount: 1_500_000, currency: "JPY" },
];

function letter(language: Language, overrides: Partial<LetterInput> = {}): LetterInput {
  return {
    language,
    ...PEOPLE[language],
    date: "2026-04-15",
    reference: "C-1042",
    invoices: THREE_INVOICES,
    totals: THREE_TOTALS,
    ...overrides,
  };
}

function sixtyInvoices(): NonNullable<LetterInput["invoices"]> {
  return Array.from({ length: 60 }, (_, index) => ({
    ref: `INV-2025-${String(index + 1).padStart(4, "0")}`,
    issueDate: "2025-11-01",
    dueDate: "2025-12-01",
    daysPastDue: 135 - index,
    open: { amount: 100_000 + index * 1_234, currency: "EUR" },
  }));
}

const OPEN_AMOUNT_HEADER: Record<Language, string> = {
  en: "Open amount",
  de: "Offener Betrag",
  fr: "Montant dû",
};

// --- tests ------------------------------------------------------------------------------------------

describe("renderLetterPdf", () => {
  describe.each(LANGUAGES)("in %s", (language) => {
    it("renders a one-page letter whose texts, umlauts, accents and amounts are really in the PDF", async () => {
      const input = letter(language);
      const pdf = await renderLetterPdf(input, { compress: false });
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(pageObjectCount(pdf)).toBe(1);
      const pages = pagesOf(pdf);
      expect(pages).toHaveLength(1);
      const lines = pages[0]!;
      const text = lines.join("\n");

      expect(lines).toContain(input.sender.name);
      expect(lines).toContain(input.sender.email);
      expect(lines).toContain(input.recipient.name);
      for (const addressLine of input.recipient.addressLines) expect(lines).toContain(addressLine);
      expect(lines).toContain(drawn(formatLongDate(input.date, language)));
      expect(text).toContain("C-1042");
      expect(lines).toContain(input.subject);
      for (const invoice of THREE_INVOICES) {
        expect(lines).toContain(invoice.ref);
        expect(lines).toContain(drawn(formatMoneyFor(invoice.open, language)));
      }
      for (const total of THREE_TOTALS) expect(lines).toContain(drawn(formatMoneyFor(total, language)));
      expect(lines).toContain(OPEN_AMOUNT_HEADER[language]);
      // Short body lines are drawn whole; list items get a bullet.
      const closing = input.body.split("\n").at(-1)!;
      expect(lines).toContain(closing);
      expect(lines.filter((line) => line === "•")).toHaveLength(2);
      expect(lines).toContain("1/1");
      // No character fell outside WinAnsi.
      expect(text).not.toContain("?");
    });

    it("breaks 60 invoices over several pages, repeating the table header and numbering the pages", async () => {
      const invoices = sixtyInvoices();
      const pdf = await renderLetterPdf(
        letter(language, { invoices, totals: [{ amount: 9_999_999, currency: "EUR" }] }),
        {
          compress: false,
        },
      );
      const pages = pagesOf(pdf);
      expect(pageObjectCount(pdf)).toBeGreaterThanOrEqual(2);
      expect(pages).toHaveLength(pageObjectCount(pdf));
      const all = pages.flat();
      for (const invoice of invoices) expect(all.filter((line) => line === invoice.ref)).toHaveLength(1);
      pages.forEach((lines, index) => {
        expect(lines).toContain(`${index + 1}/${pages.length}`);
        if (lines.some((line) => line.startsWith("INV-2025-")))
          expect(lines).toContain(OPEN_AMOUNT_HEADER[language]);
      });
      expect(pages.at(-1)).toContain(drawn(formatMoneyFor({ amount: 9_999_999, currency: "EUR" }, language)));
    });

    it("gives byte-identical output for the same input, compressed or not", async () => {
      const input = letter(language, { invoices: sixtyInvoices() });
      const [first, second] = await Promise.all([renderLetterPdf(input), renderLetterPdf(input)]);
      expect(first.equals(second)).toBe(true);
      const [plainFirst, plainSecond] = await Promise.all([
        renderLetterPdf(input, { compress: false }),
        renderLetterPdf(input, { compress: false }),
      ]);
      expect(plainFirst.equals(plainSecond)).toBe(true);
      expect(first.length).toBeLessThan(plainFirst.length);
      expect(first.toString("latin1")).toContain("/FlateDecode");
    });
  });

  it("dates the document by the letter date and names Recoup as producer", async () => {
    const pdf = (await renderLetterPdf(letter("en"), { compress: false })).toString("latin1");
    expect(pdf.match(/\(D:20260415000000Z\)/g)).toHaveLength(2); // CreationDate and ModDate
    expect(pdf).toMatch(/\(Recoup\)/);
    const later = (await renderLetterPdf(letter("en", { date: "2026-04-16" }), { compress: false })).toString(
      "latin1",
    );
    expect(later).toContain("(D:20260416000000Z)");
    const id = (source: string): string | undefined => /\/ID \[<([0-9a-f]+)>/.exec(source)?.[1];
    expect(id(later)).not.toBe(id(pdf));
  });

  it("lays out a statement rendered from the shipped template, with an empty address and no table", async () => {
    const templates = loadMessageTemplates();
    const context: MessageContext = {
      organisation: { name: "Müller & Söhne GmbH", email: "buchhaltung@mueller.example", phone: null },
      customer: { ref: "C-1042", name: "Contoso Trading GmbH" },
      contact: { name: "Maria Keller", email: null },
      invoices: sixtyInvoices().map((invoice) => ({ ...invoice, amount: invoice.open, poNumber: null })),
      totals: [{ amount: 9_999_999, currency: "EUR" }],
      asOf: "2026-04-15",
      step: "statement",
    };
    const message = renderMessage(templates, "statement", "de", context);
    const pdf = await renderLetterPdf(
      {
        language: "de",
        sender: context.organisation,
        recipient: { name: context.customer.name, addressLines: [] },
        date: context.asOf,
        reference: context.customer.ref,
        subject: message.subject,
        body: message.text,
      },
      { compress: false },
    );
    const pages = pagesOf(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const all = pages.flat();
    expect(all).toContain("Mit freundlichen Grüßen");
    expect(all).toContain("Contoso Trading GmbH");
    expect(all.filter((line) => line === "•")).toHaveLength(60);
    expect(all).not.toContain(OPEN_AMOUNT_HEADER.de);
    expect(all.join("\n")).not.toContain("?");
  });

  it("ends a document to sign with a signature block per party, in the letter's language", async () => {
    const labels = {
      en: ["Signed for Contoso Trading Ltd", "Signed for Northwind Supplies Ltd", "Name, date and signature"],
      de: ["Für Contoso Trading GmbH", "Für Müller & Söhne GmbH", "Name, Datum und Unterschrift"],
      fr: [
        "Pour Société Générale d’Équipements",
        "Pour Établissements Lefèvre & Fils",
        "Nom, date et signature",
      ],
    } as const;
    for (const language of LANGUAGES) {
      const input = letter(language);
      const signed = await renderLetterPdf(
        { ...input, signatures: [input.recipient.name, input.sender.name] },
        { compress: false },
      );
      const lines = pagesOf(signed).flat();
      const [customer, us, line] = labels[language];
      expect(lines).toContain(customer);
      expect(lines).toContain(us);
      expect(lines.filter((l) => l === line)).toHaveLength(2);
      // the customer signs first, after the body
      expect(lines.indexOf(customer)).toBeLessThan(lines.indexOf(us));
      const unsigned = pagesOf(await renderLetterPdf(input, { compress: false })).flat();
      expect(unsigned).not.toContain(line);
    }
  });

  it("throws RangeError for a date that is not YYYY-MM-DD", async () => {
    await expect(renderLetterPdf(letter("en", { date: "15.04.2026" }))).rejects.toThrow(RangeError);
    await expect(
      renderLetterPdf(letter("en", { invoices: [{ ...THREE_INVOICES[0]!, dueDate: "2026-02-30" }] })),
    ).rejects.toThrow(/INV-2026-0117/);
  });
});

describe("winAnsiText", () => {
  it.each([
    ["1\u202f234,56\u00a0€", "1 234,56 €"],
    [
      "Größe, Übermaß, ß, àéèêëîïôùûüÿç, Œuvre, “quoted” – ‘single’ …",
      "Größe, Übermaß, ß, àéèêëîïôùûüÿç, Œuvre, “quoted” – ‘single’ …",
    ],
    ["\u2212 12,00 €", "- 12,00 €"],
    ["e\u0301te\u0301", "été"], // combining accents are composed
    ["soft\u00adhyphen\u200b", "softhyphen"],
    ["emoji 🙂 and 中文", "emoji ? and ??"],
    ["line\nbreak\ttab", "line\nbreak tab"],
  ])("makes %j drawable as %j", (input, expected) => {
    expect(winAnsiText(input)).toBe(expected);
  });
});
