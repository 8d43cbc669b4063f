// One village: the work team's figures, the presence calendar, the members (days, diary,
// filing, seven ones, discipline, training, yearly score), the monthly scores, the household
// visits, the village's own ledger (村级工作台账, ledger.js) and the random inspection, each
// figure explained; the entry forms open from here.

import { api, exportHref } from "./api.js";
import { $, fill, h } from "./dom.js";
import { openYearEntry } from "./entry.js";
import {
  GRADE_CLASS,
  dayDiff,
  dutyName,
  fmtNum,
  fmtPoints,
  gradeText,
  isoDate,
  itemName,
  listLength,
  monthText,
  monthTitle,
  monthsBetween,
  roleText,
  weekdayIndex,
} from "./format.js";
import { lang, t } from "./i18n.js";
import { evidenceSection } from "./evidence.js";
import { inspectSection } from "./inspection.js";
import { devicesSection } from "./devices.js";
import { joinSheetSection } from "./joinsheet.js";
import { ledgerSection } from "./ledger.js";
import { followUpsSection } from "./followups.js";
import { findingsSection } from "./findings.js";
import { surveyBlock } from "./survey.js";
import { hashFor, navigate, periodParams, state } from "./state.js";
import { DATASETS, DATASET_KEYS, FORMATS, exportGrid, fig, periodPicker, report, schemeAParts, showLoading } from "./ui.js";

export async function showVillage(id) {
  const ticket = ++state.ticket;
  state.view = "village";
  if (state.village?.village?.id !== id) {
    state.village = null;
    state.sample = null;
    showLoading();
  }
  try {
    const [data] = await Promise.all([api("village/" + encodeURIComponent(id), { params: periodParams() }), ensurePolicy()]);
    if (ticket !== state.ticket) return;
    state.period = data.period;
    state.village = data;
    renderVillage(data);
  } catch (err) {
    if (ticket === state.ticket) report(err);
  }
}

/**
 * Loads the county's policy once per session: the entry forms are built from it (maxima,
 * seven-ones items, scheme B catalogue). Without it the page still shows everything, only
 * the entry controls are left out.
 */
async function ensurePolicy() {
  if (state.policy) return state.policy;
  try {
    state.policy = await api("policy");
  } catch (err) {
    if (!err.handled) console.warn("policy", err);
  }
  return state.policy;
}

export function renderVillage(data) {
  const v = data.village ?? {};
  const names = new Map((data.members ?? []).map((m) => [m.id, m.name]));
  fill(
    $("#view"),
    h("a", { href: hashFor(null), class: "back", "data-testid": "back" }, t("back")),
    h(
      "div",
      { class: "page-head" },
      h("h2", { "data-testid": "village-title" }, v.name ?? "", h("span", { class: "muted township" }, v.township ?? "")),
    ),
    periodPicker(data.period, data.today, (p) => navigate(hashFor(v.id, p))),
    h("div", { class: "two-col" }, teamSection(data), exportGrid(t("exportsVillage"), { village: v.id }, "export-village")),
    calendarSection(data, names),
    membersSection(data),
    scoresSection(data),
    visitsSection(data),
    ledgerSection(v.id),
    followUpsSection(data),
    evidenceSection(v.id),
    inspectSection(v.id),
    findingsSection(v.id),
    devicesSection(v.id),
    joinSheetSection(v.id),
  );
}

function judgedDays(data) {
  const judged = data.judged ?? data.team?.judged;
  return judged ? dayDiff(judged.from, judged.to) + 1 : 0;
}

