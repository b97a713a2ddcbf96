/**
 * Generates a realistic, deterministic demo receivables portfolio as ledger files (DESIGN 5.1,
 * format v1): customers.csv, invoices.csv, credit_notes.csv and payments.csv.
 *
 * The generator walks the calendar day by day from `from` to `asOf`. Each business day it issues
 * that day's invoices (customers drawn by weight) and, for each invoice, plans its settlement
 * (payments, partial payments, credit notes) according to the customer's behaviour profile. Planned
 * events wait in a per-day queue until their day comes and are then written; events planned after
 * `asOf` are never stored (those invoices stay open). Memory is therefore bounded by the customer
 * list plus the events pending at one time, not by the number of invoices, and every file is
 * written in date order through a stream that respects backpressure.
 *
 * Same options → byte-identical files: all randomness comes from seeded streams (./random.ts).
 */
import { once } from "node:events";
import { ledgerFileSpec } from "../ingest/ledger-files.js";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { parseCalendarDate, toDayNumber, fromDayNumber } from "../domain/calendar-date.js";
import { parseCurrency, minorDigits } from "../domain/currency.js";
import { formatMinorUnits } from "../domain/money.js";
import { AliasTable, Random } from "./random.js";

// ---------------------------------------------------------------------------------------------
// Public API

export interface GeneratePortfolioOptions {
  /** Folder to write the four files into (created if missing). */
  outDir: string;
  seed?: number;
  customers?: number;
  invoices?: number;
  /** First issue date, YYYY-MM-DD. */
  from?: string;
  /** Last issue date and the cut-off for payments and credit notes, YYYY-MM-DD. */
  asOf?: string;
  /** ISO 4217 codes; each customer gets one, the first ones more often. */
  currencies?: readonly string[];
  /** Called after each generated day. */
  onProgress?: (invoicesWritten: number, invoicesTotal: number) => void;
}

export interface PortfolioCounts {
  customers: number;
  invoices: number;
  creditNotes: number;
  /** Rows of payments.csv (one per allocation). */
  payments: number;
}

export interface GeneratePortfolioResult {
  counts: PortfolioCounts;
  /** Absolute paths of customers.csv, invoices.csv, credit_notes.csv, payments.csv. */
  files: string[];
  /** How many customers got each behaviour profile. */
  profiles: Record<BehaviourProfile, number>;
}

/** The columns of each ledger file, in the order of DESIGN 5.1 (one definition: the importer's). */
export const LEDGER_COLUMNS = {
  customers: ledgerFileSpec("customers").columns,
  invoices: ledgerFileSpec("invoices").columns,
  creditNotes: ledgerFileSpec("creditNotes").columns,
  payments: ledgerFileSpec("payments").columns,
};

/**
 * Behaviour profiles and their share of ordinary customers. Key accounts are not drawn: they are the
 * largest ~1% of customers by billing.
 */
export type BehaviourProfile = "prompt" | "slow" | "chronic" | "disputer" | "key_account";

export const PROFILE_SHARES: Readonly<Record<Exclude<BehaviourProfile, "key_account">, number>> = {
  prompt: 0.5,
  slow: 0.27,
  chronic: 0.08,
  disputer: 0.15,
};

export const SALES_OWNERS = [
  "olivia.hart@demo.recoup.test",
  "marc.lenoir@demo.recoup.test",
  "jonas.weber@demo.recoup.test",
] as const;

export const COLLECTORS = [
  "priya.shah@demo.recoup.test",
  "tom.becker@demo.recoup.test",
  "claire.martin@demo.recoup.test",
  "sam.obrien@demo.recoup.test",
] as const;

