// The village's own ledger on a village's page (村级工作台账, issue 22): the period's projects
// (name, kind, funding by seed 001's four sources, the households that benefit, state, latest
// progress, result) and meetings (date, kind, who led, attendance, topics, decisions), with the
// exports 项目台账, 会议记录, 村情 and 帮扶计划 (CSV, XLSX). Attendance nobody counted and a funding source not
// recorded are shown as unknown (未记录), never as 0. Above them the village situation (村情) of
// the period's year beside the year before, and the plan items covering that year (三年帮扶目标,
// 年度帮扶计划, 工作目标责任书) with how the plan stands. The section's words are kept here.

import { api, exportHref } from "./api.js";
import { fill, h } from "./dom.js";
import { fmtNum } from "./format.js";
import { lang, t } from "./i18n.js";
import { photoStrip } from "./photos.js";
import { periodParams, state } from "./state.js";
import { FORMATS, report } from "./ui.js";

const WORDS = {
  zh: {
    ledger: "村级工作台账",
    ledgerHint: "本期未办结及本期办结的项目、本期召开的会议,由工作队在手机上记录",
    projects: "项目台账",
    meetings: "会议记录",
    pName: "项目名称",
    linkedItems: "关联承诺事项 {n} 项，其中待办 {open} 项",
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
    situationExport: "村情",
    plansExport: "帮扶计划",
    situation: "村情（{year}年）",
    situationNone: "{year}年村情未填写。",
    situationFilled: "已填 {filled}/{parts} 项 · {who} 最后修改",
    sPart: "项目",
    sThis: "{year}年",
    sLast: "{year}年",
    sPopulation: "户籍人口",
    sHouseholds: "户数",
    sRegistry: "农户档案登记户数",
    sPartyMembers: "党员人数",
    sCollectiveIncome: "村集体经济收入(元)",
    sIncomeSources: "集体收入来源",
    sIncomePerHead: "农民人均可支配收入(元)",
    sIndustries: "主导产业",
    sRoads: "道路",
    sWater: "饮水",
    sNetwork: "网络 / 通信",
    sProblems: "主要问题",
    sCommittee: "村两委成员",
    notEntered: "未填",
    plans: "帮扶计划（{year}年）",
    plansStanding: "计划事项 {total} 项:已完成 {done},未完成 {missed},进行中 {open}(逾期 {overdue})",
    letterYes: "已签订工作目标责任书",
    letterNo: "本年工作目标责任书未记录",
    noPlans: "没有覆盖本年的目标和计划。",
    plKind: "类别",
    plTitle: "事项",
    plTarget: "目标 / 指标",
    plDue: "时限",
    plState: "状态",
    plResult: "完成情况",
    overdue: "已逾期",
    reports: "述职与调研报告",
    reportFiled: "已报送 · {who} · {at}",
  },
  en: {
    ledger: "Village ledger",
    ledgerHint: "Projects open or closed in the period and meetings held in it, recorded by the team on their phones",
    projects: "Projects",
    meetings: "Meetings",
    pName: "Project",
    linkedItems: "{n} follow-up items linked, {open} still open",
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
    situationExport: "village situation",
    plansExport: "aid plans",
    situation: "Village situation ({year})",
    situationNone: "The situation of {year} is not filled in.",
    situationFilled: "{filled} of {parts} parts filled in · last changed by {who}",
    sPart: "Part",
    sThis: "{year}",
    sLast: "{year}",
    sPopulation: "Registered population",
    sHouseholds: "Households",
    sRegistry: "Households in the household records",
    sPartyMembers: "Party members",
    sCollectiveIncome: "Collective income (yuan)",
    sIncomeSources: "Sources of collective income",
    sIncomePerHead: "Disposable income per head (yuan)",
    sIndustries: "Main industries",
    sRoads: "Roads",
    sWater: "Drinking water",
    sNetwork: "Network / phone signal",
    sProblems: "Main problems",
    sCommittee: "The two committees",
    notEntered: "not entered",
    plans: "Aid plans ({year})",
    plansStanding: "{total} plan items: {done} done, {missed} missed, {open} open ({overdue} overdue)",
    letterYes: "Responsibility letter signed",
    letterNo: "No responsibility letter recorded this year",
    noPlans: "No goals or plans cover this year.",
    plKind: "Kind",
    plTitle: "Item",
    plTarget: "Target",
    plDue: "Due",
    plState: "State",
    plResult: "Result",
    overdue: "overdue",
    reports: "Yearly and research reports",
    reportFiled: "filed · {who} · {at}",
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
        ["situation", "situationExport"],
        ["plans", "plansExport"],
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
    fill(body, situationTable(data), plansTable(data, villageId), reportsList(data.reports ?? []), projectsTable(data.projects ?? [], villageId), meetingsTable(data.meetings ?? []));
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

function progressCell(p, villageId) {
  const u = p.latest_progress;
  if (!u) return h("td", { class: "muted small" }, w("noProgress"));
  return h(
    "td",
    null,
    h("div", null, `${u.day} ${u.text}`),
    h("div", { class: "muted small" }, `${u.by} · ${w("progressMore", { n: p.progress_count })}`),
    photoStrip(villageId, u.id),
  );
}

function projectsTable(projects, villageId) {
  const head = h("thead", null, h("tr", null, ["pName", "pKind", "pFunding", "pHouseholds", "pState", "pProgress", "pResult"].map((k) => h("th", null, w(k)))));
  const rows = projects.length
    ? projects.map((p) =>
        h(
          "tr",
          { "data-testid": "ledger-project", "data-project": p.id, "data-state": p.state?.code ?? "" },
          h(
            "td",
            { class: "name" },
            p.name,
            p.follow_ups ? h("div", { class: "muted small", "data-testid": "ledger-project-items" }, w("linkedItems", { n: p.follow_ups, open: p.follow_ups_open ?? 0 })) : null,
          ),
          h("td", { class: "nowrap" }, word(p.kind)),
          fundingCell(p),
          householdsCell(p),
          h("td", { class: "nowrap" }, h("span", { class: `badge ${p.state?.code === "done" ? "badge-ok" : p.state?.code === "dropped" ? "badge-bad" : "badge-none"}` }, word(p.state))),
          progressCell(p, villageId),
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

const notEntered = () => h("span", { class: "muted" }, w("notEntered"));

function committeeText(x) {
  if (!x?.committee?.length) return notEntered();
  return h(
    "ul",
    { class: "plain small" },
    x.committee.map((c) =>
      h("li", null, `${c.name}(${c.post}`, c.birth_year ? `,${c.birth_year}` : "", c.education ? `,${word(c.education)}` : "", ")"),
    ),
  );
}

/** The year's register beside the year before, part by part; a part not entered is said so. */
function situationTable(data) {
  const cur = data.situation;
  const prev = data.situation_previous;
  const year = data.year;
  const num = (v, money) => (v == null ? notEntered() : money ? fmtNum(v) : fmtNum(v));
  const text = (v) => (v ? v : notEntered());
  const rows = [
    ["sPopulation", (x) => num(x?.population)],
    ["sHouseholds", (x) => num(x?.households)],
    ["sPartyMembers", (x) => num(x?.party_members)],
    ["sCommittee", (x) => committeeText(x)],
    ["sCollectiveIncome", (x) => num(x?.collective_income_yuan, true)],
    ["sIncomeSources", (x) => text(x?.income_sources)],
    ["sIncomePerHead", (x) => num(x?.income_per_head_yuan, true)],
    ["sIndustries", (x) => text(x?.industries)],
    ["sRoads", (x) => text(x?.roads)],
    ["sWater", (x) => text(x?.water)],
    ["sNetwork", (x) => text(x?.network)],
    ["sProblems", (x) => text(x?.problems)],
  ];
  const head = h("thead", null, h("tr", null, h("th", null, w("sPart")), h("th", null, w("sThis", { year })), h("th", null, w("sLast", { year: year - 1 }))));
  const body = h(
    "tbody",
    null,
    rows.map(([key, cell]) => h("tr", { "data-testid": "ledger-situation-row", "data-part": key }, h("th", { class: "nowrap" }, w(key)), h("td", null, cell(cur)), h("td", { class: "muted" }, cell(prev)))),
    h("tr", null, h("th", { class: "nowrap" }, w("sRegistry")), h("td", { "data-testid": "ledger-registry-households" }, fmtNum(data.registry_households ?? 0)), h("td", null, "")),
  );
  const status = cur ? w("situationFilled", { filled: cur.filled, parts: cur.parts, who: cur.updated_by }) : w("situationNone", { year });
  return h(
    "div",
    { "data-testid": "ledger-situation", "data-entered": cur ? "1" : "0" },
    h("h4", null, w("situation", { year })),
    h("p", { class: "muted small", "data-testid": "ledger-situation-status" }, status),
    h("div", { class: "table-wrap" }, h("table", { class: "grid compact" }, head, body)),
  );
}

/** The plan items covering the year and how the plan stands. */
function plansTable(data, villageId) {
  const plans = data.plans ?? [];
  const p = data.plan_progress ?? {};
  const head = h("thead", null, h("tr", null, ["plKind", "plTitle", "plTarget", "plDue", "plState", "plResult"].map((k) => h("th", null, w(k)))));
  const rows = plans.length
    ? plans.map((x) =>
        h(
          "tr",
          { "data-testid": "ledger-plan", "data-plan": x.id, "data-state": x.state?.code ?? "", "data-kind": x.kind?.code ?? "" },
          h("td", { class: "nowrap" }, word(x.kind), h("div", { class: "muted small" }, x.kind?.code === "three_year" ? `${x.year}–${x.year + 2}` : String(x.year))),
          h("td", null, x.title, photoStrip(villageId, x.id)),
          h("td", null, x.target || h("span", { class: "muted" }, "—")),
          h("td", { class: "nowrap" }, x.due ?? "—"),
          h("td", { class: "nowrap" }, h("span", { class: `badge ${x.overdue ? "badge-bad" : x.state?.code === "done" ? "badge-ok" : x.state?.code === "missed" ? "badge-bad" : "badge-none"}` }, x.overdue ? w("overdue") : word(x.state))),
          h("td", null, x.result || h("span", { class: "muted" }, "—"), x.closed_on ? h("div", { class: "muted small" }, w("closedOn", { day: x.closed_on })) : null),
        ),
      )
    : h("tr", null, h("td", { colspan: 6, class: "empty" }, w("noPlans")));
  const standing = w("plansStanding", { total: p.items ?? 0, done: p.done ?? 0, missed: p.missed ?? 0, open: p.open ?? 0, overdue: p.overdue ?? 0 });
  return h(
    "div",
    null,
    h("h4", null, w("plans", { year: data.year })),
    h("p", { class: "small", "data-testid": "ledger-plan-standing" }, standing, " · ", p.letter ? w("letterYes") : w("letterNo")),
    h("div", { class: "table-wrap" }, h("table", { class: "grid compact", "data-testid": "ledger-plans" }, head, h("tbody", null, rows))),
  );
}

/** The Asia/Shanghai day (UTC+8, no daylight saving) of a time in milliseconds. */
const shanghaiDay = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);

/** The year's written report (述职) and research report (调研报告): the text when filed, else
 * not due yet or missing (once the year has ended). */
function reportsList(reports) {
  const label = (r) => (lang === "en" ? (r.kind === "research" ? `Research report ${r.period.slice(0, 4)}` : `Yearly report ${r.period.slice(0, 4)}`) : r.label_zh);
  return h(
    "div",
    { "data-testid": "ledger-reports" },
    h("h4", null, w("reports")),
    h(
      "ul",
      { class: "plain" },
      reports.map((r) =>
        h(
          "li",
          { "data-testid": "ledger-report", "data-period": r.period, "data-state": r.state },
          h("strong", null, label(r)),
          " ",
          h("span", { class: `badge ${r.state === "filed" ? "badge-ok" : r.state === "missing" ? "badge-bad" : "badge-none"}` }, lang === "en" ? r.state.replace("_", " ") : r.state_zh),
          r.text ? h("div", { class: "muted small" }, w("reportFiled", { who: r.written_by_name ?? "", at: r.written_at ? shanghaiDay(r.written_at) : "" })) : null,
          r.text ? h("div", { class: "small report-text" }, r.text) : null,
        ),
      ),
    ),
  );
}