function teamSection(data) {
  const team = data.team ?? {};
  const households = (data.households ?? []).length;
  const notVisited = listLength(team.households_not_visited?.value);
  const gaps = team.gaps?.value ?? [];
  const excused = team.excused_gaps?.value ?? [];
  const days = fig(team.days_with_someone, fmtNum(team.days_with_someone?.value), t("figDaysWithSomeone"), { cls: "big", testid: "fig-days-with-someone" });
  const gapFig = fig(team.gaps, String(gaps.length), t("figGaps"), { cls: `big${gaps.length ? " bad" : ""}`, testid: "fig-gaps" });
  const excusedFig = fig(team.excused_gaps, String(excused.length), t("figExcused"), { cls: "big", testid: "fig-excused" });
  const visited = fig(team.households_not_visited, String(households - notVisited), t("figVisited"), { cls: `big${notVisited ? " bad" : ""}`, testid: "fig-visited" });
  return h(
    "section",
    { class: "card team", "data-testid": "team" },
    h("h3", null, t("team")),
    h(
      "div",
      { class: "stats" },
      statCard(t("figDaysWithSomeone"), [days, h("span", { class: "muted" }, " ", t("ofJudged", { n: judgedDays(data) }))], null, "stat-days"),
      statCard(t("figGaps"), gapFig, dateChips(gaps, "gap-dates"), "stat-gaps"),
      statCard(t("figExcused"), excusedFig, dateChips(excused, "excused-dates"), "stat-excused"),
      statCard(t("figVisited"), [visited, h("span", { class: "muted" }, " ", t("ofHouseholds", { n: households }))], null, "stat-visited"),
    ),
  );
}

function statCard(label, value, extra, testid) {
  return h("div", { class: "stat", "data-testid": testid }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value), extra);
}

function dateChips(dates, testid) {
  if (!dates.length) return h("div", { class: "chips muted small", "data-testid": testid }, t("noneDates"));
  return h("div", { class: "chips", "data-testid": testid }, dates.map((d) => h("span", { class: "chip" }, d)));
}

// ---- calendar

function calendarSection(data, names) {
  const period = data.period;
  const byDate = new Map((data.calendar ?? []).map((d) => [d.date, d]));
  const legend = ["present", "leave", "gap", "unknown", "unjudged"].map((s) => h("span", { class: "legend-item", "data-testid": `legend-${s}` }, h("span", { class: `swatch day-${s}` }), t("legend" + s[0].toUpperCase() + s.slice(1))));
  return h(
    "section",
    { class: "card" },
    h("div", { class: "section-head" }, h("h3", null, t("calendar")), h("div", { class: "legend" }, legend)),
    h("div", { class: "calendar", "data-testid": "calendar" }, monthsBetween(period.from, period.to).map(({ y, m }) => monthGrid(y, m, byDate, period, data.today, names))),
  );
}

function monthGrid(y, m, byDate, period, today, names) {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells = t("weekdays").split(",").map((w) => h("div", { class: "wd" }, w));
  const first = isoDate(y, m, 1);
  for (let i = 0; i < weekdayIndex(first); i++) cells.push(h("div", { class: "day day-blank" }));
  for (let d = 1; d <= days; d++) cells.push(dayCell(isoDate(y, m, d), byDate, period, today, names));
  return h("div", { class: "month", "data-testid": "cal-month" }, h("h4", null, monthTitle(y, m)), h("div", { class: "month-grid" }, cells));
}

function dayStatus(date, entry, period, today) {
  if (date < period.from || date > period.to) return "out";
  if (!entry || (today && date > today)) return "unjudged";
  if ((entry.present ?? []).length) return "present";
  if (entry.gap) return "gap";
  if (entry.unknown) return "unknown";
  if (entry.excused || (entry.leave ?? []).length) return "leave";
  return "unjudged";
}

function dayCell(date, byDate, period, today, names) {
  const entry = byDate.get(date);
  const status = dayStatus(date, entry, period, today);
  const nameList = (ids) => (ids ?? []).map((id) => names.get(id) ?? id).join("、");
  const lines = [date];
  if (status === "out") {
    /* outside the period: no tooltip detail */
  } else if (status === "unjudged") lines.push(entry && !(today && date > today) ? t("tipNoPost") : t("tipUnjudged"));
  else {
    if (entry.present?.length) lines.push(`${t("tipPresent")}: ${nameList(entry.present)}`);
    if (entry.gap) lines.push(t("tipGap"));
    if (entry.excused) lines.push(t("tipExcused"));
    if (entry.leave?.length) lines.push(`${t("tipLeave")}: ${nameList(entry.leave)}`);
    if (entry.unknown) lines.push(t("tipUnknown"));
    if (entry.not_synced?.length) lines.push(`${t("tipNotSynced")}: ${nameList(entry.not_synced)}`);
  }
  return h("div", { class: `day day-${status}`, title: lines.join("\n"), "data-testid": "cal-day", "data-date": date, "data-status": status }, String(Number(date.slice(8))));
}

