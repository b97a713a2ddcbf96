import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadMessageTemplates,
  renderMessage,
  TEMPLATE_LANGUAGES,
  type MessageContext,
  type MessageTemplate,
} from "../../src/channels/message-templates.js";
import { formatLongDate, formatMoneyFor } from "../../src/channels/template-filters.js";
import { checkCommunicationStandards } from "../../src/domain/communication-standards.js";
import { minorDigits } from "../../src/domain/currency.js";

const KEYS = [
  "courtesy",
  "overdue-1",
  "overdue-2",
  "final-notice",
  "promise-confirmation",
  "plan-agreement",
  "demand-notice",
  "statement",
  "owner-update",
  "sms-reminder",
  "plan-reminder",
] as const;
const CUSTOMER_FACING = KEYS.filter((key) => key !== "owner-update");

function context(overrides: Partial<MessageContext> = {}): MessageContext {
  return {
    organisation: {
      name: "Northwind Supplies Ltd",
      email: "ar@northwind.example",
      phone: "+44 20 7946 0001",
    },
    customer: { ref: "C-1042", name: "Contoso Trading GmbH" },
    contact: { name: "Maria Keller", email: "maria.keller@contoso.example" },
    invoices: [
      {
        ref: "INV-2026-0117",
        issueDate: "2026-02-01",
        dueDate: "2026-03-03",
        daysPastDue: 43,
        amount: { amount: 1_234_567, currency: "EUR" },
        open: { amount: 1_034_567, currency: "EUR" },
        poNumber: "4500012345",
      },
      {
        ref: "INV-2026-0152",
        issueDate: "2026-03-01",
        dueDate: "2026-03-31",
        daysPastDue: 15,
        amount: { amount: 250_000, currency: "EUR" },
        open: { amount: 250_000, currency: "EUR" },
        poNumber: null,
      },
      {
        ref: "INV-JP-0009",
        issueDate: "2026-03-10",
        dueDate: "2026-04-14",
        daysPastDue: 1,
        amount: { amount: 1_500_000, currency: "JPY" },
        open: { amount: 1_500_000, currency: "JPY" },
        poNumber: null,
      },
      {
        ref: "INV-KW-0003",
        issueDate: "2026-03-20",
        dueDate: "2026-04-19",
        daysPastDue: 0,
        amount: { amount: 1_234_567, currency: "KWD" },
        open: { amount: 1_234_567, currency: "KWD" },
        poNumber: "PO-88",
      },
    ],
    totals: [
      { amount: 1_284_567, currency: "EUR" },
      { amount: 1_500_000, currency: "JPY" },
      { amount: 1_234_567, currency: "KWD" },
    ],
    asOf: "2026-04-15",
    step: "overdue-2",
    finalDate: "2026-04-29",
    owner: { email: "sam.sales@northwind.example" },
    promise: { amount: { amount: 1_284_567, currency: "EUR" }, date: "2026-05-01" },
    plan: {
      instalments: [
        { date: "2026-05-01", amount: { amount: 642_284, currency: "EUR" } },
        { date: "2026-06-01", amount: { amount: 642_283, currency: "EUR" } },
      ],
      signBy: "2026-04-29",
    },
    interest: { amount: 4_321, currency: "EUR" },
    compensation: { amount: 4_000, currency: "EUR" },
    oldestDaysPastDue: 43,
    ...overrides,
  };
}

function oneInvoice(): MessageContext {
  const base = context();
  return {
    ...base,
    organisation: { ...base.organisation, name: "Northwind Industrial Supplies Ltd" },
    invoices: base.invoices.slice(0, 1),
    totals: [{ amount: 1_034_567, currency: "EUR" }],
  };
}

const tempDirs: string[] = [];
function templateDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "recoup-templates-"));
  tempDirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const templates = loadMessageTemplates();

