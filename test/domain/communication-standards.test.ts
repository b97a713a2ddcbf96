import { describe, expect, it } from "vitest";
import { loadMessageTemplates } from "../../src/channels/message-templates.js";
import {
  checkCommunicationStandards,
  type StandardsChannel,
  type StandardsFinding,
  type StandardsLanguage,
} from "../../src/domain/communication-standards.js";

/** A body that has everything the standards ask for, so that only the sentence under test can fail. */
const CLEAN: Record<StandardsLanguage, { subject: string; body: string }> = {
  en: {
    subject: "Payment reminder: invoice {{ invoices.first.ref }} — {{ customer.name }}",
    body:
      'Dear {{ contact.name | default: "Accounts Payable team" }},\n\n' +
      "Invoice {{ invoices.first.ref }} for {{ totals.first | money }} was due on {{ invoices.first.dueDate | longdate }}.\n" +
      "If anything is incorrect or you have a query, please contact us at {{ organisation.email }}.\n\n" +
      "Kind regards,\n{{ organisation.name }}",
  },
  de: {
    subject: "Zahlungserinnerung: Rechnung {{ invoices.first.ref }} – {{ customer.name }}",
    body:
      "Sehr geehrte Damen und Herren,\n\n" +
      "die Rechnung {{ invoices.first.ref }} über {{ totals.first | money }} war am {{ invoices.first.dueDate | longdate }} fällig.\n" +
      "Bei Rückfragen erreichen Sie uns unter {{ organisation.phone }}.\n\n" +
      "Mit freundlichen Grüßen\n{{ organisation.name }}",
  },
  fr: {
    subject: "Rappel de paiement : facture {{ invoices.first.ref }} – {{ customer.name }}",
    body:
      "Madame, Monsieur,\n\n" +
      "La facture {{ invoices.first.ref }} de {{ totals.first | money }} était due le {{ invoices.first.dueDate | longdate }}.\n" +
      "Pour toute question ou contestation, contactez-nous à l’adresse {{ organisation.email }}.\n\n" +
      "Bien cordialement,\n{{ organisation.name }}",
  },
};

function check(
  language: StandardsLanguage,
  sentence: string,
  options: { subject?: string; channel?: StandardsChannel } = {},
): StandardsFinding[] {
  return checkCommunicationStandards({
    subject: options.subject ?? CLEAN[language].subject,
    body: `${CLEAN[language].body}\n\n${sentence}`,
    language,
    channel: options.channel ?? "email",
  });
}

const rules = (findings: StandardsFinding[]) => [...new Set(findings.map((finding) => finding.rule))];

