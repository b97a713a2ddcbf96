import { describe, expect, it } from "vitest";
import { parsePolicyText, policyToYaml, validatePolicy } from "../../src/collections/policy-document.js";
import { SHIPPED_TEMPLATE_KEYS } from "../../src/collections/shipped-templates.js";
import { DEFAULT_COLLECTION_POLICY, workflowFor } from "../../src/domain/collection-policy.js";
import { DEFAULT_SEGMENTATION } from "../../src/domain/segmentation.js";
import { RecoupError } from "../../src/errors.js";

const DESIGN_EXAMPLE = `workflows:
  - key: standard
    minDaysBetweenMessages: 0
    steps:
      - { key: courtesy,  offsetDays: -5, channel: email,  template: courtesy }
      - { key: overdue-1, offsetDays: 1,  channel: email,  template: overdue-1 }
      - { key: call,      offsetDays: 15, channel: call }
      - { key: final,     offsetDays: 30, channel: letter, template: final-notice }
assignments:
  - { segment: high-value-high-risk, workflow: standard }
  - { default: true, workflow: standard }
`;

function problemsOf(run: () => unknown): { path: string; line?: number; column?: number; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RecoupError);
    expect((error as RecoupError).code).toBe("POLICY_INVALID");
    return ((error as RecoupError).details as { problems: [] }).problems;
  }
  throw new Error("the policy was accepted");
}

describe("policy documents", () => {
  it("reads the example of DESIGN 5.5 and fills in the segmentation defaults", () => {
    const policy = parsePolicyText(DESIGN_EXAMPLE, { knownTemplates: SHIPPED_TEMPLATE_KEYS });
    expect(policy.workflows[0]!.steps.map((s) => s.key)).toEqual(["courtesy", "overdue-1", "call", "final"]);
    expect(policy.segmentation).toEqual(DEFAULT_SEGMENTATION);
    expect(workflowFor(policy, { segment: "low-value-low-risk", rating: "A" })).toBe("standard");
  });

  it("round-trips the shipped defaults through YAML", () => {
    const text = policyToYaml(DEFAULT_COLLECTION_POLICY);
    expect(parsePolicyText(text, { knownTemplates: SHIPPED_TEMPLATE_KEYS })).toEqual(
      DEFAULT_COLLECTION_POLICY,
    );
  });

  it("reads JSON too, and sorts steps by their offset", () => {
    const policy = validatePolicy(
      JSON.parse(
        '{"workflows":[{"key":"w","steps":[{"key":"late","offsetDays":9,"channel":"call"},{"key":"early","offsetDays":-2,"channel":"email","template":"courtesy"}]}],"assignments":[{"default":true,"workflow":"w"}]}',
      ),
    );
    expect(policy.workflows[0]!.steps.map((s) => s.key)).toEqual(["early", "late"]);
    expect(policy.workflows[0]!.minDaysBetweenMessages).toBe(0);
  });

  it("names the line, column and path of a wrong channel", () => {
    const text = DESIGN_EXAMPLE.replace("channel: call", "channel: fax");
    expect(problemsOf(() => parsePolicyText(text, { source: "policy.yaml" }))).toEqual([
      {
        path: "workflows[0].steps[2].channel",
        line: 7,
        column: 52,
        message: expect.stringContaining("email"),
      },
    ]);
  });

  it("puts file, line and column in the message", () => {
    const text = DESIGN_EXAMPLE.replace("offsetDays: 15", "offsetDays: 1.5");
    expect(() => parsePolicyText(text, { source: "policy.yaml" })).toThrow(
      /policy\.yaml:7:\d+: workflows\[0\]\.steps\[2\]\.offsetDays: /,
    );
  });

  it("reports every semantic problem at once", () => {
    const text = `workflows:
  - key: w
    steps:
      - { key: a, offsetDays: 1, channel: email }
      - { key: a, offsetDays: 2, channel: call, template: courtesy }
      - { key: b, offsetDays: 3, channel: letter, template: no-such-template }
assignments:
  - { default: true, workflow: w }
  - { segment: chronic-delinquent, workflow: missing }
  - { workflow: w }
`;
    const problems = problemsOf(() => parsePolicyText(text, { knownTemplates: SHIPPED_TEMPLATE_KEYS }));
    expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      "4 workflows[0].steps[0]: a email step needs a template",
      '5 workflows[0].steps[1].key: step "a" appears twice in workflow "w"',
      "5 workflows[0].steps[1].template: a call step is a task for a collector and takes no template",
      '6 workflows[0].steps[2].template: there is no template "no-such-template"',
      "8 assignments[0]: the default assignment must come last (first match wins)",
      '9 assignments[1].workflow: there is no workflow "missing"',
      "10 assignments[2]: an assignment needs a segment, a rating or default: true",
    ]);
  });

  it("refuses a policy without a default assignment, unknown fields and duplicate YAML keys", () => {
    expect(
      problemsOf(() =>
        parsePolicyText(DESIGN_EXAMPLE.replace("  - { default: true, workflow: standard }\n", "")),
      ).map((p) => p.message),
    ).toEqual(["a default assignment is needed, so every customer has a workflow"]);
    expect(problemsOf(() => parsePolicyText(DESIGN_EXAMPLE + "colour: blue\n"))[0]!.message).toMatch(
      /colour/,
    );
    expect(problemsOf(() => parsePolicyText("workflows: []\nworkflows: []\n"))[0]).toMatchObject({ line: 2 });
  });

  it("refuses broken YAML with its position", () => {
    expect(problemsOf(() => parsePolicyText("workflows: [\n  { key: a"))[0]).toMatchObject({
      line: expect.any(Number),
    });
  });

  it("checks segmentation thresholds", () => {
    const problems = problemsOf(() =>
      parsePolicyText(
        DESIGN_EXAMPLE + "segmentation:\n  highValue: { topShare: 1.5 }\n  chronic: { daysLate: 0 }\n",
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      "segmentation.highValue.topShare",
      "segmentation.chronic.daysLate",
    ]);
  });

  it("reads the promise and plan rules, with their defaults, and checks them", () => {
    const defaults = parsePolicyText(DESIGN_EXAMPLE);
    expect(defaults.promises).toEqual({ graceDays: 3, maxDaysAhead: 90 });
    expect(defaults.plans).toEqual({
      graceDays: 3,
      missesToDefault: 2,
      reminderDaysBefore: 3,
      activation: "on_signature",
      signatureDays: 14,
      maxInstalments: 60,
    });
    const own = parsePolicyText(
      DESIGN_EXAMPLE +
        "promises: { graceDays: 5 }\nplans: { missesToDefault: 1, reminderDaysBefore: null, activation: on_creation }\n",
    );
    expect(own.promises).toEqual({ graceDays: 5, maxDaysAhead: 90 });
    expect(own.plans).toMatchObject({
      missesToDefault: 1,
      reminderDaysBefore: null,
      activation: "on_creation",
    });
    const problems = problemsOf(() =>
      parsePolicyText(
        DESIGN_EXAMPLE +
          "promises: { graceDays: -1, extra: 1 }\nplans: { missesToDefault: 0, activation: never }\n",
      ),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["plans.activation", "plans.missesToDefault", "promises", "promises.graceDays"].sort(),
    );
  });
});
