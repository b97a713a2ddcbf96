import type { Channel, CollectionPolicy, Workflow, WorkflowStep } from "../../api/types";
import { segmentLabel } from "../../format";

const CHANNELS: Channel[] = ["email", "letter", "call", "sms", "notify_owner"];
const CHANNEL_LABELS: Record<Channel, string> = {
  email: "Email",
  letter: "Letter (PDF)",
  call: "Call task",
  sms: "SMS",
  notify_owner: "Tell the sales owner",
};
const SEGMENTS = [
  "high-value-low-risk",
  "high-value-high-risk",
  "low-value-low-risk",
  "low-value-high-risk",
  "chronic-delinquent",
] as const;
const RATINGS = ["A", "B", "C", "D"] as const;

function offsetText(days: number): string {
  if (days === 0) return "on the due date";
  return days < 0
    ? `${-days} day${days === -1 ? "" : "s"} before due`
    : `${days} day${days === 1 ? "" : "s"} after due`;
}

/** One workflow: its contact-frequency cap and its steps (offset, channel, template, minimum). */
export function WorkflowEditor({
  workflow,
  templateKeys,
  readOnly,
  onChange,
}: {
  workflow: Workflow;
  templateKeys: string[];
  readOnly: boolean;
  onChange: (next: Workflow) => void;
}) {
  const setStep = (index: number, step: WorkflowStep) =>
    onChange({ ...workflow, steps: workflow.steps.map((s, i) => (i === index ? step : s)) });
  const removeStep = (index: number) =>
    onChange({ ...workflow, steps: workflow.steps.filter((_, i) => i !== index) });
  const addStep = () => {
    const last = workflow.steps.at(-1);
    const offset = (last?.offsetDays ?? 0) + 7;
    onChange({
      ...workflow,
      steps: [
        ...workflow.steps,
        {
          key: `step-${workflow.steps.length + 1}`,
          offsetDays: offset,
          channel: "email",
          template: "overdue-2",
        },
      ],
    });
  };
  return (
    <div className="workflow-editor" data-testid="workflow-editor">
      <div className="form-row">
        <label className="field compact">
          <span>Name</span>
          <input
            value={workflow.name ?? ""}
            disabled={readOnly}
            onChange={(e) => onChange({ ...workflow, name: e.target.value })}
          />
        </label>
        <label className="field compact">
          <span>Days between messages (at least)</span>
          <input
            type="number"
            min={0}
            max={365}
            value={workflow.minDaysBetweenMessages}
            disabled={readOnly}
            onChange={(e) => onChange({ ...workflow, minDaysBetweenMessages: Number(e.target.value) })}
          />
        </label>
      </div>
      <div className="table-scroll">
        <table className="table compact steps">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Template</th>
              <th scope="col">Only from (amount)</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {workflow.steps.map((step, index) => (
              <tr key={index} data-testid={`step-${step.key}`}>
                <td>
                  <input
                    aria-label="Step key"
                    value={step.key}
                    disabled={readOnly}
                    onChange={(e) => setStep(index, { ...step, key: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Offset in days of step ${step.key}`}
                    type="number"
                    min={-90}
                    max={730}
                    className="narrow"
                    value={step.offsetDays}
                    disabled={readOnly}
                    onChange={(e) => setStep(index, { ...step, offsetDays: Number(e.target.value) })}
                    data-testid="step-offset"
                  />
                  <div className="muted small">{offsetText(step.offsetDays)}</div>
                </td>
                <td>
                  <select
                    aria-label={`Channel of step ${step.key}`}
                    value={step.channel}
                    disabled={readOnly}
                    onChange={(e) => {
                      const channel = e.target.value as Channel;
                      const { template: _template, ...rest } = step;
                      setStep(
                        index,
                        channel === "call"
                          ? { ...rest, channel }
                          : { ...rest, channel, template: step.template ?? templateKeys[0] ?? "overdue-1" },
                      );
                    }}
                  >
                    {CHANNELS.map((c) => (
                      <option key={c} value={c}>
                        {CHANNEL_LABELS[c]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {step.channel === "call" ? (
                    <span className="muted">—</span>
                  ) : (
                    <select
                      aria-label={`Template of step ${step.key}`}
                      value={step.template ?? ""}
                      disabled={readOnly}
                      onChange={(e) => setStep(index, { ...step, template: e.target.value })}
                    >
                      {[...new Set([...(step.template ? [step.template] : []), ...templateKeys])].map(
                        (key) => (
                          <option key={key}>{key}</option>
                        ),
                      )}
                    </select>
                  )}
                </td>
                <td>
                  <input
                    aria-label={`Minimum amount of step ${step.key}`}
                    className="narrow"
                    inputMode="decimal"
                    placeholder="any"
                    value={step.conditions?.minAmount ?? ""}
                    disabled={readOnly}
                    onChange={(e) => {
                      const { minAmount: _old, ...otherConditions } = step.conditions ?? {};
                      const conditions =
                        e.target.value.trim() === ""
                          ? otherConditions
                          : { ...otherConditions, minAmount: e.target.value.trim() };
                      const { conditions: _c, ...rest } = step;
                      setStep(index, Object.keys(conditions).length > 0 ? { ...rest, conditions } : rest);
                    }}
                  />
                </td>
                <td>
                  {!readOnly ? (
                    <button
                      type="button"
                      className="button ghost small"
                      aria-label={`Remove step ${step.key}`}
                      onClick={() => removeStep(index)}
                    >
                      ✕
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!readOnly ? (
        <button type="button" className="button secondary small" onClick={addStep}>
          Add a step
        </button>
      ) : null}
    </div>
  );
}

/** The assignments, first match wins, ending with the default. */
export function AssignmentsEditor({
  policy,
  readOnly,
  onChange,
}: {
  policy: CollectionPolicy;
  readOnly: boolean;
  onChange: (next: CollectionPolicy) => void;
}) {
  const workflows = policy.workflows.map((w) => w.key);
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th scope="col">Customers</th>
          <th scope="col">Workflow</th>
        </tr>
      </thead>
      <tbody>
        {policy.assignments.map((assignment, index) => {
          const conditions =
            "default" in assignment
              ? "Everyone else"
              : [
                  assignment.segment ? segmentLabel(assignment.segment) : null,
                  assignment.rating ? `rating ${assignment.rating}` : null,
                ]
                  .filter(Boolean)
                  .join(", ");
          return (
            <tr key={index}>
              <td>{conditions}</td>
              <td>
                <select
                  aria-label={`Workflow for ${conditions}`}
                  value={assignment.workflow}
                  disabled={readOnly}
                  onChange={(e) =>
                    onChange({
                      ...policy,
                      assignments: policy.assignments.map((a, i) =>
                        i === index ? { ...a, workflow: e.target.value } : a,
                      ),
                    })
                  }
                >
                  {workflows.map((w) => (
                    <option key={w}>{w}</option>
                  ))}
                </select>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** What makes a customer high value, high risk or a chronic delinquent. */
export function SegmentationEditor({
  policy,
  readOnly,
  onChange,
}: {
  policy: CollectionPolicy;
  readOnly: boolean;
  onChange: (next: CollectionPolicy) => void;
}) {
  const s = policy.segmentation;
  const set = (next: Partial<typeof s>) => onChange({ ...policy, segmentation: { ...s, ...next } });
  return (
    <div className="form-grid">
      <label className="field compact">
        <span>High value: the customers making up this share of billing (%)</span>
        <input
          type="number"
          min={1}
          max={100}
          value={Math.round(s.highValue.topShare * 100)}
          disabled={readOnly}
          onChange={(e) => set({ highValue: { ...s.highValue, topShare: Number(e.target.value) / 100 } })}
        />
      </label>
      <label className="field compact">
        <span>Measured on</span>
        <select
          value={s.highValue.basis}
          disabled={readOnly}
          onChange={(e) =>
            set({ highValue: { ...s.highValue, basis: e.target.value as typeof s.highValue.basis } })
          }
        >
          <option value="annual_billing">Annual billing</option>
          <option value="open_balance">Open balance</option>
        </select>
      </label>
      <fieldset className="field compact">
        <legend>High-risk ratings</legend>
        <div className="checks">
          {RATINGS.map((r) => (
            <label key={r} className="checkbox">
              <input
                type="checkbox"
                checked={s.highRiskRatings.includes(r)}
                disabled={readOnly}
                onChange={(e) =>
                  set({
                    highRiskRatings: e.target.checked
                      ? [...s.highRiskRatings, r].sort()
                      : s.highRiskRatings.filter((x) => x !== r),
                  })
                }
              />
              {r}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field compact">
        <span>Chronic: severely late means more than (days)</span>
        <input
          type="number"
          min={1}
          value={s.chronic.daysLate}
          disabled={readOnly}
          onChange={(e) => set({ chronic: { ...s.chronic, daysLate: Number(e.target.value) } })}
        />
      </label>
      <label className="field compact">
        <span>…at least this many such invoices</span>
        <input
          type="number"
          min={1}
          value={s.chronic.minInvoices}
          disabled={readOnly}
          onChange={(e) => set({ chronic: { ...s.chronic, minInvoices: Number(e.target.value) } })}
        />
      </label>
      <label className="field compact">
        <span>…making up at least (% of its invoices)</span>
        <input
          type="number"
          min={0}
          max={100}
          value={Math.round(s.chronic.minShare * 100)}
          disabled={readOnly}
          onChange={(e) => set({ chronic: { ...s.chronic, minShare: Number(e.target.value) / 100 } })}
        />
      </label>
      <p className="muted small span-all">Segments: {SEGMENTS.map(segmentLabel).join(" · ")}.</p>
    </div>
  );
}