describe("checkCommunicationStandards", () => {
  it.each(["en", "de", "fr"] as const)("accepts the clean %s example", (language) => {
    expect(check(language, "")).toEqual([]);
  });

  const bad: [StandardsFinding["rule"], StandardsLanguage, string][] = [
    ["threat", "en", "Pay by Friday or else."],
    ["threat", "en", "If we do not hear from you, we will sue."],
    ["threat", "en", "We will report you to the credit agencies."],
    ["threat", "en", "Your company will be blacklisted."],
    ["threat", "en", "The bailiff will call to seize your goods."],
    ["threat", "en", "This matter may be passed to the police."],
    ["threat", "en", "This is your final warning."],
    ["threat", "en", "We will start legal action without further notice."],
    ["threat", "de", "Andernfalls werden wir rechtliche Schritte einleiten."],
    ["threat", "de", "Wir werden den Gerichtsvollzieher beauftragen."],
    ["threat", "de", "Es droht die Pfändung Ihres Kontos."],
    ["threat", "de", "Dies ist unsere letzte Warnung."],
    ["threat", "de", "Wir setzen Sie auf die schwarze Liste."],
    ["threat", "fr", "Sinon, nous engagerons des poursuites judiciaires."],
    ["threat", "fr", "Nous mandaterons un huissier pour une saisie de vos biens."],
    ["threat", "fr", "Ceci est notre dernier avertissement."],
    ["threat", "fr", "Votre société sera inscrite sur une liste noire."],
    ["shaming", "en", "We will tell your customers that you do not pay your bills."],
    ["shaming", "en", "Frankly, this is irresponsible and a disgrace."],
    ["shaming", "en", "Deadbeat companies like yours end up on our list."],
    ["shaming", "en", "We will publicly name late payers on social media."],
    ["shaming", "en", "We are considering publicly naming your company."],
    ["shaming", "de", "Wir werden Ihre Kunden informieren, dass Sie nicht zahlen."],
    ["shaming", "de", "Ihr Verhalten ist verantwortungslos und unseriös."],
    ["shaming", "fr", "Nous allons informer vos clients de votre situation."],
    ["shaming", "fr", "Votre attitude est irresponsable et honteuse."],
    ["all_caps", "en", "PLEASE PAY THIS INVOICE today."],
    ["all_caps", "de", "BITTE ZAHLEN SIE SOFORT den Betrag."],
    ["all_caps", "fr", "MERCI DE PAYER RAPIDEMENT cette facture."],
    ["false_urgency", "en", "Act now to avoid problems."],
    ["false_urgency", "en", "This is your last chance to pay."],
    ["false_urgency", "en", "Pay within 24 hours."],
    ["false_urgency", "en", "URGENT: payment required."],
    ["false_urgency", "en", "Please pay today!!"],
    ["false_urgency", "de", "Handeln Sie jetzt, bevor es zu spät ist."],
    ["false_urgency", "de", "Zahlen Sie innerhalb von 48 Stunden."],
    ["false_urgency", "de", "Dies ist Ihre letzte Chance."],
    ["false_urgency", "fr", "Agissez maintenant pour éviter des frais."],
    ["false_urgency", "fr", "C'est votre dernière chance."],
    ["false_urgency", "fr", "Merci de payer dans les 24 heures."],
    ["unprofessional", "en", "This is bloody ridiculous."],
    ["unprofessional", "en", "Pay. Now. Please. Thanks! Really! Seriously!"],
    ["unprofessional", "de", "So ein Mist, das ist lächerlich."],
    ["unprofessional", "fr", "C'est ridicule, bordel."],
  ];
  it.each(bad)("flags %s in %s: %s", (rule, language, sentence) => {
    const findings = check(language, sentence);
    expect(rules(findings)).toContain(rule);
    const finding = findings.find((candidate) => candidate.rule === rule)!;
    expect(finding.message).toMatch(/^[A-Z].*\.$/);
    expect(finding.message.split(". ").length).toBe(1);
  });

  it.each(bad.filter(([rule]) => rule !== "all_caps" && rule !== "unprofessional"))(
    "quotes the offending words for %s in %s: %s",
    (rule, language, sentence) => {
      const finding = check(language, sentence).find((candidate) => candidate.rule === rule)!;
      expect(finding.excerpt).toBeTruthy();
      expect(sentence).toContain(finding.excerpt!.replace(/^…|…$/g, ""));
    },
  );

  it("flags a subject written mostly in capitals", () => {
    expect(rules(check("en", "", { subject: "OVERDUE INVOICE {{ invoices.first.ref }}" }))).toEqual([
      "all_caps",
    ]);
    expect(rules(check("de", "", { subject: "ZAHLUNGSERINNERUNG – {{ customer.name }}" }))).toEqual([
      "all_caps",
    ]);
  });

  const missingContact: Record<StandardsLanguage, string> = {
    en: "Dear customer,\n\nInvoice {{ invoices.first.ref }} is overdue. If anything is incorrect, please let us know.",
    de: "Sehr geehrte Damen und Herren,\n\ndie Rechnung {{ invoices.first.ref }} ist offen. Bei Rückfragen melden Sie sich bitte.",
    fr: "Madame, Monsieur,\n\nLa facture {{ invoices.first.ref }} est échue. Pour toute question, répondez-nous.",
  };
  it.each(["en", "de", "fr"] as const)("flags a %s message with no email or phone of ours", (language) => {
    const findings = checkCommunicationStandards({
      subject: "Reminder",
      body: missingContact[language],
      language,
      channel: "email",
    });
    expect(rules(findings)).toEqual(["missing_contact"]);
    const withLiteral = checkCommunicationStandards({
      subject: "Reminder",
      body: `${missingContact[language]}\nar@example.com, +49 30 1234567`,
      language,
      channel: "email",
    });
    expect(withLiteral).toEqual([]);
  });

  const noDisputeRoute: Record<StandardsLanguage, string> = {
    en: "Dear customer,\n\nInvoice {{ invoices.first.ref }} is overdue. Please pay. Contact: {{ organisation.email }}",
    de: "Sehr geehrte Damen und Herren,\n\nbitte zahlen Sie die Rechnung {{ invoices.first.ref }}. Kontakt: {{ organisation.email }}",
    fr: "Madame, Monsieur,\n\nMerci de régler la facture {{ invoices.first.ref }}. Contact : {{ organisation.email }}",
  };
  it.each(["en", "de", "fr"] as const)(
    "flags a %s customer message with no way to query or dispute, but not an internal note",
    (language) => {
      for (const channel of ["email", "letter", "sms"] as const) {
        const findings = checkCommunicationStandards({
          subject: "Reminder",
          body: noDisputeRoute[language],
          language,
          channel,
        });
        expect(rules(findings)).toEqual(["missing_dispute_route"]);
      }
      expect(
        checkCommunicationStandards({
          subject: "Reminder",
          body: noDisputeRoute[language],
          language,
          channel: "notify_owner",
        }),
      ).toEqual([]);
    },
  );

  const acceptable: [StandardsLanguage, string][] = [
    [
      "en",
      "If payment is not received by then, the account may be referred for further review in line with our agreed terms.",
    ],
    [
      "en",
      "Statutory interest of {{ interest | money }} has accrued; it continues to accrue until payment is received.",
    ],
    ["en", "Please pay within {{ days }} hours of this message."],
    [
      "en",
      "Please quote the VAT number, PO number and IBAN EUR GB29 NWBK 6016 1331 9268 19 with your payment.",
    ],
    ["en", "Thank you for your help!"],
    ["en", "If your query is urgent, please call us."],
    [
      "de",
      "Sollte die Zahlung bis dahin nicht eingegangen sein, kann das Kundenkonto gemäß unseren vereinbarten Bedingungen einer weiteren Prüfung zugeführt werden.",
    ],
    ["de", "Die gesetzlichen Verzugszinsen laufen bis zum Zahlungseingang weiter."],
    ["de", "Andernfalls wären wir Ihnen für eine kurze Nachricht dankbar."],
    [
      "fr",
      "À défaut de règlement à cette date, le compte pourra faire l’objet d’un examen complémentaire conformément à nos conditions convenues.",
    ],
    [
      "fr",
      "Mise en demeure de payer : les intérêts de retard continuent de courir jusqu’à complet paiement.",
    ],
    ["fr", "Le seize avril, nous avons reçu votre règlement partiel."],
    ["fr", "S’il s’agit d’une erreur de saisie de notre part, nous la corrigerons."],
    ["de", "Bitte beachten Sie unsere AGB und geben Sie die USt-IdNr. an."],
  ];
  it.each(acceptable)("accepts the factual %s sentence: %s", (language, sentence) => {
    expect(check(language, sentence)).toEqual([]);
  });

  it("ignores Liquid tags and reads outputs as placeholders, but reads string literals in them", () => {
    expect(
      check("en", "{% if invoices.size > 1 %}{% comment %}LAST CHANCE OR ELSE{% endcomment %}{% endif %}"),
    ).toEqual([]);
    expect(rules(check("en", '{{ contact.name | default: "you deadbeat" }}'))).toEqual(["shaming"]);
  });
});

describe("the shipped templates", () => {
  const channelOf = (key: string): StandardsChannel =>
    key === "sms-reminder"
      ? "sms"
      : key === "owner-update"
        ? "notify_owner"
        : key === "final-notice" || key === "demand-notice"
          ? "letter"
          : "email";
  const templates = [...loadMessageTemplates().values()];

  it("include all thirty-three", () => {
    expect(templates).toHaveLength(33);
  });

  it.each(templates.map((template) => [`${template.language}/${template.key}`, template] as const))(
    "%s meets the communication standards",
    (_id, template) => {
      const input = {
        subject: template.subject,
        body: template.body,
        language: template.language,
        channel: channelOf(template.key),
      };
      expect(checkCommunicationStandards(input)).toEqual([]);
      // Also as a customer email: every template, even the internal one, offers a contact.
      if (template.key !== "owner-update") {
        expect(checkCommunicationStandards({ ...input, channel: "email" })).toEqual([]);
      }
    },
  );
});
