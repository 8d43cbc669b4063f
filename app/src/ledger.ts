// The village ledger screen (村级台账, issue 22): record a meeting or activity (kind, day, who
// led it, how many attended — empty is "not counted", never 0 —, topics, decisions), make a
// project (name, kind, money by seed 001's four sources, the households that benefit picked
// from the registry, state), add a progress update and close a project with its result, and
// correct a meeting or a project after it was saved (修改: the same form, filled in); above them
// the village situation (村情) and the plans (village.ts). All
// offline; the core validates every record with the domain and its message is shown.
import { call } from "./api";
import { attachmentPicker, recordPhotos } from "./attachments";
import { add, h } from "./dom";
import type {
  MeetingItem,
  MeetingKindCode,
  ProjectItem,
  ProjectKindCode,
  ProjectStateCode,
  VillageLedgerView,
} from "./generated/contract";
import { lang, t, type Key } from "./i18n";
import { countOf, yuanOf } from "./logic";
import { plansSection, situationSection } from "./village";

/** What the shell lends the screen: its button runner, toast, labelled field and redraw. */
export interface LedgerHelpers {
  act: <T>(btn: HTMLButtonElement | null, where: HTMLElement, f: () => Promise<T>) => Promise<T | undefined>;
  toast: (text: string) => void;
  field: (label: string, input: HTMLElement) => HTMLElement;
  redraw: () => void;
}

export const MEETING_KINDS: MeetingKindCode[] = ["committee", "symposium", "party_lecture", "training", "other"];
export const PROJECT_KINDS: ProjectKindCode[] = ["practical", "aid"];
const SOURCES = ["Collective", "Fiscal", "PartyFees", "UrbanRural"] as const;
type Source = (typeof SOURCES)[number];

const meetingKindKey = (k: MeetingKindCode) => `ledger.meetingKind.${k}` as Key;
const projectKindKey = (k: ProjectKindCode) => `ledger.projectKind.${k}` as Key;
const stateKey = (s: ProjectStateCode) => `ledger.state.${s}` as Key;
const sourceKey = (s: Source) => `ledger.funding${s}` as Key;

/** A number from a box, refused in the form's words when it is not one (never sent as null). */
export function numberIn(value: number | null, field: string): number | null {
  if (value !== null && !Number.isFinite(value)) throw { code: "INVALID_INPUT", message: `not a number: ${field}`, field };
  return value;
}

function money(n: number | null): string {
  return n === null ? t("ledger.notRecorded") : t("ledger.yuan", { n: n.toLocaleString("zh-CN") });
}

/** The meeting form: a new meeting, or the correction of `was` (filled in with its values). */
function meetingForm(v: VillageLedgerView, x: LedgerHelpers, was?: MeetingItem): HTMLElement {
  const kind = h("select", { "data-testid": "meeting-kind" }, MEETING_KINDS.map((k) => h("option", { value: k, selected: was?.kind === k }, t(meetingKindKey(k)))));
  const date = h("input", { type: "date", value: was?.date ?? v.today, max: v.today, "data-testid": "meeting-date" });
  const ledBy = h("input", { type: "text", value: was?.ledBy ?? "", "data-testid": "meeting-led-by" });
  const attendance = h("input", {
    type: "number",
    min: "1",
    inputmode: "numeric",
    value: was?.attendance == null ? "" : String(was.attendance),
    placeholder: t("ledger.attendanceHint"),
    "data-testid": "meeting-attendance",
  });
  const topics = h("textarea", { rows: "3", "data-testid": "meeting-topics" });
  topics.value = was?.topics ?? "";
  const decisions = h("textarea", { rows: "2", "data-testid": "meeting-decisions" });
  decisions.value = was?.decisions ?? "";
  const save = h("button", { class: "primary", "data-testid": "meeting-save" }, t("ledger.saveMeeting"));
  const box = h("div", { class: "card", "data-testid": "meeting-form" });
  save.onclick = () =>
    void x.act(save, box, async () => {
      await call("record_meeting", {
        id: was?.id ?? null,
        date: date.value,
        kind: kind.value as MeetingKindCode,
        ledBy: ledBy.value,
        attendance: numberIn(countOf(attendance.value), "attendance"),
        topics: topics.value,
        decisions: decisions.value,
      });
      x.toast(t(was ? "ledger.corrected" : "ledger.meetingSaved"));
      x.redraw();
    });
  box.append(
    h("h2", {}, t(was ? "ledger.correct" : "ledger.newMeeting")),
    x.field(t("ledger.meetingKind"), kind),
    x.field(t("ledger.date"), date),
    x.field(t("ledger.ledBy"), ledBy),
    x.field(t("ledger.attendance"), attendance),
    x.field(t("ledger.topics"), topics),
    x.field(t("ledger.decisions"), decisions),
    save,
  );
  return box;
}