export async function generatePortfolio(options: GeneratePortfolioOptions): Promise<GeneratePortfolioResult> {
  const config = validate(options);
  await mkdir(config.outDir, { recursive: true });
  const files = {
    customers: path.join(config.outDir, "customers.csv"),
    invoices: path.join(config.outDir, "invoices.csv"),
    creditNotes: path.join(config.outDir, "credit_notes.csv"),
    payments: path.join(config.outDir, "payments.csv"),
  };
  const writers = {
    customers: CsvFileWriter.open(files.customers, LEDGER_COLUMNS.customers),
    invoices: CsvFileWriter.open(files.invoices, LEDGER_COLUMNS.invoices),
    creditNotes: CsvFileWriter.open(files.creditNotes, LEDGER_COLUMNS.creditNotes),
    payments: CsvFileWriter.open(files.payments, LEDGER_COLUMNS.payments),
  };
  const all = Object.values(writers);
  try {
    const customers = buildCustomers(config);
    for (const customer of customers) {
      writers.customers.writeRow(customer.row);
      customer.row = []; // the CSV row is no longer needed; keep memory to the behaviour fields
      await writers.customers.flushIfFull();
    }
    const ledger = await writeLedger(config, customers, writers);
    await Promise.all(all.map((writer) => writer.close()));
    const profiles: Record<BehaviourProfile, number> = {
      prompt: 0,
      slow: 0,
      chronic: 0,
      disputer: 0,
      key_account: 0,
    };
    for (const customer of customers) profiles[customer.profile]++;
    return {
      counts: { customers: customers.length, ...ledger },
      files: [files.customers, files.invoices, files.creditNotes, files.payments],
      profiles,
    };
  } catch (error) {
    for (const writer of all) writer.destroy();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV writing (RFC 4180 quoting, LF line ends, UTF-8 without BOM)

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV field, quoted only when needed. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  let line = "";
  for (let i = 0; i < fields.length; i++) line += (i === 0 ? "" : ",") + csvField(fields[i]!);
  return line + "\n";
}

/**
 * Buffers rows and writes them to a file stream in ~64 KiB chunks, waiting for 'drain' whenever the
 * stream asks for it, so memory stays bounded however many rows are written.
 */
export class CsvFileWriter {
  private buffer = "";
  private rowCount = 0;
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  static open(filePath: string, header: readonly string[]): CsvFileWriter {
    const writer = new CsvFileWriter(filePath, createWriteStream(filePath, { encoding: "utf8" }));
    // Keep an error (say, EACCES on open) until the next flush instead of crashing the process.
    writer.stream.on("error", (error) => (writer.failure ??= error));
    writer.buffer = csvLine(header);
    return writer;
  }

  /** Data rows written so far (the header is not counted). */
  get rows(): number {
    return this.rowCount;
  }

  writeRow(fields: readonly string[]): void {
    this.buffer += csvLine(fields);
    this.rowCount++;
  }

  async flushIfFull(threshold = 65_536): Promise<void> {
    if (this.buffer.length >= threshold) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

interface Config {
  outDir: string;
  seed: number;
  customers: number;
  invoices: number;
  fromDay: number;
  asOfDay: number;
  currencies: string[];
  onProgress: ((invoicesWritten: number, invoicesTotal: number) => void) | undefined;
}

function validate(options: GeneratePortfolioOptions): Config {
  const {
    outDir,
    seed = 1,
    customers = 600,
    invoices = 20_000,
    from = "2024-12-01",
    asOf = "2026-11-30",
    currencies = ["USD", "EUR", "GBP"],
    onProgress,
  } = options;
  if (!outDir) throw new RangeError("outDir is required");
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(customers) || customers < 1) {
    throw new RangeError(`customers must be a positive integer, got ${customers}`);
  }
  if (!Number.isSafeInteger(invoices) || invoices < 0) {
    throw new RangeError(`invoices must be a non-negative integer, got ${invoices}`);
  }
  const fromDay = toDayNumber(parseCalendarDate(from));
  const asOfDay = toDayNumber(parseCalendarDate(asOf));
  if (asOfDay < fromDay) throw new RangeError(`asOf ${asOf} is before from ${from}`);
  if (currencies.length === 0) throw new RangeError("at least one currency is required");
  const codes = currencies.map((code) => parseCurrency(code));
  if (new Set(codes).size !== codes.length) throw new RangeError(`currencies repeat: ${codes.join(", ")}`);
  return {
    outDir: path.resolve(outDir),
    seed,
    customers,
    invoices,
    fromDay,
    asOfDay,
    currencies: codes,
    onProgress,
  };
}

// ---------------------------------------------------------------------------------------------
// Customers

interface DemoCustomer {
  index: number;
  ref: string;
  currency: string;
  terms: number;
  profile: BehaviourProfile;
  /** Relative number of invoices (larger customers invoice more often and bigger amounts). */
  frequency: number;
  /** Mean invoice amount in minor units. */
  meanInvoice: number;
  /** Weekday (0 = Sunday) of the customer's weekly payment run, or -1 when it pays any weekday. */
  payRunDow: number;
  requiresPo: boolean;
  poStyle: number;
  poSequence: number;
  /** Extra days late reached at the end of the period (a deteriorating payer), else 0. */
  drift: number;
  /** The customers.csv row, dropped once written. */
  row: string[];
}

/** Indicative value of one major unit in USD-ish terms, so that yen invoices are not ¥900. */
const CURRENCY_SCALE: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CHF: 0.88,
  CAD: 1.36,
  AUD: 1.5,
  JPY: 150,
  SEK: 10.5,
  NOK: 10.7,
  DKK: 6.9,
  PLN: 4,
  KWD: 0.31,
};

const COUNTRIES_BY_CURRENCY: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  USD: [["US", 1]],
  EUR: [
    ["DE", 0.4],
    ["FR", 0.3],
    ["NL", 0.2],
    ["IE", 0.1],
  ],
  GBP: [["GB", 1]],
  CHF: [["CH", 1]],
  CAD: [["CA", 1]],
  AUD: [["AU", 1]],
  JPY: [["JP", 1]],
  SEK: [["SE", 1]],
  NOK: [["NO", 1]],
  DKK: [["DK", 1]],
  PLN: [["PL", 1]],
};

