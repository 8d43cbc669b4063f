// The township's screen (#/township, the first screen of a township officer; county staff may
// open it too): who is at post today (在岗情况: 在村 / 请假 / 今日尚无记录 / 未同步 since the last
// sync — never "absent"), the leave requests waiting for a decision (approve / reject), and the
// members' ended months not yet filed (file one), and the month score sheets waiting (the
// township confirms or returns with a reason; county staff audit confirmed ones), and the
// first secretaries' last ended month for the township to score (the county audits it), and
// each village's yearly commitment and quarterly reports (filed with their text / missing). Readable on a phone: one column below 600 px
// (app.css). Strings from the API go in as text nodes via h().

import { api } from "./api.js";
import { $, fill, h } from "./dom.js";
import { lang } from "./i18n.js";
import { state } from "./state.js";
import { banner, report, showLoading } from "./ui.js";

const tt = (zh, en) => (lang === "en" ? en : zh);

/** Loads the three lists and draws the screen. */
export async function showTownship() {
  state.view = "township";
  const ticket = ++state.ticket;
  banner("");
  showLoading();
  try {
    const [atPost, leave, filing, scores, proposals, reports] = await Promise.all([
      api("at-post"),
      api("leave"),
      api("filing"),
      api("scores"),
      api("proposals"),
      api("reports"),
    ]);
    if (ticket !== state.ticket) return;
    state.township = { atPost, leave, filing, scores, proposals, reports };
    renderTownship(state.township);
  } catch (err) {
    if (ticket === state.ticket) report(err);
  }
}

export function renderTownship(data) {
  const { atPost, leave, filing, scores, proposals, reports } = data;
  const sheets = scores?.sheets ?? [];
  const audit = scores?.action === "audit";
  const toScore = scores?.to_score ?? [];
  fill(
    $("#view"),
    h(
      "div",
      { class: "township-view", "data-testid": "township" },
      h("h2", null, tt(`在岗情况 · ${atPost.today}`, `At post today · ${atPost.today}`)),
      h(
        "p",
        { class: "muted" },
        tt(
          "在村:今天已打卡;请假:已批准的请假覆盖今天;今日尚无记录:今天已同步但还没有打卡;未同步:今天还没有收到记录(不是缺勤)。",
          "In the village: checked in today; on leave: approved leave covers today; no record yet: synced today without a check-in; not synced: nothing received today (not absent).",
        ),
      ),
      h("div", { class: "at-post-grid" }, ...atPost.villages.map(villageCard)),
      h("h2", null, tt(`待审批请假(${leave.requests.length})`, `Leave to decide (${leave.requests.length})`)),
      leave.requests.length
        ? h("ul", { class: "cards", "data-testid": "leave-list" }, ...leave.requests.map(leaveCard))
        : h("p", { class: "muted", "data-testid": "leave-none" }, tt("没有待审批的请假。", "No leave waiting for a decision.")),
      h("h2", null, tt(`待备案月份(${filing.months.length})`, `Months to file (${filing.months.length})`)),
      filing.months.length
        ? h("ul", { class: "cards", "data-testid": "filing-list" }, ...filing.months.map(monthCard))
        : h("p", { class: "muted" }, tt("没有待备案的月份。", "No month waiting to be filed.")),
      h(
        "h2",
        null,
        audit ? tt(`待县级审核的月度评分(${sheets.length})`, `Month scores to audit (${sheets.length})`) : tt(`待镇级把关的月度评分(${sheets.length})`, `Month scores to check (${sheets.length})`),
      ),
      sheets.length
        ? h("ul", { class: "cards", "data-testid": "score-sheets" }, ...sheets.map((x) => sheetCard(x, audit)))
        : h("p", { class: "muted", "data-testid": "score-sheets-none" }, tt("没有待处理的评分表。", "No score sheet waiting.")),
      toScore.length ? h("h2", null, tt("第一书记月度评分(乡镇评)", "The first secretaries' month scores (by the township)")) : null,
      toScore.length ? h("ul", { class: "cards", "data-testid": "fs-scores" }, ...toScore.map(firstSecretaryCard)) : null,
      proposals?.can_propose && proposals.lines.length ? h("h2", null, tt(`${proposals.year}年度等次意见(报县委组织部确定)`, `Yearly grade proposals ${proposals.year} (the county confirms)`)) : null,
      proposals?.can_propose && proposals.lines.length ? h("ul", { class: "cards", "data-testid": "proposals" }, ...proposals.lines.map((l) => proposalCard(l, proposals.year))) : null,
      reports ? h("h2", null, tt(`${reports.year}年承诺与季报告`, `Commitment and quarterly reports ${reports.year}`)) : null,
      reports ? h("ul", { class: "cards", "data-testid": "team-reports" }, ...reports.villages.map(reportsCard)) : null,
    ),
  );
}