describe("shipped message templates", () => {
  it("ships every key in English, German and French and nothing else", () => {
    const expected = TEMPLATE_LANGUAGES.flatMap((language) => KEYS.map((key) => `${language}/${key}`));
    expect([...templates.keys()].sort()).toEqual(expected.sort());
  });

  for (const language of TEMPLATE_LANGUAGES) {
    for (const key of KEYS) {
      it(`renders ${language}/${key} completely, with a one-line subject and every invoice listed`, () => {
        const message = renderMessage(templates, key, language, context());
        for (const text of [message.subject, message.text]) {
          expect(text).not.toMatch(/\{\{|\}\}|\{%|%\}/);
          expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]/);
        }
        expect(message.subject.length).toBeGreaterThan(10);
        expect(message.subject).not.toContain("\n");
        expect(message.text).toContain("Northwind Supplies Ltd");
        const contact =
          message.text.includes("ar@northwind.example") || message.text.includes("+44 20 7946 0001");
        expect(contact).toBe(true);
        if (key !== "sms-reminder") {
          for (const invoice of context().invoices) expect(message.text).toContain(invoice.ref);
        }
      });
    }

    it(`formats JPY without and KWD with three decimals (${language})`, () => {
      const text = renderMessage(templates, "statement", language, context()).text;
      const expected = {
        en: ["JP¥1,500,000", "KWD\u00a01,234.567", "€10,345.67"],
        de: ["1.500.000\u00a0¥", "1.234,567\u00a0KWD", "10.345,67\u00a0€"],
        fr: ["1\u202f500\u202f000\u00a0JPY", "1\u202f234,567\u00a0KWD", "10\u202f345,67\u00a0€"],
      }[language];
      for (const amount of expected) expect(text).toContain(amount);
    });

    it(`fits the ${language} SMS for one invoice into 300 characters`, () => {
      const message = renderMessage(templates, "sms-reminder", language, oneInvoice());
      expect(message.text).toContain("INV-2026-0117");
      expect(message.text.length).toBeLessThanOrEqual(300);
    });

    it(`leaves out interest and compensation from the ${language} demand notice when there are none`, () => {
      const withFigures = renderMessage(templates, "demand-notice", language, context()).text;
      const without = renderMessage(
        templates,
        "demand-notice",
        language,
        context({ interest: undefined, compensation: undefined, finalDate: undefined }),
      ).text;
      const interest = formatMoneyFor({ amount: 4_321, currency: "EUR" }, language);
      const compensation = formatMoneyFor({ amount: 4_000, currency: "EUR" }, language);
      expect(withFigures).toContain(interest);
      expect(withFigures).toContain(compensation);
      expect(without).not.toContain(interest);
      expect(without).not.toContain(compensation);
      expect(without).not.toMatch(/\n\n\n/);
      expect(without).toContain("14");
    });

    it(`renders every ${language} template without organisation email or phone and without contact name`, () => {
      const base = context();
      const sparse = context({
        organisation: { name: base.organisation.name, email: null, phone: null },
        contact: { name: null, email: null },
        oldestDaysPastDue: undefined,
      });
      for (const key of KEYS) {
        const message = renderMessage(templates, key, language, sparse);
        expect(message.text).not.toMatch(/undefined|null|\{\{|\{%/);
        expect(message.text).not.toContain("Maria");
      }
    });
  }

  it("renders customer messages that still meet the communication standards once filled in", () => {
    for (const language of TEMPLATE_LANGUAGES) {
      for (const key of CUSTOMER_FACING) {
        const message = renderMessage(templates, key, language, context());
        const channel = key === "sms-reminder" ? "sms" : key.endsWith("-notice") ? "letter" : "email";
        const findings = checkCommunicationStandards({
          subject: message.subject,
          body: message.text,
          language,
          channel,
        });
        expect({ key, language, findings }).toEqual({ key, language, findings: [] });
      }
    }
  });

  it("names the promise, the plan's instalments and the step where those templates need them", () => {
    const promise = renderMessage(templates, "promise-confirmation", "en", context());
    expect(promise.subject).toContain("€12,845.67");
    expect(promise.subject).toContain("1 May 2026");
    const plan = renderMessage(templates, "plan-agreement", "de", context()).text;
    expect(plan).toContain("Rate 1: fällig am 1. Mai 2026, 6.422,84\u00a0€");
    expect(plan).toContain("Rate 2: fällig am 1. Juni 2026, 6.422,83\u00a0€");
    const owner = renderMessage(
      templates,
      "owner-update",
      "en",
      context({ oldestDaysPastDue: undefined }),
    ).text;
    expect(owner).toContain("43 days past due");
    expect(owner).toContain("overdue-2");
    expect(owner).toMatch(/Past due: €12,845\.67, JP¥1,500,000\n/);
  });

  it("asks for the signed plan agreement by its date only while the plan waits for the signature", () => {
    const signBy = {
      en: "return it to us by 29 April 2026",
      de: "bis zum 29. April 2026 zurück",
      fr: "au plus tard le 29 avril 2026",
    } as const;
    for (const language of TEMPLATE_LANGUAGES) {
      expect(renderMessage(templates, "plan-agreement", language, context()).text).toContain(
        signBy[language],
      );
      const active = context({ plan: { instalments: context().plan!.instalments } });
      const text = renderMessage(templates, "plan-agreement", language, active).text;
      expect(text).not.toContain(signBy[language]);
      expect(text).not.toMatch(/\n\n\n/);
    }
  });

  it("reminds of each coming instalment by its number and what is still due on it", () => {
    const reminder = context({
      plan: {
        instalments: [
          { number: 2, date: "2026-05-01", amount: { amount: 42_284, currency: "EUR" } },
          { number: 1, date: "2026-05-03", amount: { amount: 1_000, currency: "EUR" } },
        ],
      },
    });
    const en = renderMessage(templates, "plan-reminder", "en", reminder);
    expect(en.subject).toBe("Reminder: payment plan instalments due 1 May 2026 — Contoso Trading GmbH");
    expect(en.text).toContain("- Instalment 2: due 1 May 2026, €422.84");
    expect(en.text).toContain("- Instalment 1: due 3 May 2026, €10.00");
    expect(renderMessage(templates, "plan-reminder", "de", reminder).text).toContain(
      "- Rate 2: fällig am 1. Mai 2026, 422,84\u00a0€",
    );
    expect(renderMessage(templates, "plan-reminder", "fr", reminder).text).toContain(
      "- Échéance 2 : le 1er mai 2026, 422,84\u00a0€",
    );
  });

  it("gives the days past due in the overdue letters", () => {
    for (const key of ["overdue-1", "overdue-2", "final-notice", "demand-notice"]) {
      expect(renderMessage(templates, key, "en", context()).text).toContain("43 days past due");
      expect(renderMessage(templates, key, "de", context()).text).toContain("seit 43 Tagen überfällig");
      expect(renderMessage(templates, key, "fr", context()).text).toContain("en retard de 43 jours");
    }
  });

  it("states the final date in the final notice", () => {
    expect(renderMessage(templates, "final-notice", "en", context()).text).toContain("by 29 April 2026");
    expect(renderMessage(templates, "final-notice", "de", context()).text).toContain(
      "bis zum 29. April 2026",
    );
    expect(renderMessage(templates, "final-notice", "fr", context()).text).toContain(
      "au plus tard le 29 avril 2026",
    );
  });
});

describe("language fallback and unknown keys", () => {
  it("falls back to English for a missing or unknown language", () => {
    const english = renderMessage(templates, "courtesy", "en", context());
    expect(renderMessage(templates, "courtesy", null, context())).toEqual(english);
    expect(renderMessage(templates, "courtesy", "es", context())).toEqual(english);
    expect(renderMessage(templates, "courtesy", "", context())).toEqual(english);
  });

  it("reads a language tag such as DE or fr-CH as its language", () => {
    const german = renderMessage(templates, "courtesy", "de", context());
    expect(renderMessage(templates, "courtesy", "DE", context())).toEqual(german);
    expect(renderMessage(templates, "courtesy", "de-AT", context())).toEqual(german);
    expect(renderMessage(templates, "courtesy", "fr_CH", context()).subject).toMatch(/^Rappel/);
  });

  it("falls back to English when the template does not exist in the language asked for", () => {
    const custom = new Map(templates);
    const template: MessageTemplate = {
      key: "welcome",
      language: "en",
      subject: "Welcome, {{ customer.name }}",
      body: "Hello {{ contact.name }}",
    };
    custom.set("en/welcome", template);
    expect(renderMessage(custom, "welcome", "fr", context())).toEqual({
      subject: "Welcome, Contoso Trading GmbH",
      text: "Hello Maria Keller",
      language: "en",
    });
  });

  it("throws a RangeError for a key no template has", () => {
    expect(() => renderMessage(templates, "no-such-template", "en", context())).toThrow(RangeError);
  });
});

describe("the template sandbox", () => {
  for (const tag of [
    "{% include '/etc/passwd' %}",
    "{% render 'package.json' %}",
    "{% layout 'README.md' %}",
  ]) {
    it(`refuses ${tag} when loading a template`, () => {
      const dir = templateDir({ "en/sneaky.liquid": `---\nsubject: Hi\n---\nHello\n${tag}\n` });
      expect(() => loadMessageTemplates([dir])).toThrow(/sneaky\.liquid: body: .*not available.*\(line 5\)/);
    });

    it(`never reads a file for ${tag} in a template built in memory`, () => {
      const map = new Map<string, MessageTemplate>([
        ["en/sneaky", { key: "sneaky", language: "en", subject: "Hi", body: `Hello ${tag}` }],
      ]);
      expect(() => renderMessage(map, "sneaky", "en", context())).toThrow(/not available/);
    });
  }

  it("shows only the context's own properties", () => {
    const map = new Map<string, MessageTemplate>([
      [
        "en/probe",
        {
          key: "probe",
          language: "en",
          subject: "x{{ customer.constructor }}",
          body: "[{{ customer.constructor.name }}][{{ invoices.constructor }}][{{ customer.__proto__ }}]",
        },
      ],
    ]);
    expect(renderMessage(map, "probe", "en", context())).toEqual({
      subject: "x",
      text: "[][][]",
      language: "en",
    });
  });

  it("does not escape HTML characters in plain text", () => {
    const ctx = context({ customer: { ref: "C-1", name: "Smith & Sons <UK>" } });
    expect(renderMessage(templates, "courtesy", "en", ctx).subject).toContain("Smith & Sons <UK>");
  });
});

describe("loading templates from extra folders", () => {
  it("lets an extra folder override a shipped template and add a new one", () => {
    const dir = templateDir({
      "de/courtesy.liquid": '---\nsubject: "Hallo {{ customer.name }}"\n---\nEigener Text.\n',
      "fr/welcome.liquid": "---\nsubject: Bienvenue\n---\nBonjour {{ contact.name }}\n",
      "README.md": "not a template",
    });
    const loaded = loadMessageTemplates([dir, join(dir, "missing-folder")]);
    expect(renderMessage(loaded, "courtesy", "de", context())).toEqual({
      subject: "Hallo Contoso Trading GmbH",
      text: "Eigener Text.",
      language: "de",
    });
    expect(renderMessage(loaded, "welcome", "fr", context()).text).toBe("Bonjour Maria Keller");
    expect(loaded.get("en/courtesy")).toEqual(templates.get("en/courtesy"));
  });

  const malformed: [string, string, RegExp][] = [
    ["no front matter", "Dear customer,\nplease pay.\n", /missing front matter/],
    ["unclosed front matter", "---\nsubject: Hi\nDear customer\n", /not closed/],
    ["no subject", "---\ntitle: Hi\n---\nDear customer\n", /no "subject:"/],
    ["empty subject", '---\nsubject: ""\n---\nDear customer\n', /non-empty/],
    ["invalid YAML", "---\nsubject: [unclosed\n---\nDear customer\n", /not valid YAML/],
    ["empty body", "---\nsubject: Hi\n---\n\n", /body .*empty/],
    [
      "unclosed output",
      "---\nsubject: Hi\n---\nDear customer,\n\n{{ contact.name\n",
      /body: .*not closed.*\(line 6\)/,
    ],
    ["unknown tag", "---\nsubject: Hi\n---\nDear\n{% iff x %}\n", /body: .*iff.*\(line 5\)/],
    ["unknown filter", "---\nsubject: Hi\n---\n{{ asOf | shout }}\n", /body: .*shout.*\(line 4\)/],
    [
      "broken subject",
      '---\nsubject: "Hi {{ customer.name"\n---\nDear\n',
      /subject: .*not closed.*\(line 2\)/,
    ],
  ];
  for (const [what, text, reason] of malformed) {
    it(`names the file and the reason for a template with ${what}`, () => {
      const dir = templateDir({ "en/broken.liquid": text });
      let error: unknown;
      try {
        loadMessageTemplates([dir]);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(join(dir, "en", "broken.liquid"));
      expect(message).toMatch(reason);
    });
  }

  it("rejects a folder for a language Recoup has no templates in", () => {
    const dir = templateDir({ "es/courtesy.liquid": "---\nsubject: Hola\n---\nHola\n" });
    expect(() => loadMessageTemplates([dir])).toThrow(/es: "es" is not a template language/);
  });
});

describe("money and date filters", () => {
  it("formats examples in each language", () => {
    expect(formatMoneyFor({ amount: 123_456, currency: "USD" }, "en")).toBe("US$1,234.56");
    expect(formatMoneyFor({ amount: 123_456, currency: "EUR" }, "de")).toBe("1.234,56\u00a0€");
    expect(formatMoneyFor({ amount: 123_456, currency: "EUR" }, "fr")).toBe("1\u202f234,56\u00a0€");
    expect(formatMoneyFor({ amount: 1_234, currency: "JPY" }, "en")).toBe("JP¥1,234");
    expect(formatMoneyFor({ amount: -1_234_567, currency: "KWD" }, "en")).toBe("-KWD\u00a01,234.567");
    expect(formatMoneyFor({ amount: 5, currency: "USD" }, "en")).toBe("US$0.05");
    expect(formatMoneyFor({ amount: Number.MAX_SAFE_INTEGER, currency: "USD" }, "en")).toBe(
      "US$90,071,992,547,409.91",
    );
  });

  it("keeps every digit of the integer minor units (no float rounding)", () => {
    const currencies = ["USD", "EUR", "JPY", "KWD", "CLF", "GBP", "BHD", "CHF"];
    fc.assert(
      fc.property(
        fc.maxSafeInteger().filter((n) => n >= -Number.MAX_SAFE_INTEGER),
        fc.constantFrom(...currencies),
        fc.constantFrom(...TEMPLATE_LANGUAGES),
        (amount, currency, language) => {
          const text = formatMoneyFor({ amount, currency }, language);
          const digits = text.replace(/\D/g, "");
          expect(BigInt(digits)).toBe(BigInt(Math.abs(amount)));
          const [, decimals = ""] = text.replace(/[^\d.,-]/g, "").split(language === "en" ? "." : ",");
          expect(decimals.length).toBe(minorDigits(currency));
          expect(text.includes("-")).toBe(amount < 0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("writes dates out without time-zone shifts", () => {
    expect(formatLongDate("2026-04-15", "en")).toBe("15 April 2026");
    expect(formatLongDate("2026-04-15", "de")).toBe("15. April 2026");
    expect(formatLongDate("2026-04-15", "fr")).toBe("15 avril 2026");
    expect(formatLongDate("2026-04-01", "fr")).toBe("1er avril 2026");
    expect(formatLongDate("2024-02-29", "en")).toBe("29 February 2024");
    expect(formatLongDate("2026-12-31", "de")).toBe("31. Dezember 2026");
    expect(formatLongDate("2026-01-01", "en")).toBe("1 January 2026");
    expect(() => formatLongDate("2026-02-30", "en")).toThrow(RangeError);
  });

  it("refuses to print a malformed amount in a message", () => {
    const map = new Map<string, MessageTemplate>([
      ["en/bad", { key: "bad", language: "en", subject: "x", body: "{{ asOf | money }}" }],
    ]);
    expect(() => renderMessage(map, "bad", "en", context())).toThrow(/money expects/);
  });
});