type NameStyle = "en" | "de" | "fr" | "nl";

const NAME_STYLE_BY_COUNTRY: Readonly<Record<string, NameStyle>> = { DE: "de", FR: "fr", NL: "nl", CH: "de" };

const BRAND_WORDS = [
  "Acme",
  "Northwind",
  "Blue Harbor",
  "Summit",
  "Granite",
  "Riverside",
  "Pioneer",
  "Atlas",
  "Evergreen",
  "Silverline",
  "Keystone",
  "Lakeside",
  "Redwood",
  "Ironbridge",
  "Clearwater",
  "Brightpath",
  "Oakridge",
  "Harborview",
  "Falcon",
  "Meridian",
  "Crescent",
  "Horizon",
  "Sterling",
  "Cobalt",
  "Beacon",
  "Aurora",
  "Bluestone",
  "Copperfield",
  "Highland",
  "Westbrook",
  "Vantage",
  "Nimbus",
  "Orchard",
  "Quarry",
  "Tidewater",
];

const SECTORS: Readonly<Record<NameStyle, readonly string[]>> = {
  en: [
    "Logistics",
    "Foods",
    "Manufacturing",
    "Software",
    "Retail",
    "Engineering",
    "Healthcare",
    "Packaging",
    "Electronics",
    "Construction",
    "Textiles",
    "Pharma",
    "Energy",
    "Media",
    "Consulting",
    "Automotive",
    "Chemicals",
    "Hospitality",
    "Furniture",
    "Telecom",
  ],
  de: [
    "Maschinenbau",
    "Logistik",
    "Elektrotechnik",
    "Bau",
    "Handel",
    "Lebensmittel",
    "Verpackung",
    "Metallwerke",
  ],
  fr: [
    "Distribution",
    "Industries",
    "Services",
    "Transports",
    "Bâtiment",
    "Alimentaire",
    "Énergie",
    "Conseil",
  ],
  nl: ["Logistiek", "Techniek", "Handel", "Bouw", "Voeding", "Installatie", "Systems", "Trading"],
};

const SURNAMES: Readonly<Record<NameStyle, readonly string[]>> = {
  en: [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Walker",
    "Hughes",
    "Kelly",
    "Murphy",
    "Carter",
    "Bennett",
    "Foster",
  ],
  de: [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Richter",
  ],
  fr: [
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Girard",
    "Bonnet",
    "Fontaine",
    "Rousseau",
    "Mercier",
    "Garnier",
  ],
  nl: ["Van Dijk", "De Vries", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder", "Jansen", "Bos"],
};

const FIRST_NAMES: Readonly<Record<NameStyle, readonly string[]>> = {
  en: [
    "James",
    "Mary",
    "Robert",
    "Linda",
    "Michael",
    "Sarah",
    "David",
    "Emma",
    "Daniel",
    "Laura",
    "Aoife",
    "Conor",
  ],
  de: ["Anna", "Lukas", "Katrin", "Stefan", "Julia", "Matthias", "Sabine", "Jürgen", "Lena", "Tobias"],
  fr: ["Camille", "Julien", "Élodie", "Nicolas", "Sophie", "Thomas", "Chloé", "Antoine", "Léa", "François"],
  nl: ["Daan", "Sanne", "Bram", "Lotte", "Jeroen", "Femke", "Sven", "Anouk", "Pieter", "Eva"],
};

const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  US: ["Inc.", "LLC", "Corp.", "Co."],
  GB: ["Ltd", "Limited", "PLC", "LLP"],
  IE: ["Ltd", "Limited", "DAC"],
  DE: ["GmbH", "AG", "GmbH & Co. KG", "KG"],
  FR: ["SAS", "SA", "SARL"],
  NL: ["B.V.", "N.V."],
  CH: ["AG", "GmbH", "SA"],
};