/** The township scores a first secretary's ended month: items with reasons, then the county audits it. */
function firstSecretaryCard(x) {
  const s = x.sheet;
  const done = s && s.audited_by;
  const kind = h(
    "select",
    { class: "input input-narrow", "data-testid": "fs-item-kind" },
    h("option", { value: "Bonus" }, tt("加分", "Bonus")),
    h("option", { value: "Deduction" }, tt("扣分", "Deduction")),
    h("option", { value: "Veto" }, tt("一票否决", "Veto")),
  );
  const points = h("input", { type: "number", min: "0", max: "10", step: "0.5", class: "input input-narrow", placeholder: tt("分值", "points"), "data-testid": "fs-item-points" });
  const reason = h("input", { type: "text", class: "input", placeholder: tt("理由", "reason"), "data-testid": "fs-item-reason" });
  const note = h("input", { type: "text", class: "input", placeholder: tt("评语(可空)", "comment (optional)"), "data-testid": "fs-note" });
  const save = h("button", { type: "button", class: "btn btn-primary", "data-testid": "fs-save" }, s ? tt("修改评分", "Correct the score") : tt("评分", "Score"));
  save.onclick = async () => {
    save.disabled = true;
    const items = reason.value.trim() ? [{ kind: kind.value, points: kind.value === "Veto" ? 0 : Number(points.value), reason: reason.value.trim() }] : [];
    try {
      await api(`village/${encodeURIComponent(x.village)}/score/${encodeURIComponent(x.member)}/${encodeURIComponent(x.month)}`, { method: "POST", body: { items, note: note.value } });
      await showTownship();
    } catch (err) {
      report(err);
      save.disabled = false;
    }
  };
  return h(
    "li",
    { class: "card sheet-card", "data-testid": "fs-score", "data-member": x.member, "data-state": s ? s.state : "none" },
    h("p", null, h("strong", null, `${x.member_name} · ${x.month}`), h("span", { class: "muted" }, ` · ${x.village_name}`)),
    s
      ? h(
          "ul",
          { class: "sheet-items" },
          ...s.items.map((i) => h("li", null, `${lang === "en" ? i.kind.toLowerCase() : kindZh[i.kind] ?? i.kind} ${i.kind === "Veto" ? "" : i.points} · ${i.reason}`)),
          h("li", { class: "muted" }, lang === "en" ? s.state : s.state_zh),
        )
      : h("p", { class: "muted" }, tt("尚未评分(基础10分,按记录自动扣分)", "Not scored yet (10 points, less what the records deduct)")),
    done ? null : h("div", { class: "card-actions" }, kind, points, reason, note, save),
  );
}

const kindZh = { Bonus: "加分", Deduction: "扣分", Veto: "一票否决" };

function sheetCard(x, audit) {
  const s = x.sheet;
  const note = h("input", { type: "text", class: "input", placeholder: audit ? tt("审核意见(调整分数时必填)", "audit note (required with points)") : tt("退回原因", "reason for returning"), "data-testid": "sheet-note" });
  const points = audit ? h("input", { type: "number", min: "0", max: "10", step: "0.5", class: "input input-narrow", placeholder: tt("调整分数(可空)", "points (optional)"), "data-testid": "sheet-points" }) : null;
  const buttons = h("div", { class: "card-actions" });
  const send = async (action, body) => {
    for (const b of buttons.querySelectorAll("button")) b.disabled = true;
    try {
      await api(`village/${encodeURIComponent(x.village)}/score/${encodeURIComponent(x.member)}/${encodeURIComponent(x.month)}/${action}`, { method: "POST", body });
      await showTownship();
    } catch (err) {
      report(err);
      for (const b of buttons.querySelectorAll("button")) b.disabled = false;
    }
  };
  if (audit) {
    buttons.append(
      h("button", { type: "button", class: "btn btn-primary", "data-testid": "sheet-audit", onclick: () => send("audit", { points: points.value === "" ? null : Number(points.value), note: note.value }) }, tt("审核", "Audit")),
    );
  } else {
    buttons.append(
      h("button", { type: "button", class: "btn btn-primary", "data-testid": "sheet-confirm", onclick: () => send("check", { decision: "confirmed", note: note.value }) }, tt("确认", "Confirm")),
      h("button", { type: "button", class: "btn", "data-testid": "sheet-return", onclick: () => send("check", { decision: "returned", note: note.value }) }, tt("退回", "Return")),
    );
  }
  return h(
    "li",
    { class: "card sheet-card", "data-testid": "score-sheet" },
    h("p", null, h("strong", null, `${x.member_name} · ${x.month}`), h("span", { class: "muted" }, ` · ${x.village_name}`)),
    h(
      "ul",
      { class: "sheet-items" },
      ...s.items.map((i) => h("li", null, `${lang === "en" ? i.kind.toLowerCase() : kindZh[i.kind] ?? i.kind} ${i.kind === "Veto" ? "" : i.points} · ${i.reason}`)),
    ),
    s.note ? h("p", { class: "muted" }, s.note) : null,
    h("p", { class: "muted" }, tt(`${s.scored_by_name} 评于 ${s.scored_at_text}`, `scored by ${s.scored_by_name} at ${s.scored_at_text}`)),
    s.check_note ? h("p", { class: "muted" }, tt(`镇级意见:${s.check_note}`, `township: ${s.check_note}`)) : null,
    points,
    note,
    buttons,
  );
}