// ---- members

function membersSection(data) {
  const members = data.members ?? [];
  const head = h(
    "thead",
    null,
    h(
      "tr",
      null,
      MEMBER_COLUMNS.map((k) => h("th", { class: ["mDays", "mLeave", "mDiary", "mDiaryGaps", "mAbsence", "mNotSynced", "mDiscipline", "mTraining"].includes(k) ? "num" : "" }, t(k))),
    ),
  );
  const body = h("tbody", null, members.length ? members.map((m) => memberRow(m, data)) : h("tr", null, h("td", { colspan: MEMBER_COLUMNS.length, class: "empty" }, t("noMembers"))));
  return h(
    "section",
    { class: "card" },
    h("h3", null, t("members")),
    h("div", { class: "table-wrap" }, h("table", { class: "grid members", "data-testid": "members-table" }, head, body)),
    sevenOnesLegend(members),
    h("p", { class: "muted small legend-line" }, t("schemeAHint")),
  );
}

const MEMBER_COLUMNS = ["mName", "mRole", "mLastSync", "mDays", "mMet", "mLeave", "mDiary", "mDiaryGaps", "mAbsence", "mNotSynced", "mUnfiled", "mSevenOnes", "mDiscipline", "mTraining", "mSchemeA", "mExport"];

/** What the numbers 1–7 of the seven-ones badges stand for (from the first member's rules). */
function sevenOnesLegend(members) {
  const items = members.find((m) => (m.report?.seven_ones ?? []).length)?.report.seven_ones ?? [];
  if (!items.length) return null;
  return h(
    "p",
    { class: "muted small legend-line", "data-testid": "seven-ones-legend" },
    `${t("mSevenOnes")}: `,
    items.map((f, i) => `${i + 1} ${dutyName(f)}`).join(" · "),
    ` (✓ ${t("dutyDone")} ✗ ${t("dutyNotDone")} ? ${t("dutyNotRecorded")})`,
  );
}

function memberRow(m, data) {
  const r = m.report ?? {};
  const name = m.name ?? "";
  const label = (key) => `${name} · ${t(key)}`;
  const minDays = r.min_days?.value ?? {};
  const share = r.min_share?.value;
  const gaps = listLength(r.diary_gaps?.value);
  const unfiled = (r.unfiled_months?.value ?? []).map(monthText);
  const absent = listLength(r.absent_without_leave?.value);
  const notSynced = listLength(r.not_synced?.value);
  return h(
    "tr",
    { "data-testid": "member-row", "data-member-id": m.id, "data-role": m.role ?? "", "data-diary-days": r.diary_days?.value ?? 0 },
    h("td", { class: "name" }, name),
    h("td", { class: "nowrap" }, roleText(m)),
    h(
      "td",
      { class: "nowrap", "data-testid": "last-sync", "data-last-sync": m.last_sync ?? "" },
      m.last_sync_text ? m.last_sync_text : h("span", { class: "muted" }, t("neverSynced")),
      r.provisional ? h("span", { class: "provisional-mark", title: t("provisionalTip"), "data-testid": "member-provisional" }, t("provisionalMark")) : null,
    ),
    h("td", { class: "num" }, fig(r.days_in_village, fmtNum(r.days_in_village?.value), label("mDays")), h("span", { class: "muted" }, ` / ${fmtNum(minDays.required)}`)),
    h(
      "td",
      null,
      fig(r.min_days, minDays.met ? t("met") : t("notMet"), label("mMet"), { cls: `badge ${minDays.met ? "badge-ok" : "badge-bad"}`, testid: "min-days-badge" }),
      share ? fig(r.min_share, share.met ? t("shareMet") : t("shareNotMet"), label("mMet"), { cls: `badge ${share.met ? "badge-ok" : "badge-bad"}` }) : null,
    ),
    h("td", { class: "num" }, fig(r.leave_days, String(listLength(r.leave_days?.value)), label("mLeave"))),
    h("td", { class: "num" }, fig(r.diary_days, fmtNum(r.diary_days?.value), label("mDiary"))),
    h("td", { class: `num${gaps ? " warn" : ""}` }, fig(r.diary_gaps, String(gaps), label("mDiaryGaps"))),
    h("td", { class: `num${absent ? " warn" : ""}` }, fig(r.absent_without_leave, String(absent), label("mAbsence"), { testid: "member-absence" })),
    h("td", { class: "num" }, fig(r.not_synced, String(notSynced), label("mNotSynced"), { cls: notSynced ? "not-synced-text" : "", testid: "member-not-synced" })),
    h("td", { class: unfiled.length ? "warn" : "" }, fig(r.unfiled_months, unfiled.length ? unfiled.join("、") : "—", label("mUnfiled"))),
    h("td", null, sevenOnes(r.seven_ones ?? [], name)),
    h("td", { class: "num" }, fig(m.discipline, fmtNum(m.discipline?.value), label("mDiscipline"))),
    h("td", { class: "num" }, trainingFig(r.training, label("mTraining"))),
    schemeACell(m, data),
    h("td", { class: "nowrap" }, memberExports(data.village?.id, m.id)),
  );
}