const CITIES: Readonly<Record<string, readonly string[]>> = {
  US: ["Denver", "Austin", "Boston", "Chicago", "Seattle", "Atlanta", "Phoenix", "Portland"],
  GB: ["Leeds", "Bristol", "Manchester", "Glasgow", "Cardiff", "Norwich"],
  IE: ["Cork", "Galway", "Limerick", "Dublin"],
  DE: ["Hamburg", "München", "Köln", "Leipzig", "Stuttgart", "Dortmund"],
  FR: ["Lyon", "Lille", "Nantes", "Toulouse", "Bordeaux", "Rennes"],
  NL: ["Utrecht", "Eindhoven", "Rotterdam", "Groningen"],
};

const GENERIC_AP_MAILBOX: Readonly<Record<string, string>> = {
  en: "accounts.payable",
  de: "buchhaltung",
  fr: "comptabilite",
};

/** Fictional phone numbers from the ranges regulators reserve for drama and examples. */
function phoneFor(country: string, random: Random): string {
  const n = (digits: number) => String(random.int(0, 10 ** digits - 1)).padStart(digits, "0");
  switch (country) {
    case "US":
      return `+1 ${random.pick(["202", "312", "415", "617", "303"])} 555 01${n(2)}`;
    case "GB":
      return `+44 20 7946 0${n(3)}`;
    case "IE":
      return `+353 20 91${n(5)}`;
    case "DE":
      return `+49 30 23125 ${n(3)}`;
    case "FR":
      return `+33 1 99 00 ${n(2)} ${n(2)}`;
    case "NL":
      return `+31 20 799 ${n(4)}`;
    default:
      return "";
  }
}

/** German and French customers mostly want their own language; Dutch ones get English. */
function languageFor(style: NameStyle, random: Random): string {
  if (style === "de") return random.chance(0.85) ? "de" : "en";
  if (style === "fr") return random.chance(0.9) ? "fr" : "en";
  return "en";
}

function asciiSlug(text: string, separator: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, "g"), "");
}

function companyName(country: string, style: NameStyle, random: Random): { name: string; stem: string } {
  const suffix = random.pick(SUFFIXES[country] ?? ["Ltd"]);
  const sector = random.pick(SECTORS[style]);
  const surnames = SURNAMES[style];
  const pattern = random.next();
  let stem: string;
  if (pattern < 0.45) stem = `${random.pick(BRAND_WORDS)} ${sector}`;
  else if (pattern < 0.7) stem = `${random.pick(surnames)} ${sector}`;
  else if (pattern < 0.85) stem = `${random.pick(surnames)} & ${random.pick(surnames)}`;
  else if (pattern < 0.95) stem = `${random.pick(surnames)}, ${random.pick(surnames)} & Partners`;
  else stem = `${random.pick(BRAND_WORDS)} "${sector}"`;
  return { name: `${stem} ${suffix}`, stem };
}

/**
 * Quantiles of a Pareto distribution (shape 1.2): with that shape, truncated at the 1/(2n) quantile,
 * the top 5% of customers hold about half of the billing. Quantiles rather than draws keep that share
 * stable for small portfolios.
 */
function paretoWeights(count: number, random: Random): number[] {
  const shape = 1.2;
  const weights = Array.from({ length: count }, (_, rank) => ((rank + 0.5) / count) ** (-1 / shape));
  return random.shuffle(weights);
}

