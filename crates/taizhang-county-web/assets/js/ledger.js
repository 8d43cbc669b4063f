// The village's own ledger on a village's page (村级工作台账, issue 22): the period's projects
// (name, kind, funding by seed 001's four sources, the households that benefit, state, latest
// progress, result) and meetings (date, kind, who led, attendance, topics, decisions), with the
// exports 项目台账 and 会议记录 (CSV, XLSX). Attendance nobody counted and a funding source not
// recorded are shown as unknown (未记录), never as 0. The section's words are kept here.

import { api, exportHref } from "./api.js";
import { fill, h } from "./dom.js";
import { fmtNum } from "./format.js";
import { lang, t } from "./i18n.js";
import { periodParams, state } from "./state.js";
import { FORMATS, report } from "./ui.js";

const WORDS = {
  zh: {
    ledger: "村级工作台账",
    ledgerHint: "本期未办结及本期办结的项目、本期召开的会议,由工作队在手机上记录",
    projects: "项目台账",
    meetings: "会议记录",
    pName: "项目名称",
    pKind: "类型",
    pFunding: "资金(元)",
    pHouseholds: "受益农户",
    pState: "状态",
    pProgress: "最新进展",
    pResult: "结果",
    wholeVillage: "未列农户(全村或未记录)",
    households: "{n} 户",
    total: "合计",
    notRecorded: "未记录",
    progressMore: "共 {n} 条进展",
    noProgress: "暂无进展",
    closedOn: "{day} 办结",
    mDate: "日期",
    mKind: "类型",
    mLedBy: "主持/主讲",
    mAttendance: "参加人数",
    mTopics: "议题",
    mDecisions: "决定事项",
    noProjects: "本期没有项目记录。",
    noMeetings: "本期没有会议记录。",
    exportLedger: "导出",
  },
  en: {
    ledger: "Village ledger",
    ledgerHint: "Projects open or closed in the period and meetings held in it, recorded by the team on their phones",
    projects: "Projects",
    meetings: "Meetings",
    pName: "Project",
    pKind: "Kind",
    pFunding: "Funding (yuan)",
    pHouseholds: "Households",
    pState: "State",
    pProgress: "Latest progress",
    pResult: "Result",
    wholeVillage: "none listed (whole village or not recorded)",
    households: "{n} households",
    total: "total",
    notRecorded: "not recorded",
    progressMore: "{n} updates",
    noProgress: "no progress yet",
    closedOn: "closed {day}",
    mDate: "Date",
    mKind: "Kind",
    mLedBy: "Led by",
    mAttendance: "Attended",
    mTopics: "Topics",
    mDecisions: "Decisions",
    noProjects: "No projects in this period.",
    noMeetings: "No meetings in this period.",
    exportLedger: "Export",
  },
};

function w(key, vars) {
  const text = WORDS[lang]?.[key] ?? WORDS.zh[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? "")) : text;
}

const word = (coded) => (coded ? (lang === "en" ? coded.en : coded.zh) : "");
const unknown = () => h("span", { class: "muted" }, w("notRecorded"));

/** The section; it loads its own data (`api/village/{id}/ledger`) for the page's period. */
export function ledgerSection(villageId) {
  const body = h("div", { "data-testid": "ledger-body" }, h("p", { class: "loading" }, t("loading")));
  loadLedger(villageId, body);
  return h(
    "section",
    { class: "card", "data-testid": "ledger" },
    h("div", { class: "section-head" }, h("h3", null, w("ledger")), h("span", { class: "muted small" }, w("ledgerHint"))),
    h(
      "div",
      { class: "export-grid ledger-exports", "data-testid": "ledger-exports" },
      [
        ["projects", "projects"],
        ["meetings", "meetings"],
      ].map(([ds, key]) =>
        h(
          "div",
          { class: "export-row" },
          h("span", { class: "export-name" }, `${w("exportLedger")} ${w(key)}`),
          FORMATS.map((fmt) =>
            h("a", { class: "btn btn-small", href: exportHref(ds, fmt, { village: villageId }), download: true, "data-testid": `export-ledger-${ds}-${fmt}` }, fmt.toUpperCase()),
          ),
        ),
      ),
    ),
    body,
  );
}