function villageCard(v) {
  const c = v.counts;
  return h(
    "section",
    { class: "card at-post", "data-testid": "at-post-village" },
    h("h3", null, `${v.name}`, h("span", { class: "muted" }, ` · ${v.township}`)),
    h(
      "p",
      { class: "at-post-counts" },
      tt(
        `在村 ${c.in_village} · 请假 ${c.on_leave} · 尚无记录 ${c.no_record_yet} · 未同步 ${c.not_synced}`,
        `in ${c.in_village} · leave ${c.on_leave} · no record ${c.no_record_yet} · not synced ${c.not_synced}`,
      ),
    ),
    h(
      "ul",
      { class: "at-post-members" },
      ...v.members.map((m) =>
        h(
          "li",
          { class: `post post-${m.state}`, "data-testid": "at-post-member", "data-state": m.state },
          h("span", { class: "post-name" }, m.name, h("small", { class: "muted" }, ` ${lang === "en" ? m.role.replace("_", " ") : m.role_zh}`)),
          h("span", { class: "post-state" }, lang === "en" ? m.label_en : m.label_zh, m.checked_in_at ? ` ${m.checked_in_at}` : ""),
        ),
      ),
    ),
  );
}

function leaveCard(r) {
  const l = r.leave;
  const buttons = h("div", { class: "card-actions" });
  const decide = async (decision) => {
    for (const b of buttons.querySelectorAll("button")) b.disabled = true;
    try {
      await api(`village/${encodeURIComponent(r.village)}/leave/${encodeURIComponent(l.id)}`, { method: "POST", body: { decision } });
      await showTownship();
    } catch (err) {
      report(err);
      for (const b of buttons.querySelectorAll("button")) b.disabled = false;
    }
  };
  buttons.append(
    h("button", { type: "button", class: "btn btn-primary", "data-testid": "leave-approve", onclick: () => decide("approved") }, tt("批准", "Approve")),
    h("button", { type: "button", class: "btn", "data-testid": "leave-reject", onclick: () => decide("rejected") }, tt("不批准", "Reject")),
  );
  return h(
    "li",
    { class: "card leave-card", "data-testid": "leave-request" },
    h(
      "p",
      null,
      h("strong", null, r.member_name),
      r.first_secretary ? h("span", { class: "badge badge-attention", "data-testid": "leave-first-secretary" }, tt("第一书记", "first secretary")) : null,
      h("span", { class: "muted" }, ` · ${r.village_name}`),
    ),
    h("p", null, `${lang === "en" ? l.kind.replace("_", " ") : l.kind_zh} · ${l.from} – ${l.to} (${r.days} ${tt("天", "d")})`),
    h("p", { class: "muted" }, r.reason),
    h("p", { class: "muted" }, lang === "en" ? (r.first_secretary ? "decided by the township only" : "first secretary or township") : r.decided_by_zh),
    buttons,
  );
}

