/**
 * Reading and writing the collections policy as a document (DESIGN 5.5): YAML or JSON (JSON is
 * YAML), checked in full before anything is stored. Every problem is reported with its path in
 * the document and, for text input, its line and column; nothing is guessed or defaulted silently
 * except the fields the contract gives defaults for (`minDaysBetweenMessages`, `segmentation`,
 * `promises`, `plans`).
 */
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node } from "yaml";
import { z } from "zod";
import {
  CHANNELS,
  TEMPLATED_CHANNELS,
  type Assignment,
  type CollectionPolicy,
  type Workflow,
} from "../domain/collection-policy.js";
import { DEFAULT_SEGMENTATION, SEGMENTS } from "../domain/segmentation.js";
import { DEFAULT_PROMISE_POLICY } from "../domain/promise-to-pay.js";
import { DEFAULT_PLAN_POLICY } from "../domain/payment-plan.js";
import { RecoupError } from "../errors.js";

export interface PolicyProblem {
  /** Where in the document, e.g. `workflows[0].steps[2].channel`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

const KEY = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "use 1–63 lower-case letters, digits, - or _");
const RATING = z.enum(["A", "B", "C", "D"]);
const SEGMENT = z.enum(SEGMENTS);
const DECIMAL = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .pipe(z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, "must be a decimal amount in major units such as 250.00"));

const StepSchema = z.strictObject({
  key: KEY,
  offsetDays: z.int().min(-365).max(3650),
  channel: z.enum(CHANNELS),
  template: KEY.optional(),
  conditions: z
    .strictObject({
      minAmount: DECIMAL.optional(),
      segments: z.array(SEGMENT).min(1).optional(),
      ratings: z.array(RATING).min(1).optional(),
    })
    .optional(),
});

const WorkflowSchema = z.strictObject({
  key: KEY,
  name: z.string().min(1).max(200).optional(),
  minDaysBetweenMessages: z.int().min(0).max(365).default(0),
  steps: z.array(StepSchema).min(1, "a workflow needs at least one step"),
});

const AssignmentSchema = z.union([
  z.strictObject({ default: z.literal(true), workflow: KEY }),
  z.strictObject({ segment: SEGMENT.optional(), rating: RATING.optional(), workflow: KEY }),
]);

const SegmentationSchema = z.strictObject({
  highValue: z
    .strictObject({
      basis: z.enum(["annual_billing", "open_balance"]).default(DEFAULT_SEGMENTATION.highValue.basis),
      topShare: z.number().gt(0).lte(1).default(DEFAULT_SEGMENTATION.highValue.topShare),
    })
    .default({ ...DEFAULT_SEGMENTATION.highValue }),
  highRiskRatings: z.array(RATING).default([...DEFAULT_SEGMENTATION.highRiskRatings]),
  chronic: z
    .strictObject({
      daysLate: z.int().min(1).max(3650).default(DEFAULT_SEGMENTATION.chronic.daysLate),
      minInvoices: z.int().min(1).max(1000).default(DEFAULT_SEGMENTATION.chronic.minInvoices),
      minShare: z.number().min(0).max(1).default(DEFAULT_SEGMENTATION.chronic.minShare),
    })
    .default({ ...DEFAULT_SEGMENTATION.chronic }),
});

const PromisesSchema = z.strictObject({
  graceDays: z.int().min(0).max(60).default(DEFAULT_PROMISE_POLICY.graceDays),
  maxDaysAhead: z.int().min(0).max(3650).default(DEFAULT_PROMISE_POLICY.maxDaysAhead),
});

const PlansSchema = z.strictObject({
  graceDays: z.int().min(0).max(60).default(DEFAULT_PLAN_POLICY.graceDays),
  missesToDefault: z.int().min(1).max(100).default(DEFAULT_PLAN_POLICY.missesToDefault),
  reminderDaysBefore: z.int().min(0).max(60).nullable().default(DEFAULT_PLAN_POLICY.reminderDaysBefore),
  activation: z.enum(["on_signature", "on_creation"]).default(DEFAULT_PLAN_POLICY.activation),
  signatureDays: z.int().min(1).max(365).default(DEFAULT_PLAN_POLICY.signatureDays),
  maxInstalments: z.int().min(2).max(520).default(DEFAULT_PLAN_POLICY.maxInstalments),
});

const PolicySchema = z.strictObject({
  workflows: z.array(WorkflowSchema).min(1, "at least one workflow is needed"),
  assignments: z.array(AssignmentSchema).min(1, "at least a default assignment is needed"),
  segmentation: SegmentationSchema.default(() => SegmentationSchema.parse({})),
  promises: PromisesSchema.default(() => PromisesSchema.parse({})),
  plans: PlansSchema.default(() => PlansSchema.parse({})),
});

export interface ParsePolicyOptions {
  /** Template keys that exist; a step naming another one is refused. */
  knownTemplates?: ReadonlySet<string>;
  /** Shown in messages, e.g. the file name. */
  source?: string;
}

