/**
 * Message templates: pick one, edit its Liquid source, and see it rendered live for a real
 * customer with the communication-standards findings (POST /templates/…/preview, saves nothing);
 * saving (PUT) is refused by the server while there are findings.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ApiError } from "../../api/client";
import { api } from "../../api/endpoints";
import { useCanEdit } from "../../api/session";
import { useSearchState } from "../../components/use-search-state";
import { Badge, Card, ErrorPanel, Loading, PageHeader } from "../../components/ui";
import { humanize } from "../../format";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export default function TemplatesScreen() {
  const canEdit = useCanEdit();
  const queryClient = useQueryClient();
  const [search, update] = useSearchState();
  const list = useQuery({ queryKey: ["templates"], queryFn: api.templates });
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const selected =
    items.find((t) => `${t.language}/${t.key}` === search.template) ??
    items.find((t) => t.language === "en" && t.key === "overdue-1") ??
    items[0];
  const language = selected?.language ?? "en";
  const key = selected?.key ?? "";
  const template = useQuery({
    queryKey: ["template", language, key],
    queryFn: () => api.template(language, key),
    enabled: key !== "",
  });
  // The edited text, for the template it was typed in; another template shows its own source.
  const [edit, setEdit] = useState<{ id: string; text: string } | null>(null);
  const id = `${language}/${key}`;
  const source = edit?.id === id ? edit.text : null;
  const setSource = (text: string | null) => setEdit(text === null ? null : { id, text });
  const [customer, setCustomer] = useState("");
  const text = source ?? template.data?.source ?? "";
  const debouncedText = useDebounced(text, 300);
  const debouncedCustomer = useDebounced(customer.trim(), 500);

  const preview = useQuery({
    queryKey: ["template-preview", language, key, debouncedText, debouncedCustomer],
    queryFn: () =>
      api.previewTemplate(language, key, {
        source: debouncedText,
        ...(debouncedCustomer ? { customer: debouncedCustomer } : {}),
      }),
    enabled: debouncedText !== "" && key !== "",
    retry: false,
    placeholderData: (previous) => previous,
  });
  const save = useMutation({
    mutationFn: () => api.saveTemplate(language, key, text),
    onSuccess: async () => {
      setSource(null);
      await queryClient.invalidateQueries({ queryKey: ["template", language, key] });
      await queryClient.invalidateQueries({ queryKey: ["templates"] });
    },
  });
  const findings = preview.data?.findings ?? [];
  const dirty = source !== null && source !== template.data?.source;
  const grouped = useMemo(() => {
    const byKey = new Map<string, typeof items>();
    for (const t of items) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
    return [...byKey];
  }, [items]);

  if (list.error) return <ErrorPanel error={list.error} />;
  if (!list.data) return <Loading />;
  return (
    <div className="page" data-testid="templates">
      <PageHeader
        title="Message templates"
        subtitle="Liquid templates: what customers read. Every change is checked against the communication standards."
      />
      <div className="template-layout">
        <Card title="Templates" className="template-list">
          <ul>
            {grouped.map(([templateKey, versions]) => (
              <li key={templateKey}>
                <div className="strong">{humanize(templateKey)}</div>
                <div className="lang-links">
                  {versions.map((t) => (
                    <button
                      key={t.language}
                      type="button"
                      className={t === selected ? "chip active" : "chip"}
                      aria-current={t === selected ? "true" : undefined}
                      onClick={() => update({ template: `${t.language}/${t.key}` })}
                    >
                      {t.language.toUpperCase()}
                      {t.customised ? " ●" : ""}
                    </button>
                  ))}
                </div>
              </li>
            ))}
          </ul>
          <p className="muted small">● your own wording is in force.</p>
        </Card>
        <Card
          title={`${humanize(key)} (${language.toUpperCase()})`}
          action={
            canEdit ? (
              <button
                type="button"
                className="button primary small"
                disabled={!dirty || findings.length > 0 || save.isPending || preview.isError}
                onClick={() => save.mutate()}
              >
                {save.isPending ? "Saving…" : "Save template"}
              </button>
            ) : undefined
          }
        >
          <label className="field">
            <span>Source (front matter with the subject, then the body)</span>
            <textarea
              className="code"
              rows={22}
              value={text}
              onChange={(e) => setSource(e.target.value)}
              readOnly={!canEdit}
              spellCheck={false}
              data-testid="template-source"
            />
          </label>
          {save.error ? <ErrorPanel error={save.error} /> : null}
          {save.isSuccess && !dirty ? (
            <p className="notice" role="status">
              Version {save.data.version} is in force.
            </p>
          ) : null}
        </Card>
        <Card
          title="Preview"
          action={
            <label className="field compact inline">
              <span>Customer</span>
              <input
                value={customer}
                onChange={(e) => setCustomer(e.target.value)}
                placeholder="most overdue"
                aria-label="Customer ref for the preview"
              />
            </label>
          }
          testId="template-preview"
        >
          {preview.error ? (
            <ErrorPanel
              error={
                preview.error instanceof ApiError && preview.error.code === "TEMPLATE_INVALID"
                  ? new Error(preview.error.message)
                  : preview.error
              }
            />
          ) : null}
          {preview.data ? (
            <>
              <p className="muted small">
                For {preview.data.customerName} ({preview.data.customerRef}),{" "}
                {preview.data.invoiceRefs.length} invoice{preview.data.invoiceRefs.length === 1 ? "" : "s"},
                as the cycle would write it today.
              </p>
              <div
                className={findings.length === 0 ? "standards ok" : "standards bad"}
                role="status"
                data-testid="standards"
              >
                {findings.length === 0 ? (
                  <strong>Meets the communication standards.</strong>
                ) : (
                  <>
                    <strong>
                      {findings.length} problem{findings.length === 1 ? "" : "s"} to fix before saving:
                    </strong>
                    <ul>
                      {findings.map((f, i) => (
                        <li key={i}>
                          <Badge tone="bad">{humanize(f.rule)}</Badge> {f.message}
                          {f.excerpt ? <q>{f.excerpt}</q> : null}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </div>
              <h3 className="message-title">{preview.data.subject}</h3>
              <pre className="message-body">{preview.data.text}</pre>
            </>
          ) : preview.isPending ? (
            <Loading />
          ) : null}
        </Card>
      </div>
    </div>
  );
}