function monthCard(m) {
  const button = h("button", { type: "button", class: "btn", "data-testid": "file-month" }, tt("备案", "File"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api(`village/${encodeURIComponent(m.village)}/filing`, { method: "POST", body: { member: m.member, month: m.month } });
      await showTownship();
    } catch (err) {
      report(err);
      button.disabled = false;
    }
  });
  const late = m.state === "late";
  const submitted = m.submitted_at != null;
  const gapDays = (m.submitted_gaps ?? []).map((d) => String(Number(d.slice(8))));
  const submission = submitted
    ? tt(
        `本人已于 ${new Date(m.submitted_at).toISOString().slice(0, 10)} 提交` + (gapDays.length ? `,缺记 ${gapDays.join("、")} 日` : ",无缺记"),
        `submitted by the member on ${new Date(m.submitted_at).toISOString().slice(0, 10)}` + (gapDays.length ? `, no diary on day(s) ${gapDays.join(", ")}` : ", no gaps"),
      )
    : tt("本人尚未提交", "not submitted by the member yet");
  return h(
    "li",
    { class: "card month-card", "data-testid": "month-to-file", "data-state": m.state, "data-submitted": submitted ? "yes" : "no" },
    h("p", null, h("strong", null, `${m.member_name} · ${m.month}`), h("span", { class: "muted" }, ` · ${m.village_name}`)),
    h("p", { class: submitted ? "ok" : "muted", "data-testid": "month-submission" }, submission, m.submission_note ? h("span", { class: "muted" }, ` · ${m.submission_note}`) : null),
    h(
      "p",
      { class: late ? "warn" : "muted" },
      lang === "en" ? (late ? `late (due ${m.due})` : m.due ? `due by ${m.due}` : "due") : m.due ? `${m.state_zh}(期限 ${m.due})` : m.state_zh,
    ),
    h("div", { class: "card-actions" }, button),
  );
}

/** A village's reports of the year: the commitment and the four quarters, filed (the text opens
 * on click), missing, or not due yet. The first secretary writes them in the app. */
function reportsCard(v) {
  const label = (r) => (lang === "en" ? (r.kind === "commitment" ? "Commitment" : r.kind === "yearly" ? "Yearly report" : r.kind === "research" ? "Research report" : r.period.slice(5)) : r.label_zh);
  const stateText = (r) => (lang === "en" ? { filed: "filed", missing: "missing", not_yet: "not due yet" }[r.state] : r.state_zh);
  return h(
    "li",
    { class: "card", "data-testid": "village-reports", "data-village": v.village },
    h("p", null, h("strong", null, v.village_name)),
    ...v.reports.map((r) =>
      r.text != null
        ? h(
            "details",
            { "data-testid": "report", "data-period": r.period, "data-state": r.state },
            h("summary", null, `${label(r)} · `, h("span", { class: "ok" }, stateText(r)), r.written_by_name ? h("span", { class: "muted" }, ` · ${r.written_by_name}`) : null),
            h("p", { class: "report-text" }, r.text),
          )
        : h("p", { "data-testid": "report", "data-period": r.period, "data-state": r.state }, `${label(r)} · `, h("span", { class: r.state === "missing" ? "warn" : "muted" }, stateText(r))),
    ),
  );
}

const gradeZh = { excellent: "优秀", competent: "称职", basically_competent: "基本称职", incompetent: "不称职" };

/** The township proposes a first secretary's yearly grade with its reason (乡镇党委提出意见). */
function proposalCard(l, year) {
  const p = l.proposal;
  const grade = h("select", { class: "input input-narrow", "data-testid": "proposal-grade" }, ...Object.entries(gradeZh).map(([code, zh]) => h("option", { value: code, selected: p?.grade === code }, lang === "en" ? code.replace("_", " ") : zh)));
  const note = h("input", { type: "text", class: "input", placeholder: tt("理由", "reason"), value: p?.note ?? "", "data-testid": "proposal-note" });
  const save = h("button", { type: "button", class: "btn btn-primary", "data-testid": "proposal-save" }, p ? tt("修改意见", "Change") : tt("提出意见", "Propose"));
  save.onclick = async () => {
    save.disabled = true;
    try {
      await api(`village/${encodeURIComponent(l.village)}/member/${encodeURIComponent(l.member)}/proposal/${year}`, { method: "PUT", body: { grade: grade.value, note: note.value } });
      await showTownship();
    } catch (err) {
      report(err);
      save.disabled = false;
    }
  };
  return h(
    "li",
    { class: "card", "data-testid": "proposal", "data-member": l.member, "data-grade": p?.grade ?? "" },
    h("p", null, h("strong", null, l.name), h("span", { class: "muted" }, ` · ${l.village_name}`)),
    p ? h("p", { class: "muted" }, tt(`已提出:${gradeZh[p.grade] ?? p.grade} · ${p.note}`, `proposed: ${p.grade} · ${p.note}`)) : null,
    h("div", { class: "card-actions" }, grade, note, save),
  );
}