/** The project form: a new project, or the correction of `was` (filled in; a closed one keeps its state). */
function projectForm(v: VillageLedgerView, x: LedgerHelpers, was?: ProjectItem): HTMLElement {
  const name = h("input", { type: "text", value: was?.name ?? "", "data-testid": "project-name" });
  const kind = h("select", { "data-testid": "project-kind" }, PROJECT_KINDS.map((k) => h("option", { value: k, selected: was?.kind === k }, t(projectKindKey(k)))));
  const state = h(
    "select",
    { "data-testid": "project-state" },
    (["planned", "underway"] as ProjectStateCode[]).map((s) => h("option", { value: s, selected: was?.state === s }, t(stateKey(s)))),
  );
  const started = h("input", { type: "date", max: v.today, value: was?.startedOn ?? "", "data-testid": "project-started" });
  const was$ = (s: Source): number | null =>
    was ? { Collective: was.fundingCollective, Fiscal: was.fundingFiscal, PartyFees: was.fundingPartyFees, UrbanRural: was.fundingUrbanRural }[s] : null;
  const funding = Object.fromEntries(
    SOURCES.map((s) => [
      s,
      h("input", {
        type: "number",
        min: "0",
        inputmode: "numeric",
        value: was$(s) === null ? "" : String(was$(s)),
        placeholder: t("ledger.notRecorded"),
        "data-testid": `project-funding-${s}`,
      }),
    ]),
  ) as Record<Source, HTMLInputElement>;
  // The households that benefit, picked from the registry; none ticked: the whole village.
  const picks = v.households.map((hh) => ({
    id: hh.id,
    box: h("input", { type: "checkbox", value: hh.id, checked: !!was?.householdIds.includes(hh.id), "data-testid": "project-household" }),
    hh,
  }));
  const save = h("button", { class: "primary", "data-testid": "project-save" }, t("ledger.saveProject"));
  const box = h("div", { class: "card", "data-testid": "project-form" });
  save.onclick = () =>
    void x.act(save, box, async () => {
      await call("add_project", {
        id: was?.id ?? null,
        name: name.value,
        kind: kind.value as ProjectKindCode,
        fundingCollective: numberIn(yuanOf(funding.Collective.value), "funding"),
        fundingFiscal: numberIn(yuanOf(funding.Fiscal.value), "funding"),
        fundingPartyFees: numberIn(yuanOf(funding.PartyFees.value), "funding"),
        fundingUrbanRural: numberIn(yuanOf(funding.UrbanRural.value), "funding"),
        householdIds: picks.filter((p) => p.box.checked).map((p) => p.id),
        state: state.value as ProjectStateCode,
        startedOn: started.value || null,
      });
      x.toast(t(was ? "ledger.corrected" : "ledger.projectSaved"));
      x.redraw();
    });
  box.append(
    h("h2", {}, t(was ? "ledger.correct" : "ledger.newProject")),
    x.field(t("ledger.projectName"), name),
    x.field(t("ledger.projectKind"), kind),
    x.field(t("ledger.state"), state),
    x.field(t("ledger.startedOn"), started),
    h("fieldset", {}, h("legend", {}, t("ledger.funding")), SOURCES.map((s) => x.field(t(sourceKey(s)), funding[s]))),
    h(
      "details",
      { "data-testid": "project-households" },
      h("summary", {}, t("ledger.households")),
      h("p", { class: "small muted" }, t("ledger.householdsHint")),
      picks.map((p) => h("label", { class: "check" }, p.box, `${p.hh.head}${p.hh.group ? `（${p.hh.group}）` : ""}`)),
    ),
    save,
  );
  return box;
}

function meetingRow(m: MeetingItem, v: VillageLedgerView, x: LedgerHelpers): HTMLElement {
  return h(
    "li",
    { "data-testid": "meeting-item", "data-kind": m.kind },
    h("b", {}, `${m.date} · ${t(meetingKindKey(m.kind))}`),
    h(
      "div",
      { class: "small muted" },
      `${t("ledger.ledBy")}：${m.ledBy} · ${t("ledger.attendance")}：`,
      h("span", { "data-testid": "meeting-attendance-shown" }, m.attendance === null ? t("ledger.notCounted") : t("common.people", { n: m.attendance })),
    ),
    h("div", {}, m.topics),
    m.decisions ? h("div", { class: "small" }, `${t("ledger.decisions")}：${m.decisions}`) : null,
    h("details", { "data-testid": "meeting-edit" }, h("summary", {}, t("ledger.correct")), meetingForm(v, x, m)),
  );
}

