// The county overview: every village of the county at a glance (filterable), the first
// secretaries' yearly grades after the county's cap on 优秀, and the county's exports.

import { api } from "./api.js";
import { $, fill, h } from "./dom.js";
import { GRADE_CLASS, fmtNum, fmtPoints, gradeText, ruleText, yearOf } from "./format.js";
import { t } from "./i18n.js";
import { hashFor, navigate, periodParams, state } from "./state.js";
import { exportGrid, fig, periodPicker, report, schemeAParts, showLoading, statusBadge, warnCount } from "./ui.js";

export async function showOverview() {
  const ticket = ++state.ticket;
  state.view = "overview";
  state.sample = null;
  if (!state.overview) showLoading();
  try {
    const data = await api("overview", { params: periodParams() });
    if (ticket !== state.ticket) return;
    state.period = data.period;
    state.overview = data;
    renderOverview(data);
    loadGrades(yearOf(data.period), ticket);
  } catch (err) {
    if (ticket === state.ticket) report(err);
  }
}

/**
 * Loads the yearly grades into the overview's section. Always fetched again (scores may have
 * been entered since); the previous answer stays on screen meanwhile if it is the same year.
 */
async function loadGrades(year, ticket) {
  try {
    const data = await api("grades", { params: { year } });
    if (ticket !== state.ticket) return;
    state.grades = { year, data };
  } catch (err) {
    if (ticket !== state.ticket || err.handled) return;
    state.grades = { year, error: err.message };
  }
  const section = $('[data-testid="grades"]');
  if (section) fillGrades(section, state.grades);
}

export function renderOverview(data) {
  const villages = data.villages ?? [];
  const attention = villages.filter((v) => v.status === "attention").length;
  const notice = villages.filter((v) => v.status === "notice").length;
  const tbody = h("tbody", { "data-testid": "village-rows" });
  const filterInput = h("input", { type: "search", placeholder: t("filter"), value: state.filter.text, "data-testid": "village-filter" });
  const onlyBox = h("input", { type: "checkbox", checked: state.filter.attentionOnly, "data-testid": "attention-only" });
  const refresh = () => {
    state.filter = { text: filterInput.value.trim(), attentionOnly: onlyBox.checked };
    fillVillageRows(tbody, villages);
  };
  filterInput.addEventListener("input", refresh);
  onlyBox.addEventListener("change", refresh);
  fillVillageRows(tbody, villages);

  fill(
    $("#view"),
    h(
      "div",
      { class: "page-head" },
      h("h2", { "data-testid": "overview-title" }, t("overviewTitle", { county: data.county?.name ?? "" })),
      h("span", { class: "muted small", "data-testid": "computed-ms" }, t("computedMs", { ms: data.computed_ms ?? "—" })),
    ),
    periodPicker(data.period, data.today, (p) => navigate(hashFor(null, p))),
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "toolbar" },
        h("span", { "data-testid": "overview-summary" }, t("summary", { n: villages.length, m: attention, k: notice })),
        h("span", { class: "spacer" }),
        filterInput,
        h("label", { class: "check" }, onlyBox, t("attentionOnly")),
      ),
      h("div", { class: "table-wrap" }, h("table", { class: "grid", "data-testid": "villages-table" }, overviewHead(), tbody)),
    ),
    gradesSection(yearOf(data.period)),
    exportGrid(t("exportsCounty"), {}, "export-county"),
  );
}

// ---- yearly grades (scheme A, with the county's cap on 优秀)

function gradesSection(year) {
  const section = h("section", { class: "card", "data-testid": "grades" });
  const known = state.grades?.year === year ? state.grades : null;
  return fillGrades(section, known ?? { year, loading: true });
}