function buildCustomers(config: Config): DemoCustomer[] {
  const random = Random.stream(config.seed, "customers");
  const count = config.customers;
  const weights = paretoWeights(count, random);
  const keyAccountThreshold = [...weights].sort((a, b) => b - a)[Math.max(0, Math.ceil(count * 0.01) - 1)]!;
  const frequency = weights.map((w) => w ** 0.55);
  const frequencyTotal = frequency.reduce((sum, f) => sum + f, 0);
  const months = Math.max(1, (config.asOfDay - config.fromDay + 1) / 30.44);
  const currencyWeights = config.currencies.map((code, k) => [code, 1 / (k + 1)] as const);
  const usedNames = new Set<string>();
  const families = new Map<string, { all: number[]; keys: number[] }>();
  const refWidth = Math.max(5, String(count).length);
  const customers: DemoCustomer[] = [];

  for (let index = 0; index < count; index++) {
    const weight = weights[index]!;
    const isKey = weight >= keyAccountThreshold;
    const profile: BehaviourProfile = isKey
      ? "key_account"
      : random.weighted(Object.entries(PROFILE_SHARES) as [BehaviourProfile, number][]);
    const currency = random.weighted(currencyWeights);
    const country = random.weighted(COUNTRIES_BY_CURRENCY[currency] ?? [["", 1]]);
    const style: NameStyle = NAME_STYLE_BY_COUNTRY[country] ?? "en";
    const language = languageFor(style, random);
    const terms = isKey
      ? random.weighted([
          [30, 0.3],
          [45, 0.3],
          [60, 0.4],
        ])
      : random.weighted([
          [14, 0.15],
          [30, 0.5],
          [45, 0.2],
          [60, 0.15],
        ]);

    const { name: baseName, stem } = companyName(country, style, random);
    let name = baseName;
    if (usedNames.has(name)) name = `${name} (${random.pick(CITIES[country] ?? ["Branch"])})`;
    for (let n = 2; usedNames.has(name); n++)
      name = `${stem} ${n} ${random.pick(SUFFIXES[country] ?? ["Ltd"])}`;
    usedNames.add(name);

    const domain = `${asciiSlug(stem, "-") || "customer"}.example`;
    const first = random.pick(FIRST_NAMES[style]);
    const last = random.pick(SURNAMES[style]);
    const contactName = `${first} ${last}`;
    const email = random.chance(0.3)
      ? `${GENERIC_AP_MAILBOX[language] ?? "ap"}@${domain}`
      : `${asciiSlug(first, "")}.${asciiSlug(last, "")}@${domain}`;
    const phone = random.chance(0.85) ? phoneFor(country, random) : "";

    const scale = CURRENCY_SCALE[currency] ?? 1;
    const meanMajor = 850 * weight ** 0.45 * scale;
    const meanInvoice = Math.max(1, Math.round(meanMajor * 10 ** minorDigits(currency)));
    const invoicesPerMonth = (config.invoices * frequency[index]!) / frequencyTotal / months;
    const monthlyBilling = invoicesPerMonth * meanInvoice;
    const creditLimit =
      random.chance(0.1) || monthlyBilling === 0
        ? ""
        : formatMinorUnits(niceCeiling(monthlyBilling * (terms / 30 + 1) * 1.5), currency);

    // A few subsidiaries of a key account (or of another customer) billed in the same currency.
    const family = families.get(currency) ?? { all: [], keys: [] };
    families.set(currency, family);
    let parentRef = "";
    if (!isKey && family.all.length > 0 && random.chance(0.04)) {
      parentRef = customers[random.pick(family.keys.length > 0 ? family.keys : family.all)]!.ref;
    }
    family.all.push(index);
    if (isKey) family.keys.push(index);

    const owner =
      currency === "EUR"
        ? random.pick(SALES_OWNERS.slice(1))
        : random.chance(0.8)
          ? SALES_OWNERS[0]
          : SALES_OWNERS[2];
    const collector =
      language === "de" && random.chance(0.8)
        ? COLLECTORS[1]
        : language === "fr" && random.chance(0.8)
          ? COLLECTORS[2]
          : random.pick([COLLECTORS[0], COLLECTORS[3]]);
    const requiresPo = random.chance(isKey ? 0.8 : 0.2);
    const ref = `C${String(index + 1).padStart(refWidth, "0")}`;

    const payRunDow = isKey || random.chance(0.25) ? random.int(1, 5) : -1;
    const drift =
      (profile === "prompt" || profile === "slow") && random.chance(0.06) ? random.int(20, 45) : 0;

    customers.push({
      index,
      ref,
      currency,
      terms,
      profile,
      frequency: frequency[index]!,
      meanInvoice,
      payRunDow,
      requiresPo,
      poStyle: random.int(0, 2),
      poSequence: random.int(1000, 90_000),
      drift,
      row: [
        ref,
        name,
        country,
        currency,
        String(terms),
        creditLimit,
        parentRef,
        email,
        phone,
        contactName,
        language,
        owner,
        collector,
        requiresPo ? "true" : "false",
      ],
    });
  }
  return customers;
}

/** Rounds up to 1, 2 or 5 × a power of ten (in minor units), e.g. 123456 → 200000. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

// ---------------------------------------------------------------------------------------------
// Invoices, credit notes and payments

interface PendingEvent {
  kind: "payment" | "credit_note";
  customer: number;
  /** Blank for unapplied cash or an unapplied credit note. */
  invoiceRef: string;
  amount: number;
}

