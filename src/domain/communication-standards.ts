/**
 * Communication standards for collection messages: what a template must never say (threats,
 * shaming, shouting, false urgency, rudeness) and what it must always offer (a way to reach us and
 * a way to query or dispute). Checked on the raw template source, in English, German and French,
 * before a template is saved or shipped. The phrase lists are deliberately pragmatic: they catch
 * the wording collectors are known to slip into, not every conceivable paraphrase.
 */

export type StandardsRule =
  | "threat"
  | "shaming"
  | "all_caps"
  | "false_urgency"
  | "missing_contact"
  | "missing_dispute_route"
  | "unprofessional";

export interface StandardsFinding {
  rule: StandardsRule;
  message: string;
  excerpt?: string;
}

export type StandardsLanguage = "en" | "de" | "fr";
export type StandardsChannel = "email" | "letter" | "sms" | "notify_owner";

export interface CommunicationStandardsInput {
  subject: string;
  body: string;
  language: StandardsLanguage;
  channel: StandardsChannel;
}

const MESSAGES: Readonly<Record<StandardsRule, string>> = {
  threat:
    "The wording threatens the customer (legal action, bailiffs, reporting, ultimatums), which damages the relationship and can breach fair debt-collection rules; state the facts and the agreed next step instead.",
  shaming:
    "The wording shames or insults the customer or threatens to expose them to others, which is unfair, harms the relationship and can be unlawful.",
  all_caps:
    "Text written in capital letters reads as shouting; use normal sentence case and keep capitals for abbreviations such as VAT or invoice numbers.",
  false_urgency:
    "The wording creates pressure that is not backed by a real date or term (for example 'act now' or '!!'); give the actual date by which payment is expected instead.",
  missing_contact:
    "The message gives the customer no email address or phone number of ours, so they cannot easily pay, ask or respond; include organisation.email or organisation.phone.",
  missing_dispute_route:
    "The message does not tell the customer how to query or dispute an item, which every collection message must offer so that genuine problems surface early.",
  unprofessional:
    "The wording is unprofessional (profanity, insults or excessive exclamation marks) and does not reflect how we want to speak to customers.",
};

const LETTER = "\\p{L}\\p{N}";

/**
 * A case-insensitive pattern matched on whole words; a space stands for any run of whitespace and
 * `'` for either apostrophe.
 */
function phrase(source: string): RegExp {
  const body = source.replace(/ /g, "\\s+").replace(/'/g, "['’]");
  return new RegExp(`(?<![${LETTER}])(?:${body})(?![${LETTER}])`, "giu");
}

/** A case-sensitive whole-word pattern, for words that only offend when shouted. */
function shouted(source: string): RegExp {
  return new RegExp(`(?<![${LETTER}])(?:${source})(?![${LETTER}])`, "gu");
}

type PhraseLists = Readonly<Record<StandardsLanguage, readonly RegExp[]>>;

const THREATS: PhraseLists = {
  en: [
    phrase("or else"),
    phrase("we will (?:sue|prosecute|take you to court|come after you)"),
    phrase("(?:sue|prosecute) you"),
    phrase("take you to court"),
    phrase("(?:legal|court) (?:action|proceedings)"),
    phrase("report(?:ing)? you(?:r company)? to"),
    phrase("blacklist(?:ed|ing)?"),
    phrase("bailiffs?"),
    phrase("seize|seizure|seizing"),
    phrase("police"),
    phrase("arrest(?:ed)?"),
    phrase("criminal"),
    phrase("final warning"),
    phrase("(?:face|suffer) (?:the )?consequences"),
    phrase("you will regret"),
    phrase("we will (?:be forced|have no choice)"),
    phrase("debt collectors? will"),
    phrase("(?:ruin|damage|destroy) your (?:credit|reputation|business)"),
  ],
  de: [
    phrase("(?:rechtliche|gerichtliche|juristische) (?:Schritte|Maßnahmen)"),
    phrase("(?:ansonsten|sonst|andernfalls) (?:werden|wird|müssen|sehen) wir"),
    phrase("verklagen|Klage (?:erheben|einreichen)"),
    phrase("Gerichtsvollzieher(?:in)?"),
    phrase("Pfändung(?:en)?|pfänden"),
    phrase("Polizei"),
    phrase("Strafanzeige"),
    phrase("schwarze(?:n)? Liste"),
    phrase("letzte Warnung"),
    phrase("melden (?:wir )?Sie (?:bei|an|der)"),
    phrase("mit Konsequenzen"),
    phrase("Konsequenzen (?:ziehen|tragen)"),
    phrase("werden Sie bereuen"),
  ],
  fr: [
    phrase("sinon,? nous"),
    phrase("faute de quoi nous"),
    phrase("poursuites? (?:judiciaires?|pénales?)"),
    phrase("nous (?:vous )?poursuivrons"),
    phrase("huissiers?"),
    phrase(
      "saisies?(?:-attribution| conservatoires?| sur (?:vos|votre)| de vos (?:biens|comptes|avoirs))|(?:saisir|faire saisir) vos",
    ),
    phrase("police|gendarmerie"),
    phrase("liste noire"),
    phrase("dernier avertissement"),
    phrase("vous signaler (?:à|aux)"),
    phrase("porter plainte|dépôt de plainte"),
    phrase("(?:en subir|subir les|assumer les) conséquences"),
    phrase("assignation|vous assigner"),
    phrase("vous le regretterez"),
  ],
};