function projectRow(p: ProjectItem, v: VillageLedgerView, el: HTMLElement, x: LedgerHelpers): HTMLElement {
  const open = p.state === "planned" || p.state === "underway";
  const li = h("li", { "data-testid": "project-item", "data-state": p.state, "data-id": p.id });
  const lines = [
    h("b", {}, p.name),
    h("small", { class: "muted", "data-testid": "project-state-shown" }, ` · ${t(projectKindKey(p.kind))} · ${t(stateKey(p.state))}`),
    h(
      "div",
      { class: "small" },
      `${t("ledger.fundingCollective")} ${money(p.fundingCollective)} · ${t("ledger.fundingFiscal")} ${money(p.fundingFiscal)} · ${t("ledger.fundingPartyFees")} ${money(p.fundingPartyFees)} · ${t("ledger.fundingUrbanRural")} ${money(p.fundingUrbanRural)} · ${t("ledger.total")} ${money(p.fundingTotal)}`,
    ),
    h("div", { class: "small muted" }, `${t("ledger.households")}：${p.householdHeads.length ? p.householdHeads.join("、") : t("ledger.wholeVillage")}`),
    p.progress.length
      ? h(
          "div",
          { class: "small", "data-testid": "project-progress" },
          p.progress.map((u) => h("div", {}, `${u.day} ${u.text}（${u.byName}）`, recordPhotos("progress", u.id, u.photos, t("photo.pick")))),
        )
      : null,
    // The follow-up items that became or joined it (issue 22), each with its state: closing the
    // project closes none of them, and the words say what stays open.
    p.followUps.length
      ? h(
          "div",
          { class: "small", "data-testid": "project-followups" },
          h("div", { "data-testid": "project-followups-words", class: p.openFollowUps && p.closedOn ? "warn" : "muted" }, lang() === "zh" ? p.followUpsWordsZh : p.followUpsWordsEn),
          h(
            "ul",
            { class: "plain" },
            p.followUps.map((f) =>
              h("li", { "data-testid": "project-followup", "data-done": String(f.done) }, `${f.text}（${f.householdHead}）· ${t(f.done ? "followUp.closed" : "followUp.title")}`),
            ),
          ),
        )
      : null,
    p.closedOn ? h("div", { class: "small", "data-testid": "project-result" }, `${t("ledger.closedOn", { day: p.closedOn })}：${p.result}`) : null,
  ];
  add(li, lines);
  li.append(h("details", { "data-testid": "project-edit" }, h("summary", {}, t("ledger.correct")), projectForm(v, x, p)));
  if (open) {
    const day = h("input", { type: "date", value: v.today, max: v.today, "data-testid": "progress-day" });
    const text = h("input", { type: "text", placeholder: t("ledger.progressText"), "data-testid": "progress-text" });
    const addBtn = h("button", { "data-testid": "progress-save" }, t("ledger.addProgress"));
    const photos = attachmentPicker("progress");
    addBtn.onclick = () =>
      void x.act(addBtn, li, async () => {
        await call("add_progress", { projectId: p.id, day: day.value, text: text.value, attachments: photos.ids() });
        x.toast(t("ledger.progressSaved"));
        x.redraw();
      });
    const closeState = h(
      "select",
      { "data-testid": "close-state" },
      (["done", "dropped"] as ProjectStateCode[]).map((s) => h("option", { value: s }, t(stateKey(s)))),
    );
    const closeDay = h("input", { type: "date", value: v.today, max: v.today, "data-testid": "close-day" });
    const result = h("input", { type: "text", placeholder: t("ledger.resultHint"), "data-testid": "close-result" });
    const closeBtn = h("button", { "data-testid": "close-save" }, t("ledger.close"));
    closeBtn.onclick = () =>
      void x.act(closeBtn, li, async () => {
        await call("close_project", { projectId: p.id, state: closeState.value as ProjectStateCode, day: closeDay.value, result: result.value });
        x.toast(t("ledger.closed"));
        x.redraw();
      });
    li.append(
      h("div", { class: "row" }, day, text, addBtn),
      h("details", { "data-testid": "progress-photos" }, h("summary", {}, t("photo.pick")), photos.node),
      h("details", { "data-testid": "project-close" }, h("summary", {}, t("ledger.close")), h("div", { class: "row" }, closeState, closeDay, result, closeBtn)),
    );
  }
  return li;
}

/** The screen: the two lists with their forms. */
export async function ledgerScreen(el: HTMLElement, x: LedgerHelpers): Promise<void> {
  const v = await call("village_ledger");
  const [situation, plans] = await Promise.all([situationSection(x), plansSection(x)]);
  el.append(
    h("h1", {}, t("ledger.title")),
    h("p", { class: "small muted" }, t("ledger.intro")),
    situation,
    plans,
    h("h2", {}, t("ledger.meetings"), ` (${v.meetings.length})`),
    v.meetings.length ? h("ul", { class: "list", "data-testid": "meeting-list" }, v.meetings.map((m) => meetingRow(m, v, x))) : h("p", { class: "muted", "data-testid": "meeting-list" }, t("ledger.noMeetings")),
    h("details", { "data-testid": "meeting-new" }, h("summary", {}, t("ledger.newMeeting")), meetingForm(v, x)),
    h("h2", {}, t("ledger.projects"), ` (${v.projects.length})`),
    v.projects.length
      ? h("ul", { class: "list", "data-testid": "project-list" }, v.projects.map((p) => projectRow(p, v, el, x)))
      : h("p", { class: "muted", "data-testid": "project-list" }, t("ledger.noProjects")),
    h("details", { "data-testid": "project-new" }, h("summary", {}, t("ledger.newProject")), projectForm(v, x)),
  );
}