function fillGrades(section, g) {
  const head = h(
    "div",
    { class: "section-head" },
    h("h3", null, t("gradesTitle", { year: g.year })),
    g.data ? h("span", { "data-testid": "grades-summary" }, t("gradesSummary", { n: g.data.first_secretaries ?? 0, m: g.data.scored ?? 0 })) : null,
    h("span", { class: "muted small" }, t("gradesHint")),
  );
  if (g.loading) return fill(section, head, h("p", { class: "loading" }, t("loading")));
  if (g.error) return fill(section, head, h("p", { class: "muted", "data-testid": "grades-error" }, g.error));
  const lines = g.data.lines ?? [];
  return fill(
    section,
    head,
    capLine(lines),
    lines.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "grid", "data-testid": "grades-table" },
            h("thead", null, h("tr", null, h("th", null, t("gVillage")), h("th", null, t("gName")), h("th", { class: "num" }, t("gTotal")), h("th", null, t("gGrade")), h("th", null, t("gProposal")))),
            // The server's order (by village), never sorted by score: scores are explained
            // record by record, not published as a ranking (DOMAIN.md, 2026 constraint).
            h("tbody", null, lines.map(gradeRow)),
          ),
        )
      : h("p", { class: "muted" }, t("noFirstSecretaries")),
  );
}

/**
 * The cap rule, explainable: taken from a line graded under the cap rule (an excellent or a
 * demoted one), else from the first graded line, else written from the policy.
 */
function capLine(lines) {
  const graded = lines.filter((l) => l.grade?.rule);
  const source = graded.find((l) => l.grade.rule.code === "A-CAP") ?? graded[0];
  let shown;
  if (source) shown = fig(source.grade, ruleText(source.grade.rule), t("capRule"), { testid: "grades-cap-rule" });
  else if (state.policy?.scheme_a) shown = h("span", { "data-testid": "grades-cap-rule" }, t("capFallback", { pct: fmtNum(state.policy.scheme_a.excellent_cap_share * 100) }));
  else return null;
  return h("p", { class: "small cap-line" }, `${t("capRule")}: `, shown);
}

function gradeRow(line) {
  const a = line.scheme_a;
  const label = `${line.village_name ?? ""} · ${line.name ?? ""}`;
  const grade = line.grade;
  return h(
    "tr",
    { "data-testid": "grade-row", "data-member": line.member, "data-grade": grade?.value ?? "", "data-capped": line.demoted_by_cap ? "1" : "0" },
    h("td", null, h("a", { href: hashFor(line.village), "data-testid": "grade-village" }, line.village_name ?? "")),
    h("td", { class: "name" }, line.name ?? ""),
    h("td", { class: "num" }, a ? fig(a.total, fmtPoints(a.total?.value), `${label} · ${t("gTotal")}`, { testid: "grade-total", extra: () => schemeAParts(a) }) : h("span", { class: "muted" }, t("notEntered"))),
    h(
      "td",
      null,
      grade
        ? [
            fig(grade, gradeText(grade.value), `${label} · ${t("gGrade")}`, { cls: `badge ${GRADE_CLASS[grade.value] ?? "badge-none"}`, testid: "grade-value" }),
            line.demoted_by_cap ? h("span", { class: "badge badge-warn", title: t("cappedTip"), "data-testid": "grade-capped" }, t("cappedMark")) : null,
          ]
        : h("span", { class: "muted", "data-testid": "grade-none" }, t("notEntered")),
    ),
    h(
      "td",
      { "data-testid": "grade-proposal", "data-grade": line.proposal?.grade ?? "" },
      line.proposal
        ? [h("span", { class: `badge ${GRADE_CLASS[line.proposal.grade] ?? "badge-none"}` }, gradeText(line.proposal.grade)), h("div", { class: "muted small" }, `${line.proposal.proposed_by_name}: ${line.proposal.note}`)]
        : h("span", { class: "muted" }, t("noProposal")),
    ),
  );
}