const SHAMING: PhraseLists = {
  en: [
    phrase("publicly (?:nam(?:e|es|ed|ing)|list(?:s|ed|ing)?|expos(?:e|es|ed|ing)|sham(?:e|es|ed|ing))"),
    phrase("name and shame"),
    phrase("wall of shame"),
    phrase(
      "(?:tell|inform|notify|contact|warn) your (?:customers|clients|suppliers|partners|employees|staff|bank)",
    ),
    phrase("social media"),
    phrase("bad payers? list"),
    phrase("deadbeats?"),
    phrase("irresponsible"),
    phrase("disgrace(?:ful)?"),
    phrase("shame(?:ful)?|ashamed"),
    phrase("dishonest"),
    phrase("untrustworthy"),
    phrase("pathetic"),
    phrase("incompetent"),
    phrase("liars?"),
    phrase("cheat(?:s|ing)?"),
    phrase("embarrass(?:ing|ment)?"),
  ],
  de: [
    phrase("öffentlich (?:machen|nennen|bekanntmachen|bekannt machen|anprangern)"),
    phrase("an den Pranger|Pranger"),
    phrase(
      "Ihre(?:n)? (?:Kunden|Geschäftspartner|Lieferanten|Mitarbeiter|Bank) (?:informieren|benachrichtigen|unterrichten|in Kenntnis setzen)",
    ),
    phrase(
      "(?:informieren|benachrichtigen|unterrichten) wir Ihre(?:n)? (?:Kunden|Geschäftspartner|Lieferanten|Mitarbeiter|Bank)",
    ),
    phrase("sozialen Medien"),
    phrase("Schuldnerliste"),
    phrase("unzuverlässig(?:e|er|en)?"),
    phrase("verantwortungslos(?:e|er|en)?"),
    phrase("Schande|schämen"),
    phrase("unseriös(?:e|er|en)?"),
    phrase("Betrüger(?:in)?|betrügerisch"),
    phrase("unfähig(?:e|er|en)?"),
    phrase("dreist(?:e|er|en)?"),
    phrase("peinlich"),
  ],
  fr: [
    phrase("publiquement"),
    phrase("rendre public"),
    phrase(
      "(?:informer|prévenir|avertir|contacter) vos (?:clients|fournisseurs|partenaires|salariés|employés|banques?)",
    ),
    phrase("réseaux sociaux"),
    phrase("mauvais payeurs?"),
    phrase("irresponsables?"),
    phrase("honte|honteux|honteuse"),
    phrase("indignes?"),
    phrase("malhonnêtes?"),
    phrase("escrocs?"),
    phrase("incompétents?"),
    phrase("peu fiables?"),
    phrase("scandaleux|scandaleuse"),
    phrase("inadmissible"),
  ],
};

const URGENCY: PhraseLists = {
  en: [
    phrase("act now"),
    phrase("immediately or"),
    phrase("(?:last|final) chance"),
    phrase("within \\d+ hours"),
    phrase("before it'?s too late"),
    phrase("time is running out"),
    phrase("don'?t delay"),
    phrase("pay (?:now|today) or"),
    phrase("urgent action|urgent\\s*:"),
    phrase("urgently required"),
    shouted("URGENT"),
    shouted("IMMEDIATELY"),
  ],
  de: [
    phrase("handeln Sie (?:jetzt|sofort)"),
    phrase("jetzt handeln"),
    phrase("(?:sofort|umgehend|unverzüglich) oder"),
    phrase("letzte (?:Chance|Gelegenheit)"),
    phrase("innerhalb (?:von )?\\d+ Stunden"),
    phrase("bevor es zu spät ist"),
    phrase("die Zeit läuft ab"),
    phrase("dringender Handlungsbedarf|dringend\\s*:"),
    shouted("DRINGEND"),
    shouted("SOFORT"),
    shouted("EILT"),
  ],
  fr: [
    phrase("agissez (?:maintenant|immédiatement|sans attendre)"),
    phrase("immédiatement ou"),
    phrase("dernière chance"),
    phrase("(?:dans les|sous) \\d+\\s*(?:heures|h)"),
    phrase("avant qu'il ne soit trop tard"),
    phrase("le temps presse|urgent\\s*:"),
    phrase("payez (?:maintenant|immédiatement|aujourd'hui) ou"),
    shouted("URGENT"),
    shouted("IMMÉDIATEMENT"),
  ],
};