/** Training days entered by the county against the yearly minimum, or 未录入. */
function trainingFig(f, label) {
  const v = f?.value;
  if (!v) return fig(f, t("notEntered"), label, { cls: "muted", testid: "training" });
  return fig(f, `${fmtNum(v.actual)} / ${fmtNum(v.required)}`, label, { cls: v.met ? "" : "bad", testid: "training" });
}

/** Scheme A total and grade (by the thresholds) once entered, and the control to enter them. */
function schemeACell(m, data) {
  const a = m.scheme_a;
  const label = `${m.name ?? ""} · ${t("mSchemeA")}`;
  const value = a
    ? [
        fig(a.total, fmtPoints(a.total?.value), label, { cls: "points", testid: "scheme-a-total", extra: () => schemeAParts(a) }),
        " ",
        // A first secretary's grade after the county's cap when the server gives it.
        fig(m.county_grade ?? a.grade, gradeText((m.county_grade ?? a.grade)?.value), `${label} · ${t("gGrade")}`, {
          cls: `badge ${GRADE_CLASS[(m.county_grade ?? a.grade)?.value] ?? "badge-none"}`,
          testid: "scheme-a-grade",
        }),
        m.demoted_by_cap ? h("span", { class: "badge badge-warn", title: t("cappedTip"), "data-testid": "scheme-a-capped" }, t("cappedMark")) : null,
      ]
    : [h("span", { class: "muted", "data-testid": "scheme-a-none" }, t("notEntered")), hasInputs(m.inputs) ? h("span", { class: "muted small" }, ` (${t("partlyEntered")})`) : null];
  const button = state.policy
    ? h("button", { type: "button", class: "btn btn-small", "data-testid": "score-entry", onclick: () => openYearEntry(data, m, () => showVillage(data.village?.id)) }, t("enterScores"))
    : null;
  const year = Number(String(data.period?.to ?? data.today ?? "").slice(0, 4)) || new Date().getFullYear();
  const survey = surveyBlock(data.village?.id, m, year, () => showVillage(data.village?.id));
  return h("td", { class: "scheme-a" }, h("div", { class: "scheme-a-value" }, value), button, survey);
}

function hasInputs(inputs) {
  if (!inputs) return false;
  return ["results", "evaluation", "assessment", "training_days"].some((k) => inputs[k] != null) || Object.keys(inputs.seven_ones ?? {}).length > 0;
}

