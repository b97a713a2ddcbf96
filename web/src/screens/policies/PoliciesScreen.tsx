/**
 * The collections policy (DESIGN 5.5): workflows and their steps, which segment gets which
 * workflow, and the segmentation thresholds, edited as a draft; "Preview" runs tomorrow's cycle as
 * a dry run with the draft (POST /cycle/runs, dryRun + policy) beside the policy in force, so the
 * change is seen before it is saved (PUT /policy, versioned).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ApiError } from "../../api/client";
import { api } from "../../api/endpoints";
import { useCanEdit } from "../../api/session";
import type { CollectionPolicy } from "../../api/types";
import { Card, ErrorPanel, Loading, PageHeader } from "../../components/ui";
import { addDays, formatDate, formatInstant } from "../../format";
import { CyclePreview } from "./CyclePreview";
import { AssignmentsEditor, SegmentationEditor, WorkflowEditor } from "./PolicyEditors";

export default function PoliciesScreen() {
  const canEdit = useCanEdit();
  const queryClient = useQueryClient();
  const stored = useQuery({ queryKey: ["policy"], queryFn: api.policy });
  const templates = useQuery({ queryKey: ["templates"], queryFn: api.templates });
  const today = useQuery({
    queryKey: ["aging", "totals", {}],
    queryFn: () => api.aging({ totalsOnly: true }),
  });
  // null: no edit yet, the stored policy is shown.
  const [edited, setDraft] = useState<CollectionPolicy | null>(null);
  const [workflowIndex, setWorkflowIndex] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);

  const draft = edited ?? stored.data?.policy ?? null;

  const dirty = useMemo(
    () =>
      draft !== null &&
      stored.data !== undefined &&
      JSON.stringify(draft) !== JSON.stringify(stored.data.policy),
    [draft, stored.data],
  );
  const templateKeys = useMemo(
    () => [...new Set((templates.data?.items ?? []).map((t) => t.key))].sort(),
    [templates.data],
  );
  const tomorrow = today.data ? addDays(today.data.asOf, 1) : undefined;

  const save = useMutation({
    mutationFn: () => api.savePolicy(draft!, stored.data!.version),
    onSuccess: async (applied) => {
      setSaved(applied.changed ? `Version ${applied.version} is now in force.` : "Nothing changed.");
      await queryClient.invalidateQueries({ queryKey: ["policy"] });
      setDraft(null);
    },
  });

  if (stored.error) return <ErrorPanel error={stored.error} />;
  if (!stored.data || !draft) return <Loading label="Loading the policy…" />;
  const workflow = draft.workflows[workflowIndex] ?? draft.workflows[0];
  const update = (next: CollectionPolicy) => {
    setSaved(null);
    setDraft(next);
  };

  return (
    <div className="page" data-testid="policies">
      <PageHeader
        title="Collections policy"
        subtitle={
          stored.data.version === 0
            ? "The shipped defaults (nothing saved yet)"
            : `Version ${stored.data.version}, saved by ${stored.data.updatedBy ?? "—"}${stored.data.updatedAt ? ` on ${formatInstant(stored.data.updatedAt)}` : ""}`
        }
        actions={
          canEdit ? (
            <>
              <button
                type="button"
                className="button secondary"
                disabled={!dirty || save.isPending}
                onClick={() => setDraft(null)}
              >
                Discard changes
              </button>
              <button
                type="button"
                className="button primary"
                disabled={!dirty || save.isPending}
                onClick={() => save.mutate()}
                data-testid="save-policy"
              >
                {save.isPending ? "Saving…" : "Save policy"}
              </button>
            </>
          ) : undefined
        }
      />
      {save.error ? (
        <ErrorPanel
          error={
            save.error instanceof ApiError && save.error.code === "POLICY_VERSION_CONFLICT"
              ? new Error(
                  "Someone saved the policy meanwhile. Discard your changes to load their version, then edit again.",
                )
              : save.error
          }
        />
      ) : null}
      {saved ? (
        <p className="notice" role="status">
          {saved}
        </p>
      ) : null}
      {dirty ? (
        <p className="notice warn" role="status">
          Unsaved changes. Preview them below before saving.
        </p>
      ) : null}
      <div className="policy-layout">
        <div className="policy-main">
          <Card title="Workflows">
            <div className="tabs" role="tablist" aria-label="Workflows">
              {draft.workflows.map((w, i) => (
                <button
                  key={w.key}
                  type="button"
                  role="tab"
                  aria-selected={w === workflow}
                  className={w === workflow ? "tab active" : "tab"}
                  onClick={() => setWorkflowIndex(i)}
                >
                  {w.key}
                </button>
              ))}
            </div>
            {workflow ? (
              <WorkflowEditor
                workflow={workflow}
                templateKeys={templateKeys}
                readOnly={!canEdit}
                onChange={(next) =>
                  update({ ...draft, workflows: draft.workflows.map((w) => (w === workflow ? next : w)) })
                }
              />
            ) : null}
          </Card>
          <Card title="Who gets which workflow">
            <AssignmentsEditor policy={draft} readOnly={!canEdit} onChange={update} />
          </Card>
          <Card title="Segmentation thresholds">
            <SegmentationEditor policy={draft} readOnly={!canEdit} onChange={update} />
          </Card>
        </div>
        <aside className="policy-side">
          {tomorrow ? (
            <CyclePreview
              draft={draft}
              dirty={dirty}
              asOf={tomorrow}
              label={`Tomorrow, ${formatDate(tomorrow)}`}
            />
          ) : (
            <Loading />
          )}
        </aside>
      </div>
    </div>
  );
}