async function loadLedger(villageId, body) {
  const ticket = state.ticket;
  try {
    const data = await api(`village/${encodeURIComponent(villageId)}/ledger`, { params: periodParams() });
    if (ticket !== state.ticket) return;
    fill(body, projectsTable(data.projects ?? []), meetingsTable(data.meetings ?? []));
  } catch (err) {
    if (ticket === state.ticket) {
      fill(body);
      report(err);
    }
  }
}

function yuan(n) {
  return n == null ? unknown() : fmtNum(n);
}

function fundingCell(p) {
  return h(
    "td",
    { class: "ledger-funding" },
    h(
      "ul",
      { class: "plain small" },
      (p.funding ?? []).map((f) => h("li", { "data-testid": "ledger-funding", "data-source": f.code }, `${word(f)}: `, yuan(f.yuan))),
      h("li", null, h("strong", null, `${w("total")}: `, yuan(p.funding_total))),
    ),
  );
}

function householdsCell(p) {
  const list = p.households ?? [];
  if (!list.length) return h("td", { class: "muted small" }, w("wholeVillage"));
  return h("td", { title: list.join("、") }, w("households", { n: list.length }), h("div", { class: "muted small" }, list.slice(0, 6).join("、") + (list.length > 6 ? "…" : "")));
}

function progressCell(p) {
  const u = p.latest_progress;
  if (!u) return h("td", { class: "muted small" }, w("noProgress"));
  return h("td", null, h("div", null, `${u.day} ${u.text}`), h("div", { class: "muted small" }, `${u.by} · ${w("progressMore", { n: p.progress_count })}`));
}

function projectsTable(projects) {
  const head = h("thead", null, h("tr", null, ["pName", "pKind", "pFunding", "pHouseholds", "pState", "pProgress", "pResult"].map((k) => h("th", null, w(k)))));
  const rows = projects.length
    ? projects.map((p) =>
        h(
          "tr",
          { "data-testid": "ledger-project", "data-project": p.id, "data-state": p.state?.code ?? "" },
          h("td", { class: "name" }, p.name),
          h("td", { class: "nowrap" }, word(p.kind)),
          fundingCell(p),
          householdsCell(p),
          h("td", { class: "nowrap" }, h("span", { class: `badge ${p.state?.code === "done" ? "badge-ok" : p.state?.code === "dropped" ? "badge-bad" : "badge-none"}` }, word(p.state))),
          progressCell(p),
          h("td", null, p.result ? h("div", null, p.result) : h("span", { class: "muted" }, "—"), p.closed_on ? h("div", { class: "muted small" }, w("closedOn", { day: p.closed_on })) : null),
        ),
      )
    : h("tr", null, h("td", { colspan: 7, class: "empty" }, w("noProjects")));
  return h("div", null, h("h4", null, w("projects"), ` (${projects.length})`), h("div", { class: "table-wrap" }, h("table", { class: "grid compact", "data-testid": "ledger-projects" }, head, h("tbody", null, rows))));
}

function meetingsTable(meetings) {
  const head = h("thead", null, h("tr", null, ["mDate", "mKind", "mLedBy", "mAttendance", "mTopics", "mDecisions"].map((k) => h("th", { class: k === "mAttendance" ? "num" : "" }, w(k)))));
  const rows = meetings.length
    ? meetings.map((m) =>
        h(
          "tr",
          { "data-testid": "ledger-meeting", "data-meeting": m.id, "data-kind": m.kind?.code ?? "" },
          h("td", { class: "nowrap" }, m.date),
          h("td", { class: "nowrap" }, word(m.kind)),
          h("td", null, m.led_by),
          h("td", { class: "num", "data-testid": "ledger-attendance", "data-known": m.attendance == null ? "0" : "1" }, m.attendance == null ? unknown() : fmtNum(m.attendance)),
          h("td", null, m.topics),
          h("td", null, m.decisions || h("span", { class: "muted" }, "—")),
        ),
      )
    : h("tr", null, h("td", { colspan: 6, class: "empty" }, w("noMeetings")));
  return h("div", null, h("h4", null, w("meetings"), ` (${meetings.length})`), h("div", { class: "table-wrap" }, h("table", { class: "grid compact", "data-testid": "ledger-meetings" }, head, h("tbody", null, rows))));
}