function sevenOnes(items, name) {
  const cls = { done: "badge-ok", not_done: "badge-bad", not_recorded: "badge-none" };
  const mark = { done: "✓", not_done: "✗", not_recorded: "?" };
  const statusKey = { done: "dutyDone", not_done: "dutyNotDone", not_recorded: "dutyNotRecorded" };
  return h(
    "div",
    { class: "duties", "data-testid": "seven-ones" },
    items.map((f, i) => {
      const status = f.value ?? "not_recorded";
      const text = `${dutyName(f)}: ${t(statusKey[status] ?? "dutyNotRecorded")}`;
      const b = fig(f, `${i + 1}${mark[status] ?? "?"}`, `${name} · ${text}`, { cls: `badge duty ${cls[status] ?? "badge-none"}` });
      b.title = text;
      b.dataset.code = f.rule?.policy_value ?? ""; // the item's code (rule.policy_value)
      b.dataset.status = status;
      return b;
    }),
  );
}

function memberExports(villageId, memberId) {
  return h(
    "details",
    { class: "member-export", "data-testid": "member-export" },
    h("summary", null, t("mExport")),
    h(
      "div",
      { class: "export-pop" },
      DATASETS.map((ds) =>
        h(
          "div",
          { class: "export-row" },
          h("span", { class: "export-name" }, t(DATASET_KEYS[ds])),
          FORMATS.map((fmt) => {
            const href = exportHref(ds, fmt, { village: villageId, member: memberId });
            return h("a", { class: "btn btn-small", href, download: true, "data-testid": `export-member-${ds}-${fmt}` }, fmt.toUpperCase());
          }),
        ),
      ),
    ),
  );
}

// ---- monthly scores (scheme B)

function scoresSection(data) {
  const members = data.members ?? [];
  const months = [...new Set(members.flatMap((m) => (m.months ?? []).map((x) => monthText(x.month))))].sort();
  const head = h("thead", null, h("tr", null, h("th", null, t("mName")), months.map((mo) => h("th", { class: "num" }, mo))));
  const body = h(
    "tbody",
    null,
    members.map((m) => {
      const byMonth = new Map((m.months ?? []).map((x) => [monthText(x.month), x]));
      return h("tr", { "data-testid": "score-row", "data-member-id": m.id }, h("td", { class: "name" }, m.name ?? ""), months.map((mo) => scoreCell(data, m, byMonth.get(mo), mo)));
    }),
  );
  return h(
    "section",
    { class: "card" },
    h("div", { class: "section-head" }, h("h3", null, t("scores")), h("span", { class: "muted small" }, t("scoresHint"))),
    h("div", { class: "table-wrap" }, h("table", { class: "grid scores", "data-testid": "scores-table" }, head, body)),
  );
}

function scoreCell(data, member, month, mo) {
  if (!month) return h("td", { class: "num muted" }, "—");
  const score = month.score?.value;
  const cut = month.allowance_cut ? month.allowance_cut.value === true : typeof score === "number" && score < 8;
  const tip = t("monthTip", { d: fmtNum(month.days_in_village), dd: fmtNum(month.diary_days), g: fmtNum(month.diary_gaps), a: fmtNum(listLength(month.absent_without_leave)), u: fmtNum(month.not_synced_days ?? 0) });
  const label = `${member.name ?? ""} · ${mo}`;
  return h(
    "td",
    { class: `num${cut ? " cut" : ""}`, title: tip, "data-testid": "score-cell", "data-cut": cut ? "1" : "0", "data-month": mo, "data-provisional": month.provisional ? "1" : "0" },
    fig(month.score, fmtNum(score), `${label} · ${t("scores")}`, { testid: "month-score", extra: () => h("div", null, sheetChain(month)) }),
    month.sheet ? h("div", { class: "muted small", "data-testid": "sheet-state", "data-state": month.sheet.state }, lang === "en" ? month.sheet.state : month.sheet.state_zh) : null,
    month.provisional ? h("span", { class: "provisional-mark", title: t("provisionalTip"), "data-testid": "score-provisional" }, t("provisionalMark")) : null,
    cut ? h("div", null, fig(month.allowance_cut, t("allowanceCut"), `${label} · ${t("allowanceCut")}`, { cls: "cut-mark" })) : null,
  );
}