const DESCRIPTIONS = [
  "Professional services",
  "Software subscription",
  "Hardware supply",
  "Maintenance contract",
  "Freight, handling and insurance",
  "Consulting - project phase",
  "Spare parts",
  "Installation and training",
  "Support retainer",
  "Raw materials",
];

function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
}

/** Splits `total` invoices over the business days of the period: growth, month-end peaks, quiet Augusts. */
function invoicesPerDay(config: Config): Int32Array {
  const span = config.asOfDay - config.fromDay + 1;
  const weights = new Float64Array(span);
  const counts = new Int32Array(span);
  let total = 0;
  for (let offset = 0; offset < span; offset++) {
    const day = config.fromDay + offset;
    const dow = dayOfWeek(day);
    if (dow === 0 || dow === 6) continue;
    const date = fromDayNumber(day);
    const month = +date.slice(5, 7);
    const dom = +date.slice(8, 10);
    const nextMonthStart = fromDayNumber(day + 4).slice(5, 7) !== date.slice(5, 7);
    let weight = 1 + (0.3 * offset) / span;
    if (nextMonthStart) weight *= 1.6; // month-end billing run
    if (dom <= 3) weight *= 1.2; // start-of-month subscriptions
    if (month === 8 || (month === 12 && dom > 20)) weight *= 0.7;
    weights[offset] = weight;
    total += weight;
  }
  if (total === 0) {
    // A period with no business day (a weekend): bill on the days there are.
    weights.fill(1);
    total = span;
  }
  const fractions: [number, number][] = [];
  let assigned = 0;
  for (let offset = 0; offset < span; offset++) {
    const quota = (config.invoices * weights[offset]!) / total;
    counts[offset] = Math.floor(quota);
    assigned += counts[offset]!;
    fractions.push([quota - counts[offset]!, offset]);
  }
  fractions.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; i < config.invoices - assigned; i++) counts[fractions[i % fractions.length]![1]]!++;
  return counts;
}

async function writeLedger(
  config: Config,
  customers: DemoCustomer[],
  writers: Record<"invoices" | "creditNotes" | "payments", CsvFileWriter>,
): Promise<Omit<PortfolioCounts, "customers">> {
  const random = Random.stream(config.seed, "ledger");
  const frequencyPicker = new AliasTable(customers.map((customer) => customer.frequency));
  const span = config.asOfDay - config.fromDay + 1;
  const perDay = invoicesPerDay(config);
  const pending: (PendingEvent[] | undefined)[] = new Array<PendingEvent[] | undefined>(span);
  const dateCache = new Map<number, string>();
  const dateText = (day: number): string => {
    let text = dateCache.get(day);
    if (text === undefined) {
      text = fromDayNumber(day);
      dateCache.set(day, text);
    }
    return text;
  };
  const invoiceWidth = Math.max(6, String(config.invoices).length);
  const paymentWidth = Math.max(6, String(config.invoices).length + 1);
  let invoiceCount = 0;
  let creditNoteCount = 0;
  /** Rows of payments.csv, and distinct payment refs. */
  let paymentCount = 0;
  let remittanceCount = 0;

  const schedule = (day: number, event: PendingEvent): void => {
    if (day > config.asOfDay) return; // after the cut-off: the amount stays open
    const offset = day - config.fromDay;
    (pending[offset] ??= []).push(event);
  };

  const planner = new SettlementPlanner(random, schedule);

  for (let offset = 0; offset < span; offset++) {
    const day = config.fromDay + offset;
    const issueDate = dateText(day);
    const progress = offset / span;

    for (let n = perDay[offset]!; n > 0; n--) {
      const customer = customers[frequencyPicker.sample(random)]!;
      invoiceCount++;
      const ref = `INV-${String(invoiceCount).padStart(invoiceWidth, "0")}`;
      const amount = invoiceAmount(customer, random);
      const dueDay = day + customer.terms;
      let po = "";
      if (customer.requiresPo ? !random.chance(0.03) : random.chance(0.05))
        po = poNumber(customer, issueDate);
      const description = `${random.pick(DESCRIPTIONS)} ${issueDate.slice(0, 7)}`;
      writers.invoices.writeRow([
        ref,
        customer.ref,
        issueDate,
        dateText(dueDay),
        formatMinorUnits(amount, customer.currency),
        customer.currency,
        po,
        description,
      ]);
      planner.plan(customer, ref, amount, day, progress);
      if ((n & 1023) === 0) await writers.invoices.flushIfFull();
    }

    const events = pending[offset];
    pending[offset] = undefined;
    if (events) {
      events.sort((a, b) => a.customer - b.customer); // stable: keeps planning order within a customer
      let current = -1;
      let paymentRef = "";
      let paymentTotal = 0;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const customer = customers[event.customer]!;
        if (event.kind === "credit_note") {
          creditNoteCount++;
          writers.creditNotes.writeRow([
            `CN-${String(creditNoteCount).padStart(invoiceWidth - 1, "0")}`,
            customer.ref,
            issueDate,
            formatMinorUnits(event.amount, customer.currency),
            customer.currency,
            event.invoiceRef,
          ]);
          continue;
        }
        // All of a customer's allocations on one day travel in one remittance (one payment_ref).
        if (event.customer !== current) {
          current = event.customer;
          remittanceCount++;
          paymentRef = `PAY-${String(remittanceCount).padStart(paymentWidth, "0")}`;
          paymentTotal = 0;
        }
        paymentCount++;
        paymentTotal += event.amount;
        writers.payments.writeRow([
          paymentRef,
          customer.ref,
          issueDate,
          formatMinorUnits(event.amount, customer.currency),
          customer.currency,
          event.invoiceRef,
        ]);
        const last = events[i + 1] === undefined || events[i + 1]!.customer !== current;
        if (last && event.invoiceRef !== "" && random.chance(0.004)) {
          // An overpayment or an unexplained remainder: unapplied cash on the same remittance.
          const extra = Math.max(1, Math.round(paymentTotal * random.uniform(0.005, 0.05)));
          paymentCount++;
          writers.payments.writeRow([
            paymentRef,
            customer.ref,
            issueDate,
            formatMinorUnits(extra, customer.currency),
            customer.currency,
            "",
          ]);
        }
      }
    }

    await Promise.all([
      writers.invoices.flushIfFull(),
      writers.creditNotes.flushIfFull(),
      writers.payments.flushIfFull(),
    ]);
    config.onProgress?.(invoiceCount, config.invoices);
  }
  return { invoices: invoiceCount, creditNotes: creditNoteCount, payments: paymentCount };
}

