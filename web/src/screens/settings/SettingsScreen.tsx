/** Collections settings (PATCH /settings): test mode, sender, the scheduled cycle, quiet hours, the calendar. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api/endpoints";
import { useCanEdit } from "../../api/session";
import type { Settings } from "../../api/types";
import { Badge, Card, ErrorPanel, Loading, PageHeader } from "../../components/ui";
import { formatDate, formatInstant } from "../../format";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export default function SettingsScreen() {
  const canEdit = useCanEdit();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ["settings"], queryFn: api.settings });
  const runs = useQuery({ queryKey: ["scheduled-runs"], queryFn: api.scheduledRuns });
  const [edited, setDraft] = useState<Settings | null>(null);
  const [holiday, setHoliday] = useState({ day: "", name: "" });
  const draft = edited ?? settings.data ?? null;
  const onSaved = (next: Settings) => {
    queryClient.setQueryData(["settings"], next);
    setDraft(null);
  };
  const save = useMutation({
    mutationFn: (d: Settings) =>
      api.saveSettings({
        testMode: d.testMode,
        sender: { name: d.sender.name, email: d.sender.email || null, phone: d.sender.phone || null },
        schedule: {
          enabled: d.schedule.enabled,
          cycleTime: d.schedule.cycleTime,
          quietHours: d.schedule.quietHours,
          timeZone: d.schedule.timeZone,
          weekendDays: d.schedule.weekendDays,
        },
      }),
    onSuccess: onSaved,
  });
  const addHoliday = useMutation({
    mutationFn: () => api.addHoliday(holiday.day, holiday.name),
    onSuccess: (s) => (onSaved(s), setHoliday({ day: "", name: "" })),
  });
  const removeHoliday = useMutation({
    mutationFn: (day: string) => api.removeHoliday(day),
    onSuccess: onSaved,
  });

  if (settings.error) return <ErrorPanel error={settings.error} />;
  if (!draft) return <Loading />;
  const set = (next: Partial<Settings>) => setDraft({ ...draft, ...next });
  const setSchedule = (next: Partial<Settings["schedule"]>) =>
    setDraft({ ...draft, schedule: { ...draft.schedule, ...next } });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  return (
    <div className="page" data-testid="settings">
      <PageHeader title="Settings" />
      <form onSubmit={submit} className="settings-form">
        <fieldset disabled={!canEdit} className="plain">
          <div className="grid">
            <Card title="Sending">
              <label className="checkbox big">
                <input
                  type="checkbox"
                  checked={draft.testMode}
                  onChange={(e) => set({ testMode: e.target.checked })}
                />
                <span>
                  <strong>Test mode</strong>: plan and record everything, send nothing
                </span>
              </label>
              {draft.testMode ? (
                <Badge tone="warn">No customer receives anything while test mode is on</Badge>
              ) : null}
              <h3>Sender (shown in every message)</h3>
              <label className="field">
                <span>Name</span>
                <input
                  required
                  value={draft.sender.name}
                  onChange={(e) => set({ sender: { ...draft.sender, name: e.target.value } })}
                />
              </label>
              <label className="field">
                <span>Email for replies</span>
                <input
                  type="email"
                  value={draft.sender.email ?? ""}
                  onChange={(e) => set({ sender: { ...draft.sender, email: e.target.value } })}
                />
              </label>
              <label className="field">
                <span>Phone</span>
                <input
                  type="tel"
                  value={draft.sender.phone ?? ""}
                  onChange={(e) => set({ sender: { ...draft.sender, phone: e.target.value } })}
                />
              </label>
            </Card>
            <Card title="Daily cycle and quiet hours">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.schedule.enabled}
                  onChange={(e) => setSchedule({ enabled: e.target.checked })}
                />
                Run the cycle every business day
              </label>
              <div className="form-row">
                <label className="field compact">
                  <span>At (local time)</span>
                  <input
                    type="time"
                    value={draft.schedule.cycleTime}
                    onChange={(e) => setSchedule({ cycleTime: e.target.value })}
                  />
                </label>
                <label className="field compact">
                  <span>Time zone</span>
                  <input
                    value={draft.schedule.timeZone}
                    onChange={(e) => setSchedule({ timeZone: e.target.value })}
                  />
                </label>
              </div>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.schedule.quietHours !== null}
                  onChange={(e) =>
                    setSchedule({ quietHours: e.target.checked ? { start: "20:00", end: "08:00" } : null })
                  }
                />
                Quiet hours (no email or SMS)
              </label>
              {draft.schedule.quietHours ? (
                <div className="form-row">
                  <label className="field compact">
                    <span>From</span>
                    <input
                      type="time"
                      value={draft.schedule.quietHours.start}
                      onChange={(e) =>
                        setSchedule({ quietHours: { ...draft.schedule.quietHours!, start: e.target.value } })
                      }
                    />
                  </label>
                  <label className="field compact">
                    <span>Until</span>
                    <input
                      type="time"
                      value={draft.schedule.quietHours.end}
                      onChange={(e) =>
                        setSchedule({ quietHours: { ...draft.schedule.quietHours!, end: e.target.value } })
                      }
                    />
                  </label>
                </div>
              ) : null}
              <fieldset className="field compact">
                <legend>Weekend</legend>
                <div className="checks">
                  {WEEKDAYS.map((day) => (
                    <label key={day} className="checkbox">
                      <input
                        type="checkbox"
                        checked={draft.schedule.weekendDays.includes(day)}
                        onChange={(e) =>
                          setSchedule({
                            weekendDays: e.target.checked
                              ? [...draft.schedule.weekendDays, day]
                              : draft.schedule.weekendDays.filter((d) => d !== day),
                          })
                        }
                      />
                      {day}
                    </label>
                  ))}
                </div>
              </fieldset>
            </Card>
          </div>
          {save.error ? <ErrorPanel error={save.error} /> : null}
          {save.isSuccess ? (
            <p className="notice" role="status">
              Saved.
            </p>
          ) : null}
          {canEdit ? (
            <button type="submit" className="button primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save settings"}
            </button>
          ) : null}
        </fieldset>
      </form>
      <div className="grid">
        <Card title="Public holidays">
          {draft.schedule.holidays.length === 0 ? (
            <p className="muted">
              No public holiday declared: the cycle runs on every day that is not a weekend.
            </p>
          ) : null}
          <ul className="counts">
            {draft.schedule.holidays.map((h) => (
              <li key={h.day}>
                <span>
                  {formatDate(h.day)} · {h.name}
                </span>
                {canEdit ? (
                  <button
                    type="button"
                    className="button ghost small"
                    onClick={() => removeHoliday.mutate(h.day)}
                    aria-label={`Remove ${h.name}`}
                  >
                    Remove
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {canEdit ? (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                addHoliday.mutate();
              }}
            >
              <label className="field compact">
                <span>Day</span>
                <input
                  type="date"
                  required
                  value={holiday.day}
                  onChange={(e) => setHoliday({ ...holiday, day: e.target.value })}
                />
              </label>
              <label className="field compact">
                <span>Name</span>
                <input
                  required
                  value={holiday.name}
                  onChange={(e) => setHoliday({ ...holiday, name: e.target.value })}
                />
              </label>
              <button type="submit" className="button secondary">
                Add
              </button>
            </form>
          ) : null}
          {addHoliday.error ? <ErrorPanel error={addHoliday.error} /> : null}
        </Card>
        <Card title="Latest scheduled runs">
          {(runs.data?.items ?? []).length === 0 ? (
            <p className="muted">
              No scheduled run yet (the scheduler runs in <code>recoup worker</code> or{" "}
              <code>recoup serve --worker</code>).
            </p>
          ) : null}
          <ul className="counts">
            {(runs.data?.items ?? []).map((r) => (
              <li key={r.businessDate}>
                <span>
                  {formatDate(r.businessDate)} · started {formatInstant(r.startedAt)}
                </span>
                <Badge tone={r.status === "done" ? "good" : r.status === "failed" ? "bad" : "info"}>
                  {r.status}
                </Badge>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