/**
 * Parses and validates a policy document given as YAML or JSON text.
 *
 * @example parsePolicyText(readFileSync("policy.yaml", "utf8"), { source: "policy.yaml" })
 */
export function parsePolicyText(text: string, options: ParsePolicyOptions = {}): CollectionPolicy {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    throw policyInvalid(
      document.errors.map((error) => ({
        path: "",
        ...at(error.pos[0]),
        message: error.message.split("\n")[0]!,
      })),
      options.source,
    );
  }
  const locate = (path: readonly PropertyKey[]): { line?: number; column?: number } => {
    // The deepest node of the path that exists: a missing key is reported where its parent is.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
      if (node && (isMap(node) || isSeq(node) || "range" in node) && node.range) return at(node.range[0]);
    }
    return {};
  };
  return validatePolicy(document.toJS() as unknown, options, locate);
}

/**
 * Validates a policy given as a parsed value (the API's JSON body).
 *
 * @example validatePolicy(JSON.parse(body))
 */
export function validatePolicy(
  value: unknown,
  options: ParsePolicyOptions = {},
  locate: (path: readonly PropertyKey[]) => { line?: number; column?: number } = () => ({}),
): CollectionPolicy {
  const parsed = PolicySchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw policyInvalid(
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        ...locate(issue.path),
        message: issue.message,
      })),
      options.source,
    );
  }
  const policy = parsed.data as CollectionPolicy;
  const problems = semanticProblems(policy, options).map((problem) => ({
    path: formatPath(problem.path),
    ...locate(problem.path),
    message: problem.message,
  }));
  if (problems.length > 0) throw policyInvalid(problems, options.source);
  for (const workflow of policy.workflows) workflow.steps.sort((a, b) => a.offsetDays - b.offsetDays);
  return policy;
}

/** The policy as YAML, in the shape `parsePolicyText` reads. */
export function policyToYaml(policy: CollectionPolicy): string {
  return stringify(policy, { lineWidth: 0 });
}

function semanticProblems(
  policy: CollectionPolicy,
  options: ParsePolicyOptions,
): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const workflowKeys = new Set<string>();
  policy.workflows.forEach((workflow: Workflow, w) => {
    if (workflowKeys.has(workflow.key)) {
      problems.push({
        path: ["workflows", w, "key"],
        message: `workflow "${workflow.key}" is defined twice`,
      });
    }
    workflowKeys.add(workflow.key);
    const stepKeys = new Set<string>();
    workflow.steps.forEach((step, s) => {
      const path = ["workflows", w, "steps", s];
      if (stepKeys.has(step.key)) {
        problems.push({
          path: [...path, "key"],
          message: `step "${step.key}" appears twice in workflow "${workflow.key}"`,
        });
      }
      stepKeys.add(step.key);
      if (TEMPLATED_CHANNELS.has(step.channel) && step.template === undefined) {
        problems.push({ path, message: `a ${step.channel} step needs a template` });
      }
      if (step.channel === "call" && step.template !== undefined) {
        problems.push({
          path: [...path, "template"],
          message: "a call step is a task for a collector and takes no template",
        });
      }
      if (
        step.template !== undefined &&
        options.knownTemplates &&
        !options.knownTemplates.has(step.template)
      ) {
        problems.push({ path: [...path, "template"], message: `there is no template "${step.template}"` });
      }
    });
  });
  let defaults = 0;
  policy.assignments.forEach((assignment: Assignment, a) => {
    const path = ["assignments", a];
    if (!workflowKeys.has(assignment.workflow)) {
      problems.push({
        path: [...path, "workflow"],
        message: `there is no workflow "${assignment.workflow}"`,
      });
    }
    if ("default" in assignment) {
      defaults += 1;
      if (a !== policy.assignments.length - 1) {
        problems.push({ path, message: "the default assignment must come last (first match wins)" });
      }
    } else if (assignment.segment === undefined && assignment.rating === undefined) {
      problems.push({ path, message: "an assignment needs a segment, a rating or default: true" });
    }
  });
  if (defaults !== 1) {
    problems.push({
      path: ["assignments"],
      message:
        defaults === 0
          ? "a default assignment is needed, so every customer has a workflow"
          : "only one default assignment is allowed",
    });
  }
  return problems;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === "number" ? `${text}[${part}]` : text === "" ? String(part) : `${text}.${String(part)}`,
    "",
  );
}

function policyInvalid(problems: PolicyProblem[], source: string | undefined): RecoupError {
  const lines = problems.map(
    (p) =>
      `${source ?? "policy"}${p.line !== undefined ? `:${p.line}:${p.column}` : ""}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`,
  );
  return new RecoupError("POLICY_INVALID", `the policy is not valid:\n${lines.join("\n")}`, { problems });
}