function invoiceAmount(customer: DemoCustomer, random: Random): number {
  const sigma = 0.7;
  let amount = customer.meanInvoice * random.logNormal(-(sigma * sigma) / 2, sigma);
  const unit = 10 ** minorDigits(customer.currency);
  if (random.chance(0.25)) {
    // Round figures: retainers, subscriptions, fixed fees.
    const step = amount > 5000 * unit ? 100 * unit : 10 * unit;
    amount = Math.round(amount / step) * step;
  }
  return Math.max(unit, Math.round(amount));
}

function poNumber(customer: DemoCustomer, issueDate: string): string {
  customer.poSequence++;
  switch (customer.poStyle) {
    case 0:
      return `45${String(customer.poSequence * 97 + customer.index)
        .padStart(8, "0")
        .slice(-8)}`;
    case 1:
      return `PO-${issueDate.slice(0, 4)}-${String(customer.poSequence).padStart(5, "0")}`;
    default:
      return `${customer.ref}/${customer.poSequence}`;
  }
}

/**
 * Splits `amount` into two positive parts, the first about `fraction` of it; null when the amount
 * is too small to split.
 */
function split(amount: number, fraction: number): [number, number] | null {
  if (amount < 2) return null;
  const first = Math.min(amount - 1, Math.max(1, Math.round(amount * fraction)));
  return [first, amount - first];
}

/**
 * Plans how and when each invoice is settled, from its customer's profile. Dates after asOf are
 * dropped by `schedule`, which is what leaves the realistic open items at asOf. (A class rather than
 * closures per invoice: this runs a million times for the large portfolios.)
 */
class SettlementPlanner {
  private customer!: DemoCustomer;
  private invoiceRef = "";
  private amount = 0;
  private issueDay = 0;

  constructor(
    private readonly random: Random,
    private readonly schedule: (day: number, event: PendingEvent) => void,
  ) {}

