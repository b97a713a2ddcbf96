import { expect, it } from "vitest";
import { applyCollectionPolicy } from "../../src/collections/apply-collection-policy.js";
import {
  checkTemplate,
  saveMessageTemplate,
  templatesInForce,
} from "../../src/collections/message-template-store.js";
import { parsePolicyText, policyToYaml } from "../../src/collections/policy-document.js";
import { knownTemplateKeys } from "../../src/collections/message-template-store.js";
import { renderMessage } from "../../src/channels/message-templates.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { fixedClock } from "../../src/clock.js";
import { defaultCollectionPolicy } from "../../src/domain/collection-policy.js";
import { RecoupError } from "../../src/errors.js";
import { describeEachDatabase } from "../support/databases.js";

const clock = fixedClock("2026-12-03T09:00:00Z");

const POLITE = `---
subject: "A gentle reminder from {{ organisation.name }}"
---
Dear {{ contact.name | default: "colleague" }},

{% for invoice in invoices %}- {{ invoice.ref }}: {{ invoice.open | money }}
{% endfor %}
If anything looks incorrect, or you have a question, reply to this email or write to {{ organisation.email }}.

Kind regards
`;

const COERCIVE = `---
subject: "FINAL WARNING: PAY NOW"
---
Pay within 24 hours or we will take legal action and report you to credit agencies!!
`;

const context = {
  organisation: { name: "Recoup Test Co", email: "ar@recoup.test", phone: null },
  customer: { ref: "C1", name: "Acme" },
  contact: { name: "Ana", email: "ana@acme.test" },
  invoices: [
    {
      ref: "INV-1",
      issueDate: "2026-11-01",
      dueDate: "2026-12-01",
      daysPastDue: 2,
      amount: { amount: 12345, currency: "EUR" },
      open: { amount: 12345, currency: "EUR" },
      poNumber: null,
    },
  ],
  totals: [{ amount: 12345, currency: "EUR" }],
  asOf: "2026-12-03",
  step: "overdue-1",
};

it("refuses a coercive template and says why, rule by rule", () => {
  try {
    checkTemplate("overdue-1", "en", COERCIVE);
    throw new Error("accepted");
  } catch (error) {
    expect(error).toBeInstanceOf(RecoupError);
    const refused = error as RecoupError;
    expect(refused.code).toBe("TEMPLATE_REFUSED");
    const rules = (refused.details as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        "threat",
        "all_caps",
        "false_urgency",
        "missing_contact",
        "missing_dispute_route",
      ]),
    );
  }
  expect(() => checkTemplate("overdue-1", "en", "---\nsubject: x\n---\n{% if %}")).toThrow(
    /TEMPLATE_INVALID|template en\/overdue-1/,
  );
});

describeEachDatabase("message templates in force", (database) => {
  it("puts an organisation's own wording in force over the shipped one, audited, and refuses a bad one unchanged", async () => {
    const store = await database.freshStore();
    const db = store.handle.pool;
    await expect(
      saveMessageTemplate({ store, clock, actor: "ana", key: "overdue-1", language: "en", source: COERCIVE }),
    ).rejects.toMatchObject({ code: "TEMPLATE_REFUSED" });
    expect((await db.query(`SELECT count(*) AS n FROM message_templates`)).rows[0].n).toBe(0);

    const saved = await saveMessageTemplate({
      store,
      clock,
      actor: "ana",
      key: "overdue-1",
      language: "en",
      source: POLITE,
    });
    expect(saved).toEqual({ key: "overdue-1", language: "en", version: 1, changed: true });
    const again = await saveMessageTemplate({
      store,
      clock,
      actor: "ana",
      key: "overdue-1",
      language: "en",
      source: POLITE,
    });
    expect(again).toMatchObject({ version: 1, changed: false });

    const templates = await templatesInForce(db, store.organisationId);
    const rendered = renderMessage(templates, "overdue-1", "en", context);
    expect(rendered.subject).toBe("A gentle reminder from Recoup Test Co");
    expect(rendered.text).toContain("- INV-1: €123.45");
    // German still comes from the shipped wording
    expect(renderMessage(templates, "overdue-1", "de", context).text).toContain("INV-1");

    const events = await db.query(
      `SELECT subject_id, data FROM audit_events WHERE action = 'template.saved'`,
    );
    expect(events.rows).toEqual([
      { subject_id: "en/overdue-1", data: expect.objectContaining({ version: 1 }) },
    ]);
    expect((await verifyAuditChain(db, store.organisationId)).ok).toBe(true);
  });

  it("lets a policy name a template the organisation added", async () => {
    const store = await database.freshStore();
    await saveMessageTemplate({
      store,
      clock,
      actor: "ana",
      key: "gentle-nudge",
      language: "en",
      source: POLITE,
    });
    const keys = await knownTemplateKeys(store.handle.pool, store.organisationId);
    const text = policyToYaml(defaultCollectionPolicy()).replace(
      "template: overdue-2",
      "template: gentle-nudge",
    );
    const policy = parsePolicyText(text, { knownTemplates: keys });
    expect((await applyCollectionPolicy({ store, clock, actor: "ana", policy })).version).toBe(1);
    expect(() => parsePolicyText(text.replace("gentle-nudge", "no-such"), { knownTemplates: keys })).toThrow(
      /no template "no-such"/,
    );
  });
});