/** The month's score sheet and its chain: entered by/at, checked by/at with the note, audited. */
function sheetChain(month) {
  const s = month.sheet;
  if (!s) return null;
  const en = lang === "en";
  const step = (zh, eng) => h("li", null, en ? eng : zh);
  return h(
    "div",
    { class: "explain-extra", "data-testid": "sheet-chain" },
    h("h4", null, en ? "Score sheet" : "月度评分表"),
    h(
      "ul",
      null,
      step(`${s.scored_by_name} 录入于 ${s.scored_at_text}`, `entered by ${s.scored_by_name} at ${s.scored_at_text}`),
      s.checked_by
        ? step(
            `${s.checked_by_name ?? s.checked_by} ${s.state === "returned" ? "退回" : "把关"}于 ${s.checked_at_text ?? ""}${s.check_note ? `:${s.check_note}` : ""}`,
            `${s.state === "returned" ? "returned" : "checked"} by ${s.checked_by_name ?? s.checked_by} at ${s.checked_at_text ?? ""}${s.check_note ? `: ${s.check_note}` : ""}`,
          )
        : null,
      s.audited_by
        ? step(
            `${s.audited_by_name ?? s.audited_by} 审核于 ${s.audited_at_text ?? ""}${s.audit_points != null ? `,调整为${s.audit_points}分:${s.audit_note}` : ""}`,
            `audited by ${s.audited_by_name ?? s.audited_by} at ${s.audited_at_text ?? ""}${s.audit_points != null ? `, set to ${s.audit_points}: ${s.audit_note}` : ""}`,
          )
        : null,
      month.next_step ? step(month.next_step, month.next_step) : null,
    ),
  );
}

// ---- household visits

function visitsSection(data) {
  const team = data.team ?? {};
  const households = data.households ?? [];
  const byId = new Map(households.map((x) => [x.id, x]));
  const missing = (team.households_not_visited?.value ?? []).map((id) => byId.get(id) ?? { id, head: id, group: "" });
  const visited = households.length - missing.length;
  const notVisited = missing.length
    ? h(
        "table",
        { class: "grid compact", "data-testid": "not-visited" },
        h("thead", null, h("tr", null, h("th", null, t("hHead")), h("th", null, t("hGroup")))),
        h("tbody", null, missing.map((x) => h("tr", null, h("td", null, x.head ?? ""), h("td", null, x.group ?? "")))),
      )
    : h("p", { class: "muted", "data-testid": "not-visited" }, households.length ? t("allVisited") : t("noHouseholds"));
  return h(
    "section",
    { class: "card", "data-testid": "visits" },
    h(
      "div",
      { class: "section-head" },
      h("h3", null, t("visits")),
      h("span", { class: "coverage" }, fig(team.households_not_visited, `${visited} / ${households.length}`, t("figVisited"), { cls: `big${missing.length ? " bad" : ""}`, testid: "fig-coverage" })),
    ),
    h("div", { class: "two-col" }, h("div", null, h("h4", null, t("notVisited"), ` (${missing.length})`), notVisited), householdsTable(households)),
  );
}

function householdsTable(households) {
  const rows = households.map((x) =>
    h("tr", { class: x.visits ? "" : "warn-row" }, h("td", null, x.head ?? ""), h("td", null, x.group ?? ""), h("td", { class: "num" }, fmtNum(x.visits)), h("td", null, x.last_visit ?? "—")),
  );
  return h(
    "div",
    null,
    h("h4", null, t("households"), ` (${households.length})`),
    h(
      "div",
      { class: "table-wrap scroll" },
      h(
        "table",
        { class: "grid compact", "data-testid": "households-table" },
        h("thead", null, h("tr", null, h("th", null, t("hHead")), h("th", null, t("hGroup")), h("th", { class: "num" }, t("hVisits")), h("th", null, t("hLast")))),
        h("tbody", null, rows),
      ),
    ),
  );
}