  plan(customer: DemoCustomer, invoiceRef: string, amount: number, issueDay: number, progress: number): void {
    this.customer = customer;
    this.invoiceRef = invoiceRef;
    this.amount = amount;
    this.issueDay = issueDay;
    const random = this.random;
    const dueDay = issueDay + customer.terms;
    const drift = Math.round(customer.drift * progress * progress);

    // A little cash on account and a few rebates, not tied to any invoice.
    if (random.chance(0.001)) {
      const value = Math.max(1, Math.round(amount * random.uniform(0.1, 0.5)));
      this.unapplied("payment", this.businessDay(issueDay + random.int(1, 20)), value);
    }
    if (random.chance(0.002)) {
      const value = Math.max(1, Math.round(amount * random.uniform(0.02, 0.08)));
      this.unapplied("credit_note", this.businessDay(issueDay + random.int(10, 60)), value);
    }

    const r = random.next();
    switch (customer.profile) {
      case "prompt": {
        if (r < 0.18) {
          return this.payMostly(
            this.payDay(issueDay + random.int(1, Math.max(1, customer.terms - 4))),
            0.005,
          );
        }
        const late = r < 0.85 ? random.triangular(-4, 0, 6) : random.int(6, 14);
        return this.payMostly(this.payDay(dueDay + late + drift), 0.008);
      }
      case "slow": {
        const late = r < 0.92 ? random.triangular(15, 28, 45) : random.int(4, 14);
        const day = this.payDay(dueDay + late + drift);
        const parts = random.chance(0.04) ? split(amount, random.uniform(0.4, 0.8)) : null;
        if (!parts) return this.payMostly(day, 0.01);
        this.pay(day, parts[0]);
        return this.pay(this.payDay(day + random.int(15, 40)), parts[1]);
      }
      case "chronic": {
        if (r < 0.1) return; // never paid
        if (r < 0.4) {
          const parts = split(amount, random.uniform(0.25, 0.7));
          const first = this.payDay(dueDay + random.int(35, 90));
          this.pay(first, parts ? parts[0] : amount);
          if (parts && random.chance(0.65)) this.pay(this.payDay(first + random.int(30, 80)), parts[1]);
          return;
        }
        return this.pay(this.payDay(dueDay + random.int(60, 150)), amount);
      }
      case "disputer": {
        if (r < 0.75) return this.payMostly(this.payDay(dueDay + random.triangular(-2, 5, 25)), 0.01);
        const kind = random.next();
        if (kind < 0.45)
          return this.partialCredit(this.businessDay(dueDay + random.int(5, 45)), 0.1, 0.4, 35);
        if (kind < 0.53) return this.credit(this.businessDay(issueDay + random.int(15, 60)), amount); // cancelled
        return this.pay(this.payDay(dueDay + random.int(70, 140)), amount); // paid once the dispute ends
      }
      case "key_account": {
        if (r < 0.02)
          return this.partialCredit(this.businessDay(dueDay + random.int(10, 40)), 0.05, 0.15, 20);
        const late = r < 0.9 ? random.triangular(-2, 3, 12) : random.int(12, 35);
        return this.payMostly(this.payDay(dueDay + late), 0.005);
      }
    }
  }

  /** A payment day: not before the day after issue, on the customer's pay-run weekday or a weekday. */
  private payDay(target: number): number {
    let day = Math.max(this.issueDay + 1, Math.round(target));
    const payRun = this.customer.payRunDow;
    if (payRun >= 0) {
      while (dayOfWeek(day) !== payRun) day++;
      return day;
    }
    while (dayOfWeek(day) === 0 || dayOfWeek(day) === 6) day++;
    return day;
  }

  private businessDay(target: number): number {
    let day = Math.max(this.issueDay + 1, Math.round(target));
    while (dayOfWeek(day) === 0 || dayOfWeek(day) === 6) day++;
    return day;
  }

  private pay(day: number, amount: number): void {
    this.schedule(day, {
      kind: "payment",
      customer: this.customer.index,
      invoiceRef: this.invoiceRef,
      amount,
    });
  }

  private credit(day: number, amount: number): void {
    this.schedule(day, {
      kind: "credit_note",
      customer: this.customer.index,
      invoiceRef: this.invoiceRef,
      amount,
    });
  }

  private unapplied(kind: PendingEvent["kind"], day: number, amount: number): void {
    this.schedule(day, { kind, customer: this.customer.index, invoiceRef: "", amount });
  }

  /** Pays in full, or now and then short-pays a small deduction (which then stays open). */
  private payMostly(day: number, deductionChance: number): void {
    const parts = this.random.chance(deductionChance)
      ? split(this.amount, this.random.uniform(0.9, 0.99))
      : null;
    this.pay(day, parts ? parts[0] : this.amount);
  }

  /** A credit note for part of the invoice, then the rest paid a little later. */
  private partialCredit(cnDay: number, shareMin: number, shareMax: number, payDelayMax: number): void {
    const parts = split(this.amount, this.random.uniform(shareMin, shareMax));
    if (!parts) return this.pay(this.payDay(cnDay), this.amount);
    this.credit(cnDay, parts[0]);
    this.pay(this.payDay(cnDay + this.random.int(5, payDelayMax)), parts[1]);
  }
}