const UNPROFESSIONAL: PhraseLists = {
  en: [
    phrase("damn(?:ed)?|bloody|crap|shit\\w*|fuck\\w*|piss(?:ed)?|bastards?|hell"),
    phrase("idiots?|stupid|ridiculous|moron\\w*"),
    phrase("pls|plz|thx|lol"),
  ],
  de: [
    phrase("Scheiße|scheiß\\w*|verdammt\\w*|Mist|Arsch\\w*"),
    phrase("Idiot(?:en)?|blöd\\w*|dämlich\\w*|lächerlich\\w*"),
  ],
  fr: [
    phrase("merde|putain|bordel|con|connard\\w*|foutre|foutez"),
    phrase("imbéciles?|idiots?|ridicules?|crétins?"),
  ],
};

/** Any language: it is a query or dispute route when the customer is told how to raise one. */
const DISPUTE_ROUTE: PhraseLists = {
  en: [
    phrase("if you believe"),
    phrase("disputes?|disputed|disagree"),
    phrase("quer(?:y|ies)"),
    phrase("questions?"),
    phrase("incorrect|not correct|discrepanc(?:y|ies)|in error"),
  ],
  de: [
    phrase("Rückfragen?"),
    phrase("Einwände|Einwand|Einspruch|Widerspruch|beanstanden|Beanstandung(?:en)?"),
    phrase("Fragen?"),
    phrase("nicht korrekt|fehlerhaft|unstimmig|Unstimmigkeit(?:en)?|Abweichung(?:en)?"),
  ],
  fr: [
    phrase("contester|contestation|contestez"),
    phrase("questions?"),
    phrase("incorrecte?s?|erreur|erroné(?:e|es|s)?"),
    phrase("désaccord|réclamation|litige"),
  ],
};

/** Capital-letter tokens that are names or abbreviations, not shouting. */
const ALLOWED_CAPITALS = new Set(
  (
    "VAT PO IBAN BIC SWIFT SEPA ACH BACS CHAPS UK EU US USA ID PDF SMS CEO CFO AR AP DSO OK FAQ URL IT HR TC " +
    "GDPR BGB HGB AGB RIB CGV DSGVO RGPD " +
    "LLC LTD PLC INC GMBH AG KG SA SAS SARL SIRET SIREN TVA HT TTC UST MWST NR CC BCC RE FW FWD EUR USD " +
    "GBP CHF JPY KWD CAD AUD SEK NOK DKK PLN CZK HUF CNY INR BRL MXN ZAR NZD SGD HKD AED SAR"
  ).split(" "),
);

/** Text a human will read: Liquid tags removed, outputs replaced by a neutral placeholder. */
function neutraliseLiquid(source: string): string {
  const literals: string[] = [];
  const collect = (code: string) => {
    for (const match of code.matchAll(/"([^"]*)"|'([^']*)'/g)) literals.push(match[1] ?? match[2] ?? "");
  };
  const text = source
    .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, "")
    .replace(/\{%-?[\s\S]*?-?%\}/g, (tag) => {
      collect(tag);
      return "";
    })
    .replace(/\{\{-?[\s\S]*?-?\}\}/g, (output) => {
      collect(output);
      return "…";
    });
  // String literals (a `default:` greeting, an `assign`) are read too, each on its own line.
  return literals.length > 0 ? `${text}\n${literals.join("\n")}` : text;
}

/** The match with up to 30 characters either side, within its own line. */
function excerptAround(text: string, index: number, length: number): string {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  const newline = text.indexOf("\n", index + length);
  const lineEnd = newline < 0 ? text.length : newline;
  const start = Math.max(lineStart, index - 30);
  const end = Math.min(lineEnd, index + length + 30);
  const excerpt = text.slice(start, end).replace(/\s+/g, " ").trim();
  return `${start > lineStart ? "…" : ""}${excerpt}${end < lineEnd ? "…" : ""}`;
}