function overviewHead() {
  const th = (key, tip, cls = "") => h("th", { class: cls, title: tip ? t(tip) : null }, t(key));
  return h(
    "thead",
    null,
    h(
      "tr",
      null,
      th("colTownship"),
      th("colVillage"),
      th("colMembers", null, "num"),
      th("colDaysWithSomeone", "tipDaysWithSomeone", "num"),
      th("colGapDays", "tipGapDays", "num"),
      th("colVisited", "tipVisited", "num"),
      th("colDiaryGaps", "tipDiaryGaps", "num"),
      th("colUnfiled", "tipUnfiled", "num"),
      th("colBelowMin", "tipBelowMin", "num"),
      th("colAbsence", "tipAbsence", "num"),
      th("colUnknown", "tipUnknown", "num"),
      th("colFollowUps", "tipFollowUps", "num"),
      th("colFindings", "tipFindings", "num"),
      th("colStatus", "tipStatus"),
    ),
  );
}

function fillVillageRows(tbody, villages) {
  const text = state.filter.text.toLowerCase();
  const shown = villages.filter(
    (v) =>
      (!state.filter.attentionOnly || v.status === "attention") &&
      (!text || String(v.name ?? "").toLowerCase().includes(text) || String(v.township ?? "").toLowerCase().includes(text)),
  );
  if (!shown.length) {
    fill(tbody, h("tr", null, h("td", { colspan: 14, class: "empty" }, villages.length ? t("noMatch") : t("noVillages"))));
    return;
  }
  fill(tbody, shown.map(villageRow));
}

/** Follow-up items: done in the period / open at its end (overdue among them); 未录入 when none was ever recorded. */
function followUpCell(v) {
  if (!v.follow_ups_recorded) return h("td", { class: "num muted", "data-testid": "follow-ups" }, t("notEntered"));
  const overdue = v.follow_ups_overdue ? t("overdueN", { n: fmtNum(v.follow_ups_overdue) }) : "";
  return h(
    "td",
    { class: `num${v.follow_ups_overdue > 0 ? " warn" : ""}`, "data-testid": "follow-ups" },
    `${fmtNum(v.follow_ups_done)} / ${fmtNum(v.follow_ups_open)}${overdue}`,
  );
}

function villageRow(v) {
  const href = hashFor(v.id);
  const row = h(
    "tr",
    { class: "clickable", "data-testid": "village-row", "data-village-id": v.id, "data-village-name": v.name ?? "" },
    h("td", null, v.township ?? ""),
    h("td", null, h("a", { href, "data-testid": "village-link" }, v.name ?? "")),
    h("td", { class: "num" }, fmtNum(v.members)),
    h("td", { class: "num" }, `${fmtNum(v.days_with_someone)} / ${fmtNum(v.days_judged)}`),
    warnCount(v.gap_days),
    h("td", { class: `num${v.households_visited < v.households ? " warn" : ""}` }, `${fmtNum(v.households_visited)} / ${fmtNum(v.households)}`),
    warnCount(v.diary_gap_days),
    warnCount(v.unfiled_months),
    warnCount(v.members_below_min_days),
    h("td", { class: `num${v.absence_days > 0 ? " warn" : ""}`, "data-testid": "absence-days" }, fmtNum(v.absence_days ?? 0)),
    h("td", { class: "num", "data-testid": "unknown-days" }, v.unknown_days ? h("span", { class: "not-synced-text" }, fmtNum(v.unknown_days)) : "0"),
    followUpCell(v),
    h(
      "td",
      { class: `num${v.findings_to_answer > 0 ? " warn" : ""}`, "data-testid": "findings-waiting" },
      `${fmtNum(v.findings_to_answer ?? 0)} / ${fmtNum(v.findings_to_check ?? 0)}`,
    ),
    h("td", null, statusBadge(v.status, v.flag, v.name ?? ""), v.provisional ? h("span", { class: "provisional-mark", title: t("provisionalTip"), "data-testid": "provisional-mark" }, t("provisionalMark")) : null),
  );
  row.addEventListener("click", (e) => {
    if (e.target.closest("a")) return; // the link navigates by itself
    navigate(href);
  });
  return row;
}