function findPhrases(rule: StandardsRule, text: string, patterns: readonly RegExp[]): StandardsFinding[] {
  const findings: StandardsFinding[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const key = match[0].toLowerCase().replace(/\s+/g, " ");
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        rule,
        message: MESSAGES[rule],
        excerpt: excerptAround(text, match.index, match[0].length),
      });
    }
  }
  return findings;
}

type CapitalToken = "shout" | "neutral" | "normal";

function classifyToken(raw: string): CapitalToken {
  const token = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  const letters = token.replace(/[^\p{L}]/gu, "");
  if (letters.length === 0 || /\p{N}/u.test(token)) return "neutral"; // placeholders, numbers, invoice refs
  if (letters !== letters.toUpperCase() || letters === letters.toLowerCase()) return "normal";
  if (letters.length < 2 || ALLOWED_CAPITALS.has(letters.toUpperCase())) return "neutral";
  return "shout";
}

function findCapitals(subject: string, body: string): StandardsFinding[] {
  const findings: StandardsFinding[] = [];
  for (const text of [subject, body]) {
    for (const line of text.split("\n")) {
      let run: string[] = [];
      let reported = false;
      const flush = () => {
        if (run.length >= 3 && !reported) {
          findings.push({ rule: "all_caps", message: MESSAGES.all_caps, excerpt: run.join(" ") });
          reported = true;
        }
        run = [];
      };
      for (const token of line.split(/\s+/).filter(Boolean)) {
        const kind = classifyToken(token);
        if (kind === "shout") run.push(token);
        else if (kind === "normal") {
          flush();
          reported = false;
        }
      }
      flush();
    }
  }
  const tokens = subject.split(/\s+/).filter(Boolean);
  const shouting = tokens.filter((token) => classifyToken(token) === "shout");
  const worded = tokens.filter((token) => classifyToken(token) !== "neutral");
  if (
    findings.length === 0 &&
    worded.length > 0 &&
    shouting.length / worded.length > 0.5 &&
    shouting.join("").length >= 8
  ) {
    findings.push({ rule: "all_caps", message: MESSAGES.all_caps, excerpt: subject.trim() });
  }
  return findings;
}

const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const PHONE_NUMBER = /\+?\d[\d\s().-]{6,}\d/;
const CONTACT_VARIABLE = /organisation\.(?:email|phone)\b/;

/**
 * Checks a message template (raw Liquid source, or already rendered text) against Recoup's
 * communication standards. Liquid tags are ignored and `{{ … }}` outputs read as a neutral
 * placeholder; a template that outputs `organisation.email` or `organisation.phone` has contact
 * details. Returns one finding per problem found, [] when the message is acceptable.
 * @example checkCommunicationStandards({ subject: "PAY NOW OR ELSE", body: "…", language: "en", channel: "email" })
 * // [{ rule: "threat", … }, { rule: "all_caps", … }, …]
 */
export function checkCommunicationStandards(input: CommunicationStandardsInput): StandardsFinding[] {
  const subject = neutraliseLiquid(input.subject);
  const body = neutraliseLiquid(input.body);
  const text = `${subject}\n${body}`;
  const { language } = input;

  const findings: StandardsFinding[] = [
    ...findPhrases("threat", text, THREATS[language]),
    ...findPhrases("shaming", text, SHAMING[language]),
    ...findCapitals(subject, body),
    ...findPhrases("false_urgency", text, URGENCY[language]),
  ];
  const doubled = /[!?]*![!?]*!/u.exec(text);
  if (doubled) {
    findings.push({
      rule: "false_urgency",
      message: MESSAGES.false_urgency,
      excerpt: excerptAround(text, doubled.index, doubled[0].length),
    });
  }

  const raw = `${input.subject}\n${input.body}`;
  if (!CONTACT_VARIABLE.test(raw) && !EMAIL_ADDRESS.test(text) && !PHONE_NUMBER.test(text)) {
    findings.push({ rule: "missing_contact", message: MESSAGES.missing_contact });
  }
  if (
    input.channel !== "notify_owner" &&
    !DISPUTE_ROUTE[language].some((pattern) => hasMatch(pattern, text))
  ) {
    findings.push({ rule: "missing_dispute_route", message: MESSAGES.missing_dispute_route });
  }

  findings.push(...findPhrases("unprofessional", text, UNPROFESSIONAL[language]));
  const exclamations = (text.match(/!/g) ?? []).length;
  if (exclamations > 2 || /\?!|!\?/.test(text)) {
    findings.push({
      rule: "unprofessional",
      message: MESSAGES.unprofessional,
      excerpt: `${exclamations} exclamation mark${exclamations === 1 ? "" : "s"}`,
    });
  }
  return findings;
}

function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}
