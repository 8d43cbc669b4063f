// A mock of the county view's HTTP API (crates/taizhang-county-web/assets/API.md), with no dependencies: it
// serves the page's files (index.html, app.css, the ES modules in js/) from crates/taizhang-county-web/assets/
// under /county/ (read on every request, so edits show on reload) and canned but
// self-consistent JSON for a county of 3 villages with 4 members each over a few months, plus
// CSV and XLSX exports. It exists for working on the page without the Rust server and for
// checking the browser test itself (mock-e2e.mjs).
//
//   node mock-server.mjs [--port 8787]     log in as  county / county-pass
//
// The data is generated from fixed seeds, so it is the same on every run; "today" is fixed at
// 2026-05-15 so the figures do not move. Names include markup on purpose (王<i>大</i>山) to show
// that the page escapes what field devices send. What county staff enter (scheme A, training,
// seven ones, scheme B items) is checked like the server checks it and kept in memory, so it
// shows in the village view, the grades and the scores export until the mock restarts.

import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createHash, randomBytes, randomInt } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { crc32 } from "./crc32.mjs";

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../crates/taizhang-county-web/assets");
const TODAY = "2026-05-15";
const YEAR_START = "2026-01-01";
const COOKIE = "tz_county";

export const MOCK_LOGIN = { login: "county", password: "county-pass" };

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and dates.

function hashHex(...parts) {
  return createHash("sha1").update(parts.join("|")).digest("hex");
}
/** A number in [0, 1) fixed by `parts`. */
function rnd(...parts) {
  return parseInt(hashHex(...parts).slice(0, 8), 16) / 2 ** 32;
}
function uuid(...parts) {
  const x = hashHex("uuid", ...parts);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}
function addDays(date, n) {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function daysFrom(from, to) {
  const out = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
const isWorkingDay = (date) => ![0, 6].includes(new Date(date + "T00:00:00Z").getUTCDay());
const monthOf = (date) => date.slice(0, 7);
const validDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? "") && !Number.isNaN(Date.parse(s + "T00:00:00Z")) && new Date(s + "T00:00:00Z").toISOString().startsWith(s);

// ---------------------------------------------------------------------------------------------
// The county: villages, members, households and their records for 2026 up to TODAY.

const COUNTY = { id: uuid("county"), name: "惠水县" };

const SPECS = [
  { name: "石门村", township: "石门镇", presence: 0.86, names: ["李明", "王芳", "张伟", "陈静"], households: 16 },
  { name: "新寨村", township: "好花红镇", presence: 0.72, names: ["刘洋", "杨丽", "赵强", "黄敏"], households: 14, emptyWeek: "2026-03-09", allLeave: ["2026-02-17", "2026-02-18"] },
  { name: "摆榜村", township: "摆榜乡", presence: 0.52, names: ["周杰", "吴娟", "徐磊", "孙燕"], households: 18, allLeave: ["2026-02-17"] },
];
const HEADS = ["王大山", "李桂兰", "张德福", "刘秀英", "陈有才", "杨金花", "赵老四", "黄明亮", "周玉梅", "吴长贵", "郑春生", "罗小芳", "梁国强", "宋桂芝", "韦国庆", "蒙秀珍", "岑家富", "班小平"];
const GROUPS = ["一组", "二组", "三组", "四组"];
const DIARY_LINES = [
  "走访{h}家,了解今年春耕准备情况,化肥已到位。",
  "参加村两委会议,讨论产业路硬化方案。",
  "到{h}家核实医保参保情况,提醒按时缴费。",
  "组织村民代表会议,公示上月帮扶资金使用。",
  "陪同镇里干部检查饮水工程,发现一处管道漏水,已联系维修。",
  "整理民情台账,更新三户家庭收入情况。",
  "给党员上党课:学习乡村振兴政策 <b>要点</b> & “三保障”。",
];
const FINDINGS = ["房屋屋顶漏雨", "孩子上学交通不便", "慢性病用药负担重", "希望参加技能培训", "家中劳动力外出务工", "无明显困难"];

// ---------------------------------------------------------------------------------------------
// The county's policy: the values of crates/taizhang-rules/policy.default.toml, in the JSON the
// server's GET /county/api/policy sends (Policy serialised by serde).

const POLICY = {
  min_days_in_village_per_year: 200,
  min_share_of_year: 2 / 3,
  someone_in_village_every_day: true,
  min_training_days_per_year: 4,
  diary_every_working_day: true,
  working_days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
  months_must_be_filed: true,
  visit_every_household_per_year: true,
  seven_ones: [
    { code: "strong_committee", zh: "建强一个班子", en: "build one strong village committee" },
    { code: "party_lecture", zh: "上好一堂党课", en: "give one party lecture", derive: "party_lecture", at_least: 1 },
    { code: "visit_households", zh: "走访一遍农户", en: "visit every household once", derive: "households_visited" },
    { code: "keep_diary", zh: "记好一本民情日记", en: "keep one diary", derive: "diary_kept" },
    { code: "research_report", zh: "写好一篇调研报告", en: "write one research report" },
    { code: "practical_projects", zh: "办好一批民生实事", en: "deliver a batch of practical projects", derive: "practical_projects", at_least: 1 },
    { code: "aid_projects", zh: "协调落实一批帮扶专案", en: "coordinate a batch of aid projects", derive: "aid_projects", at_least: 1 },
  ],
  scheme_a: { results: 60, evaluation: 20, discipline: 10, assessment: 10, excellent_min: 90, competent_min: 70, basic_min: 60, excellent_cap_share: 0.2 },
  scheme_b: {
    base: 10,
    max: 10,
    allowance_cut_below: 8,
    items: [
      { code: "outstanding_result", zh: "突出成效", en: "outstanding result", kind: "bonus", points: 1 },
      { code: "problem", zh: "发生问题", en: "a problem in the member's work", kind: "deduction", points: 1 },
      { code: "absent_without_leave", zh: "无故缺勤", en: "a day absent without approved leave", kind: "deduction", points: 1 },
      { code: "diary_missing", zh: "民情日记缺记", en: "a working day without a diary entry", kind: "deduction", points: 0.5 },
      { code: "faking_records", zh: "弄虚作假", en: "faking records", kind: "veto", points: 0 },
      { code: "discipline_violation", zh: "违纪违法", en: "breach of discipline or law", kind: "veto", points: 0 },
    ],
  },
};
/** The scheme B item the diary decides by itself (never entered). */
const DERIVED_ITEM = "diary_missing";

function buildVillage(spec, vi) {
  const id = uuid("village", vi);
  const members = spec.names.map((name, mi) => ({
    id: uuid("member", vi, mi),
    name,
    role: mi === 0 ? "first_secretary" : "team_member",
    role_zh: mi === 0 ? "第一书记" : "工作队员",
  }));
  const households = Array.from({ length: spec.households }, (_, hi) => ({
    id: uuid("household", vi, hi),
    head: vi === 0 && hi === 0 ? "王<i>大</i>山" : HEADS[(hi + vi * 5) % HEADS.length],
    group: GROUPS[hi % GROUPS.length],
  }));
  const checkIns = new Map(); // `${member}|${date}` -> {id, time}
  const leave = new Map(); // `${member}|${date}` -> leave id
  const diary = [];
  const filed = new Set(); // `${member}|${month}`
  for (const date of daysFrom(YEAR_START, TODAY)) {
    const emptyWeek = spec.emptyWeek && date >= spec.emptyWeek && date <= addDays(spec.emptyWeek, 4);
    members.forEach((m, mi) => {
      const key = `${m.id}|${date}`;
      const p = mi === 0 ? Math.min(0.95, spec.presence + 0.08) : spec.presence;
      if (spec.allLeave?.includes(date)) {
        leave.set(key, uuid("leave", vi, mi, date)); // the whole team on approved leave: an excused day
      } else if (!emptyWeek && rnd("in", vi, mi, date) < p) {
        const minute = 7 * 60 + 30 + Math.floor(rnd("t", vi, mi, date) * 90);
        checkIns.set(key, { id: uuid("checkin", vi, mi, date), time: `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}` });
      } else if (rnd("leave", vi, mi, date) < (emptyWeek && mi < 3 ? 0.5 : 0.25)) {
        leave.set(key, uuid("leave", vi, mi, date));
      }
      if (isWorkingDay(date) && !leave.has(key) && rnd("diary", vi, mi, date) < 0.9) {
        const line = DIARY_LINES[Math.floor(rnd("line", vi, mi, date) * DIARY_LINES.length)];
        const h = households[Math.floor(rnd("dh", vi, mi, date) * households.length)];
        diary.push({ id: uuid("diary", vi, mi, date), date, member: m.id, text: line.replace("{h}", h.head) });
      }
    });
  }
  for (const m of members) {
    for (let month = 1; month < 5; month++) {
      const ym = `2026-${String(month).padStart(2, "0")}`;
      if (rnd("filed", vi, m.id, ym) < (vi === 2 ? 0.55 : 0.85)) filed.add(`${m.id}|${ym}`);
    }
  }
  const visits = [];
  households.forEach((hh, hi) => {
    const count = Math.floor(rnd("visits", vi, hi) * (vi === 2 ? 2.2 : 3.4));
    for (let k = 0; k < count; k++) {
      const date = addDays(YEAR_START, Math.floor(rnd("vd", vi, hi, k) * 134));
      const m = members[Math.floor(rnd("vm", vi, hi, k) * members.length)];
      visits.push({
        id: uuid("visit", vi, hi, k),
        household: hh.id,
        member: m.id,
        date,
        time: `${9 + Math.floor(rnd("vt", vi, hi, k) * 8)}:15`,
        findings: FINDINGS[Math.floor(rnd("vf", vi, hi, k) * FINDINGS.length)],
        needs: "希望村里帮助联系",
        follow_up: "下周回访",
      });
    }
  });
  visits.sort((a, b) => (a.date < b.date ? -1 : 1));
  return { id, name: spec.name, township: spec.township, members, households, checkIns, leave, diary, filed, visits };
}

const VILLAGES = SPECS.map(buildVillage);

// ---------------------------------------------------------------------------------------------
// What county staff entered (PUT .../year/{YYYY} and .../month/{YYYY-MM}), in memory:
// `${village}|${member}|${YYYY or YYYY-MM}` -> the stored body. One first secretary and one
// month come pre-entered so the page has something to show before anyone types; the month's
// evidence carries markup on purpose (it must show as text).

const ENTERED = new Map();
const enteredKey = (villageId, memberId, period) => `${villageId}|${memberId}|${period}`;
ENTERED.set(enteredKey(VILLAGES[1].id, VILLAGES[1].members[0].id, "2026"), {
  results: 56,
  evaluation: 19,
  assessment: 9.5,
  training_days: 5,
  seven_ones: { strong_committee: true, research_report: true },
});
ENTERED.set(enteredKey(VILLAGES[1].id, VILLAGES[1].members[1].id, "2026-03"), {
  items: [{ code: "problem", times: 1, evidence: ["<b>未按时</b>报送材料"] }],
});

// ---------------------------------------------------------------------------------------------
// Figures, the way taizhang_rules explains them.

function rule(code, policy_value, zh, en) {
  return { code, policy_value, zh, en };
}
function figure(value, r, counted, note) {
  return { value, rule: r, counted: [...counted].sort(), note };
}

/** The judged days: the period cut at TODAY. */
function judgedOf(period) {
  const to = period.to < TODAY ? period.to : TODAY;
  return period.from <= to ? { from: period.from, to } : null;
}

function memberReport(v, m, period, judged, inputs) {
  const days = judged ? daysFrom(judged.from, judged.to) : [];
  const present = days.filter((d) => v.checkIns.has(`${m.id}|${d}`));
  const leaveDays = days.filter((d) => v.leave.has(`${m.id}|${d}`));
  const diaryDates = new Set(v.diary.filter((e) => e.member === m.id && days.includes(e.date)).map((e) => e.date));
  const working = days.filter(isWorkingDay);
  const gaps = working.filter((d) => !diaryDates.has(d) && !v.leave.has(`${m.id}|${d}`));
  const required = Math.round((200 * days.length) / 365);
  const shareRequired = Math.ceil((days.length * 2) / 3);
  const months = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) if (!months.includes(monthOf(d))) months.push(monthOf(d));
  const closed = months.filter((ym) => ym < monthOf(TODAY) && `${ym}-01` >= period.from && addDays(`${ym}-01`, 27) <= period.to);
  const unfiled = closed.filter((ym) => !v.filed.has(`${m.id}|${ym}`));
  const jtext = judged ? `${judged.from}—${judged.to}` : "-";
  return {
    member: m.id,
    period,
    today: TODAY,
    judged,
    days_in_village: figure(
      present.length,
      rule("ATT-PRESENCE", "a day counts once", "驻村天数:有到村打卡的日期,每天只算一次", "days in the village: dates with an In check-in, each date once"),
      present.map((d) => v.checkIns.get(`${m.id}|${d}`).id),
      `${jtext}期间${present.length}天有到村打卡(按北京时间分日,每天列最早一条)/ ${present.length} days with an In check-in in ${jtext}.`,
    ),
    leave_days: figure(
      leaveDays,
      rule("ATT-LEAVE", "approved leave excuses a day but is not presence", "请假须经批准;批准的请假不算缺勤,也不算驻村", "leave must be approved; approved leave is not absence and not presence"),
      leaveDays.map((d) => v.leave.get(`${m.id}|${d}`)),
      `批准请假${leaveDays.length}天 / ${leaveDays.length} days of approved leave.`,
    ),
    min_days: figure(
      { actual: present.length, required, met: present.length >= required },
      rule("ATT-MIN-DAYS", "min_days_in_village_per_year = 200", "每年驻村工作时间不少于200天", "at least 200 days a year in the village"),
      [],
      `按评判的${days.length}天折算应驻${required}天,实际${present.length}天 / ${required} days required for ${days.length} judged days (200 a year, prorated); ${present.length} actual.`,
    ),
    min_share: figure(
      { actual: present.length, required: shareRequired, met: present.length >= shareRequired },
      rule("ATT-MIN-SHARE", "min_share_of_year = 0.6667", "每年到村工作时间不少于2/3(按政策比例)", "at least 2/3 of the year in the village"),
      [],
      `评判${days.length}天的2/3为${shareRequired}天 / 2/3 of ${days.length} judged days is ${shareRequired}.`,
    ),
    training: trainingFigure(inputs?.training_days),
    diary_days: figure(
      diaryDates.size,
      rule("DIARY-DAILY", "diary_every_working_day = true; working_days = Mon-Fri", "民情日记:日记录(每个工作日)", "work diary: written every working day"),
      v.diary.filter((e) => e.member === m.id && diaryDates.has(e.date)).map((e) => e.id),
      `${diaryDates.size}天有日记 / ${diaryDates.size} dates with an original diary entry.`,
    ),
    diary_gaps: figure(
      gaps,
      rule("DIARY-DAILY", "diary_every_working_day = true; working_days = Mon-Fri", "民情日记:日记录(每个工作日)", "work diary: written every working day"),
      [],
      `工作日${working.length}天,缺记${gaps.length}天 / ${working.length} working days judged, ${gaps.length} without an entry. 缺记 gaps: ${gaps.join(", ") || "-"}.`,
    ),
    unfiled_months: figure(
      unfiled,
      rule("DIARY-FILING", "months_must_be_filed = true", "民情日记:月备案", "work diary: filed every month"),
      closed.filter((ym) => !unfiled.includes(ym)),
      `应备案${closed.length}个月,未备案${unfiled.length}个月 / ${closed.length} months to file, ${unfiled.length} not filed.`,
    ),
    seven_ones: POLICY.seven_ones.map((item) => {
      const [status, note] = dutyStatus(v, item, judged, gaps, inputs);
      return figure(status, rule("SEVEN-ONES", item.code, `七个一:${item.zh}`, `seven ones: ${item.en}`), [], note);
    }),
  };
}

function trainingFigure(days) {
  const min = POLICY.min_training_days_per_year;
  return figure(
    days == null ? null : { actual: days, required: min, met: days >= min },
    rule("ATT-TRAINING", `min_training_days_per_year = ${min}`, `每年参加培训不少于${min}天`, `at least ${min} days of training a year`),
    [],
    days == null ? "未录入培训天数 / training days not recorded." : `培训${days}天(由县里录入)/ ${days} training days as entered by the county.`,
  );
}

/** A seven-ones item: the two with `derive` from the records, the others as entered. */
function dutyStatus(v, item, judged, gaps, inputs) {
  if (item.derive === "households_visited") {
    const days = judged ? daysFrom(judged.from, judged.to) : [];
    const visited = new Set(v.visits.filter((x) => days.includes(x.date)).map((x) => x.household));
    const missing = v.households.filter((hh) => !visited.has(hh.id)).length;
    return [missing ? "not_done" : "done", `由走访记录得出:${missing}户未走访 / from the visits: ${missing} households not visited.`];
  }
  if (item.derive === "diary_kept") return [gaps.length ? "not_done" : "done", `由民情日记得出:缺记${gaps.length}天 / from the diary: ${gaps.length} gaps.`];
  const entered = inputs?.seven_ones?.[item.code];
  if (entered === true) return ["done", "县里录入:已完成 / entered by the county: done."];
  if (entered === false) return ["not_done", "县里录入:未完成 / entered by the county: not done."];
  return ["not_recorded", "未录入 / not recorded."];
}

function monthRows(v, m, period, judged) {
  if (!judged) return [];
  const byMonth = new Map();
  for (const d of daysFrom(judged.from, judged.to)) {
    const ym = monthOf(d);
    if (!byMonth.has(ym)) byMonth.set(ym, { days: 0, diary: 0, gaps: 0 });
    const row = byMonth.get(ym);
    if (v.checkIns.has(`${m.id}|${d}`)) row.days += 1;
    const wrote = v.diary.some((e) => e.member === m.id && e.date === d);
    if (wrote) row.diary += 1;
    else if (isWorkingDay(d) && !v.leave.has(`${m.id}|${d}`)) row.gaps += 1;
  }
  return [...byMonth].map(([ym, r]) => {
    const items = ENTERED.get(enteredKey(v.id, m.id, ym))?.items ?? [];
    const b = monthScore(r, items);
    const score = b.score;
    return {
      month: ym,
      days_in_village: r.days,
      diary_days: r.diary,
      diary_gaps: r.gaps,
      items,
      score: figure(score, rule("B-SCORE", "scheme_b.base = 10; max = 10", "十分制月度积分:基础10分,突出成效加分,发生问题减分,一票否决为0分", "monthly 10 points: base 10, bonus for results, deductions for problems, veto gives 0"), b.evidence, b.note),
      allowance_cut: figure(score < 8, rule("B-ALLOWANCE", "scheme_b.allowance_cut_below = 8", "月度积分低于8分的扣减当月补贴", "a month below 8 points cuts that month's allowance"), [], `${score}分${score < 8 ? "低于" : "不低于"}8分 / ${score} points${score < 8 ? " is below" : " is not below"} 8.`),
    };
  });
}

/**
 * The mock's month score: its own deductions from the records (diary gaps, few days in the
 * village), then the entered items as the rules apply them (points × times, kept within 0..10,
 * any veto gives 0).
 */
function monthScore(r, items) {
  let raw = 10 - 0.5 * r.gaps - (r.days < 12 ? 1.5 : 0);
  const lines = [`缺记${r.gaps}天各减0.5分${r.days < 12 ? ",驻村不足12天减1.5分" : ""} / −0.5 for each of ${r.gaps} diary gaps${r.days < 12 ? ", −1.5 for fewer than 12 days in the village" : ""}`];
  let vetoed = false;
  for (const x of items) {
    const item = POLICY.scheme_b.items.find((i) => i.code === x.code);
    if (!item || !x.times) continue;
    const pts = item.points * x.times;
    if (item.kind === "bonus") raw += pts;
    else if (item.kind === "deduction") raw -= pts;
    else vetoed = true;
    lines.push(item.kind === "veto" ? `一票否决 veto: ${item.zh}(${item.en})` : `${item.kind === "bonus" ? "+" : "−"}${pts} ${item.zh}(${item.en}) ×${x.times}`);
  }
  const score = vetoed ? 0 : Math.min(10, Math.max(0, Math.round(raw * 2) / 2));
  const evidence = [...new Set(items.flatMap((x) => x.evidence ?? []))];
  return { score, evidence, note: `基础 base 10;${lines.join("; ")};得${score}分 / score ${score}${vetoed ? " (vetoed)" : " (kept within 0..=10)"}.` };
}

/** Scheme A once results, evaluation and assessment are entered; the grade by the thresholds. */
function schemeA(member, inputs, discipline) {
  if (inputs?.results == null || inputs.evaluation == null || inputs.assessment == null) return null;
  const a = POLICY.scheme_a;
  const part = (key, zh, max) => figure(inputs[key], rule("A-COMPONENT", `scheme_a.${key} = ${max}`, `${zh}满分${max}分`, `${key}: at most ${max} points`), [], `县里录入${inputs[key]}分 / ${inputs[key]} points as entered by the county.`);
  const total = Math.round((inputs.results + inputs.evaluation + discipline.value + inputs.assessment) * 1e6) / 1e6;
  const grade = gradeOf(total);
  return {
    member,
    results: part("results", "工作实绩", a.results),
    evaluation: part("evaluation", "群众评议", a.evaluation),
    discipline,
    assessment: part("assessment", "工作评价", a.assessment),
    total: figure(total, rule("A-TOTAL", "results 60 + evaluation 20 + discipline 10 + assessment 10", "百分制:工作实绩60%、群众评议20%、工作纪律10%、工作评价10%", "100 points: results 60%, villagers' evaluation 20%, discipline 10%, assessment 10%"), [], `${inputs.results} + ${inputs.evaluation} + ${discipline.value} + ${inputs.assessment} = ${total}(临时结果)/ provisional total.`),
    grade: figure(grade, GRADE_RULE, [], `${total}分:${GRADE_ZH[grade]} / ${total} points: ${grade.replace(/_/g, " ")}.`),
  };
}

const GRADE_ZH = { excellent: "优秀", competent: "称职", basically_competent: "基本称职", incompetent: "不称职" };
const GRADE_RULE = rule("A-GRADE", "excellent_min = 90; competent_min = 70; basic_min = 60", "90分以上(含)优秀,70分以上称职,60分以上基本称职,以下不称职", "excellent at 90 or more, competent at 70 or more, basically competent at 60 or more, else incompetent");

function gradeOf(total) {
  const a = POLICY.scheme_a;
  if (total >= a.excellent_min) return "excellent";
  if (total >= a.competent_min) return "competent";
  if (total >= a.basic_min) return "basically_competent";
  return "incompetent";
}

function disciplineFigure(report) {
  const min = report.min_days.value;
  const discipline = Math.round(10 * Math.min(1, min.required ? min.actual / min.required : 1) * 10) / 10;
  return figure(discipline, rule("A-DISCIPLINE", "scheme_a.discipline = 10", "工作纪律10分 × min(1, 驻村天数 / 要求天数)", "discipline 10 × min(1, days in village / days required)"), [], `10 × min(1, ${min.actual}/${min.required}) = ${discipline}`);
}

function villageReport(v, period) {
  const judged = judgedOf(period);
  const days = judged ? daysFrom(judged.from, judged.to) : [];
  const calendar = days.map((date) => {
    const present = v.members.filter((m) => v.checkIns.has(`${m.id}|${date}`)).map((m) => m.id);
    const leave = v.members.filter((m) => v.leave.has(`${m.id}|${date}`)).map((m) => m.id);
    const excused = present.length === 0 && leave.length === v.members.length;
    return { date, present, leave, gap: present.length === 0 && !excused, excused };
  });
  const daily = rule("ATT-TEAM-DAILY", "someone_in_village_every_day = true", "确保每天有人在村", "someone of the team in the village every day");
  const gaps = calendar.filter((c) => c.gap).map((c) => c.date);
  const excused = calendar.filter((c) => c.excused).map((c) => c.date);
  const withSomeone = calendar.filter((c) => c.present.length);
  const periodVisits = v.visits.filter((x) => days.includes(x.date));
  const visitedIds = new Set(periodVisits.map((x) => x.household));
  const notVisited = v.households.filter((hh) => !visitedIds.has(hh.id)).map((hh) => hh.id);
  const team = {
    period,
    today: TODAY,
    judged,
    days_with_someone: figure(withSomeone.length, daily, withSomeone.map((c) => v.checkIns.get(`${c.present[0]}|${c.date}`).id), `${withSomeone.length}天有队员到村打卡 / ${withSomeone.length} days with at least one member's In check-in.`),
    gaps: figure(gaps, daily, [], `无人在村${gaps.length}天 / ${gaps.length} days with nobody in the village: ${gaps.join(", ") || "-"}.`),
    excused_gaps: figure(excused, daily, [], `无人在村但在岗队员均经批准请假${excused.length}天 / ${excused.length} excused days.`),
    households_not_visited: figure(notVisited, rule("VISIT-ALL", "visit_every_household_per_year = true", "每年走访一遍农户", "visit every household once a year"), periodVisits.map((x) => x.id), `${v.households.length}户中${notVisited.length}户未走访 / ${notVisited.length} of ${v.households.length} households not visited.`),
  };
  // Entered inputs are those of the year the period ends in (as the server does).
  const year = period.to.slice(0, 4);
  const members = v.members.map((m) => {
    const inputs = ENTERED.get(enteredKey(v.id, m.id, year)) ?? null;
    const report = memberReport(v, m, period, judged, inputs);
    const discipline = disciplineFigure(report);
    return {
      ...m,
      report,
      discipline,
      inputs,
      scheme_a: schemeA(m.id, inputs, discipline),
      months: monthRows(v, m, period, judged),
    };
  });
  const households = v.households.map((hh) => {
    const hv = periodVisits.filter((x) => x.household === hh.id);
    return { ...hh, visits: hv.length, last_visit: hv.length ? hv[hv.length - 1].date : null };
  });
  return { village: { id: v.id, name: v.name, township: v.township }, period, today: TODAY, judged, team, calendar, households, members };
}

/**
 * GET /county/api/grades: every first secretary over the whole year (judged up to TODAY),
 * graded by the thresholds and then the cap on 优秀 among those scored, as
 * taizhang_rules::grade_county does (ties at the boundary are all demoted).
 */
function countyGrades(year) {
  const period = { from: `${year}-01-01`, to: `${year}-12-31` };
  const judged = judgedOf(period);
  const lines = [];
  for (const v of VILLAGES) {
    for (const m of v.members.filter((x) => x.role === "first_secretary")) {
      const inputs = ENTERED.get(enteredKey(v.id, m.id, String(year))) ?? null;
      const report = memberReport(v, m, period, judged, inputs);
      const a = schemeA(m.id, inputs, disciplineFigure(report));
      lines.push({ village: v.id, village_name: v.name, member: m.id, name: m.name, scheme_a: a, grade: null, demoted_by_cap: false });
    }
  }
  const scored = lines.filter((l) => l.scheme_a);
  const share = POLICY.scheme_a.excellent_cap_share;
  const cap = Math.floor(share * scored.length + 1e-9);
  const excellent = scored.map((l) => l.scheme_a.total.value).filter((x) => x >= POLICY.scheme_a.excellent_min).sort((x, y) => y - x);
  const cutoff = excellent.length <= cap ? null : excellent[cap];
  const kept = excellent.filter((x) => cutoff == null || x > cutoff).length;
  const capRule = rule("A-CAP", `excellent_cap_share = ${share}`, `优秀名额不超过本县第一书记总数的${share * 100}%(向下取整);边界同分者均不评优秀`, `at most ${share * 100}% of the county's first secretaries are excellent (rounded down); all tied at the boundary are demoted`);
  const context = `本县${scored.length}名第一书记,优秀名额${cap}名,${excellent.length}人达到优秀分数线,${kept}人保留优秀 / ${scored.length} first secretaries, at most ${cap} excellent, ${excellent.length} reached the threshold, ${kept} keep it.`;
  for (const l of scored) {
    const total = l.scheme_a.total.value;
    const g = l.scheme_a.grade.value;
    l.demoted_by_cap = g === "excellent" && cutoff != null && total <= cutoff;
    l.grade = l.demoted_by_cap
      ? figure("competent", capRule, [], `${total}分达到优秀,但名额已满(边界分${cutoff}),评为称职。${context}`)
      : figure(g, g === "excellent" ? capRule : GRADE_RULE, [], `${total}分:${GRADE_ZH[g]} / ${total} points. ${context}`);
  }
  return { year, first_secretaries: lines.length, scored: scored.length, lines };
}

// ---------------------------------------------------------------------------------------------
// Checks of what county staff enter, as the server's (taizhang_county::inputs) refuse it: the
// message for the page, or null when the body can be stored.

function yearInputsError(body) {
  if (!body || typeof body !== "object" || Array.isArray(body)) return ["应为 JSON 对象", "the body is a JSON object"];
  const known = ["results", "evaluation", "assessment", "training_days", "seven_ones"];
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown) return [`未知字段“${unknown}”`, `unknown field \`${unknown}\`, expected one of ${known.join(", ")}`];
  const a = POLICY.scheme_a;
  for (const [key, max] of [["results", a.results], ["evaluation", a.evaluation], ["assessment", a.assessment]]) {
    const v = body[key];
    if (v == null) continue;
    if (typeof v !== "number" || !Number.isFinite(v)) return [`${key} 应为数字`, `${key}: invalid type, expected a number`];
    if (v < 0 || v > max) return [`${key} = ${v} 超出 0 至 ${max} 分`, `scheme A component \`${key}\` = ${v} is outside 0..=${max}: enter points between 0 and ${max}`];
  }
  const td = body.training_days;
  if (td != null && (!Number.isInteger(td) || td < 0)) return ["培训天数应为非负整数", "training_days: invalid value, expected a whole number of days"];
  if (td > 366) return ["培训天数不能超过366天", "training_days: at most 366 days in a year"];
  const seven = body.seven_ones ?? {};
  if (typeof seven !== "object" || Array.isArray(seven)) return ["seven_ones 应为对象", "seven_ones: expected a map of code to true/false"];
  const entered = POLICY.seven_ones.filter((i) => !i.derive).map((i) => i.code);
  for (const [code, done] of Object.entries(seven)) {
    const item = POLICY.seven_ones.find((i) => i.code === code);
    if (!item) return [`七个一没有“${code}”这一项`, `seven-ones item \`${code}\` is not in the policy: use one of ${entered.join(", ")}`];
    if (item.derive) return [`“${item.zh}”由记录自动判定,不能录入`, `seven-ones item \`${code}\` is computed from the records, not entered: remove it from the inputs`];
    if (typeof done !== "boolean") return [`${code} 应为 true 或 false`, `seven_ones.${code}: expected true or false`];
  }
  return null;
}

function monthInputsError(body) {
  if (!body || typeof body !== "object" || !Array.isArray(body.items) || Object.keys(body).some((k) => k !== "items")) return ["应为 {\"items\": [...]}", "the body is {\"items\": [...]}"];
  for (const [i, x] of body.items.entries()) {
    if (!x || typeof x !== "object") return [`第${i + 1}项格式错误`, `items[${i}]: expected an object`];
    if (x.code === DERIVED_ITEM) return ["日记缺记由日记自动扣分,不能录入", `${DERIVED_ITEM} is counted from the diary by itself: do not enter it`];
    if (!POLICY.scheme_b.items.some((it) => it.code === x.code)) return [`加减分项“${x.code}”不在本县政策中`, `scheme B item \`${x.code}\` is not in the policy: use one of ${POLICY.scheme_b.items.map((it) => it.code).join(", ")}`];
    // The server's reader wants `times` (a whole number ≥ 0) and `evidence` (a list), both present.
    if (!Number.isInteger(x.times) || x.times < 0) return [`${x.code} 的次数应为非负整数`, `items[${i}].times: expected a whole number ≥ 0`];
    if (x.times > 31) return [`${x.code} 每月最多31次`, `${x.code}: at most 31 times in a month`];
    if (!Array.isArray(x.evidence) || x.evidence.some((e) => typeof e !== "string")) return [`第${i + 1}项缺少依据列表`, `items[${i}]: missing field \`evidence\` (a list of strings)`];
    if (x.evidence.length > 100 || x.evidence.some((e) => [...e].length > 200)) return ["依据最多100条,每条200字", "evidence: at most 100 entries of 200 characters"];
  }
  return null;
}

function overviewRow(v, period) {
  const r = villageReport(v, period);
  const row = {
    id: v.id,
    name: v.name,
    township: v.township,
    members: v.members.length,
    days_judged: r.calendar.length,
    days_with_someone: r.team.days_with_someone.value,
    gap_days: r.team.gaps.value.length,
    excused_gap_days: r.team.excused_gaps.value.length,
    households: v.households.length,
    households_visited: v.households.length - r.team.households_not_visited.value.length,
    diary_gap_days: r.members.reduce((s, m) => s + m.report.diary_gaps.value.length, 0),
    unfiled_months: r.members.reduce((s, m) => s + m.report.unfiled_months.value.length, 0),
    members_below_min_days: r.members.filter((m) => !m.report.min_days.value.met).length,
  };
  const bad = row.gap_days + row.diary_gap_days + row.unfiled_months + row.members_below_min_days + (row.households - row.households_visited);
  return { ...row, status: bad ? "attention" : "ok" };
}

// ---------------------------------------------------------------------------------------------
// Random inspection: a seeded shuffle (mulberry32), so a seed reproduces the sample.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function sample(items, n, seed) {
  const next = mulberry32(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

// ---------------------------------------------------------------------------------------------
// Exports: CSV (UTF-8 with BOM) and a small but valid XLSX (a zip written here).

const HEADERS = {
  attendance: ["县", "乡镇", "村", "队员", "角色", "日期", "在村", "最早到村打卡", "请假", "记录编号"],
  visits: ["县", "乡镇", "村", "日期", "时间", "队员", "户主", "村民小组", "发现问题", "群众需求", "后续跟进", "更正的走访", "照片数", "记录编号"],
  diary: ["县", "乡镇", "村", "日期", "队员", "内容", "更正的记录", "照片数", "记录编号"],
  projects: ["县", "乡镇", "村", "项目名称", "项目类型", "状态", "集体自筹(元)", "财政投入(元)", "党费补贴(元)", "城乡统筹(元)", "资金合计(元)", "受益户数", "受益农户", "开工日期", "进展", "办结日期", "结果", "关联承诺事项", "其中待办", "记录人", "记录编号"],
  meetings: ["县", "乡镇", "村", "日期", "类型", "主持/主讲", "参加人数", "议题", "决定事项", "记录人", "记录编号"],
  situation: ["县", "乡镇", "村", "年度", "填写情况", "户籍人口", "户数", "农户档案登记户数", "党员人数", "村两委人数", "村两委成员", "村集体经济收入(元)", "集体收入来源", "农民人均可支配收入(元)", "主导产业", "道路", "饮水", "网络/通信", "主要问题", "最后修改人"],
  plans: ["县", "乡镇", "村", "类别", "年度", "事项/签订单位", "目标/指标", "完成时限", "状态", "已逾期", "办结日期", "完成情况", "记录人", "记录编号"],
  scores: ["县", "乡镇", "村", "队员", "角色", "驻村天数", "应驻村天数", "驻村达标", "请假天数", "日记天数", "缺记天数", "未备案月份", "工作纪律分", "工作实绩", "群众评议", "工作评价", "总分", "等次"],
};
const SHEET_NAMES = { attendance: "考勤", visits: "走访", diary: "民情日记", scores: "考核", projects: "项目台账", meetings: "会议记录", situation: "村情", plans: "帮扶计划" };

function exportRows(dataset, villages, memberId, period) {
  const judged = judgedOf(period);
  const days = judged ? daysFrom(judged.from, judged.to) : [];
  const rows = [];
  let header = HEADERS[dataset];
  for (const v of villages) {
    const where = [COUNTY.name, v.township, v.name];
    const members = v.members.filter((m) => !memberId || m.id === memberId);
    const names = new Map(v.members.map((m) => [m.id, m.name]));
    if (dataset === "attendance") {
      for (const m of members)
        for (const d of days) {
          const c = v.checkIns.get(`${m.id}|${d}`);
          rows.push([...where, m.name, m.role_zh, d, c ? "是" : "否", c ? c.time : "", v.leave.has(`${m.id}|${d}`) ? "是" : "否", c ? c.id : v.leave.get(`${m.id}|${d}`) ?? ""]);
        }
    } else if (dataset === "visits") {
      const hh = new Map(v.households.map((x) => [x.id, x]));
      for (const x of v.visits.filter((x) => days.includes(x.date) && (!memberId || x.member === memberId)))
        rows.push([...where, x.date, x.time, names.get(x.member), hh.get(x.household).head, hh.get(x.household).group, x.findings, x.needs, x.follow_up, 0, x.id]);
    } else if (dataset === "projects") {
      for (const p of mockLedger(v, period).projects)
        rows.push([...where, p.name, p.kind.zh, p.state.zh, ...p.funding.map((f) => f.yuan ?? ""), p.funding_total ?? "", p.households.length, p.households.join("、"), "", "", p.closed_on ?? "", p.result, p.follow_ups ?? 0, p.follow_ups_open ?? 0, p.recorded_by, p.id]);
    } else if (dataset === "meetings") {
      for (const m of [...mockLedger(v, period).meetings].reverse())
        rows.push([...where, m.date, m.kind.zh, m.led_by, m.attendance ?? "", m.topics, m.decisions, m.recorded_by, m.id]);
    } else if (dataset === "situation") {
      // One row per year of the period: the mock's situation of the period's year, 未填 before it.
      const x = mockLedger(v, period).situation;
      for (let y = Number(String(period.from).slice(0, 4)); y <= x.year; y++) {
        if (y !== x.year) rows.push([...where, y, "未填", "", "", v.households.length, ...Array(12).fill("")]);
        else rows.push([...where, y, `${x.filled}/${x.parts}`, x.population ?? "", x.households ?? "", v.households.length, x.party_members ?? "", x.committee.length, x.committee.map((c) => `${c.name}(${c.post})`).join("、"), x.collective_income_yuan ?? "", x.income_sources, x.income_per_head_yuan ?? "", x.industries, x.roads, x.water, x.network, x.problems, x.updated_by]);
      }
    } else if (dataset === "plans") {
      for (const p of mockLedger(v, period).plans) rows.push([...where, p.kind.zh, `${p.year}–${p.year + 2}`, p.title, p.target, p.due ?? "", p.state.zh, p.overdue ? "是" : "否", p.closed_on ?? "", p.result, p.follow_ups ?? 0, p.follow_ups_open ?? 0, p.recorded_by, p.id]);
    } else if (dataset === "diary") {
      for (const e of v.diary.filter((e) => days.includes(e.date) && (!memberId || e.member === memberId))) rows.push([...where, e.date, names.get(e.member), e.text, "", 0, e.id]);
    } else {
      const report = villageReport(v, period);
      const months = [...new Set(report.members.flatMap((m) => m.months.map((x) => x.month)))];
      header = [...HEADERS.scores, ...months.map((ym) => `${ym} 月度积分`)];
      for (const m of report.members.filter((m) => !memberId || m.id === memberId)) {
        const r = m.report;
        const a = m.scheme_a;
        const entered = a ? [a.results.value, a.evaluation.value, a.assessment.value, a.total.value, GRADE_ZH[a.grade.value]] : ["", "", "", "", "未录入"];
        rows.push([...where, m.name, m.role_zh, r.days_in_village.value, r.min_days.value.required, r.min_days.value.met ? "是" : "否", r.leave_days.value.length, r.diary_days.value, r.diary_gaps.value.length, r.unfiled_months.value.join("、"), m.discipline.value, ...entered, ...months.map((ym) => m.months.find((x) => x.month === ym)?.score.value ?? "")]);
      }
    }
  }
  return [header, ...rows];
}

function csv(rows) {
  const field = (v) => {
    const s = String(v ?? "");
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.map((r) => r.map(field).join(",")).join("\r\n") + "\r\n", "utf8")]);
}

/** A zip of `files` ({name: string|Buffer}), each entry deflated (method 8). */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const xmlEscape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
function colName(i) {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function xlsx(sheetName, rows) {
  const strings = [];
  const index = new Map();
  const si = (s) => {
    if (!index.has(s)) index.set(s, strings.push(s) - 1);
    return index.get(s);
  };
  const sheetRows = rows.map((row, r) => {
    const cells = row.map((v, c) => {
      const ref = `${colName(c)}${r + 1}`;
      return typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(String(v ?? ""))}</v></c>`;
    });
    return `<row r="${r + 1}">${cells.join("")}</row>`;
  });
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  return zip({
    "[Content_Types].xml": `${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    "_rels/.rels": `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${head}<workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="${xmlEscape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    "xl/worksheets/sheet1.xml": `${head}<worksheet ${ns}><sheetData>${sheetRows.join("")}</sheetData></worksheet>`,
    "xl/sharedStrings.xml": `${head}<sst ${ns} count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`).join("")}</sst>`,
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP.

const sessions = new Map(); // token -> account
const ACCOUNTS = [
  { ...MOCK_LOGIN, account: uuid("account", "county"), name: "张科长", county: COUNTY.id, county_name: COUNTY.name, staff: true },
  { login: "village", password: "village-pass", account: uuid("account", "village"), name: "李明", staff: false },
];

function send(res, status, body, headers = {}) {
  const isBuf = Buffer.isBuffer(body);
  const data = body == null ? "" : isBuf || typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": isBuf || typeof body === "string" ? "text/plain; charset=utf-8" : "application/json", "Cache-Control": "no-store", ...headers });
  res.end(data);
}
const fail = (res, status, zh, en) => send(res, status, { error: `${zh} / ${en}` });

function sessionOf(req) {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const cookie = (req.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith(COOKIE + "="))?.slice(COOKIE.length + 1);
  return sessions.get(bearer ?? cookie);
}

function meBody(a) {
  return { account: a.account, name: a.name, county: a.county, county_name: a.county_name };
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

/** The period from the query, or the default (1 January to today); an error message if bad. */
function periodOf(q) {
  const from = q.get("from") ?? YEAR_START;
  const to = q.get("to") ?? TODAY;
  if (!validDate(from) || !validDate(to)) return { error: ["日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD"] };
  if (from > to) return { error: ["开始日期晚于结束日期", "from is after to"] };
  if (daysFrom(from, to).length > 366) return { error: ["统计期间不能超过366天", "a period is at most 366 days"] };
  return { period: { from, to } };
}

const STATIC = { "/county/": ["index.html", "text/html; charset=utf-8"], "/county/app.css": ["app.css", "text/css; charset=utf-8"] };

/** The page file served at `path` and its type: index.html, app.css or a module in js/. */
function staticFile(path) {
  if (STATIC[path]) return STATIC[path];
  const m = path.match(/^\/county\/js\/([a-z][a-z0-9-]*\.js)$/);
  return m && existsSync(join(PAGE_DIR, "js", m[1])) ? [`js/${m[1]}`, "text/javascript; charset=utf-8"] : null;
}

async function handle(req, res) {
  const url = new URL(req.url, "http://mock");
  const path = url.pathname;
  const q = url.searchParams;
  if (path === "/health") return send(res, 200, "ok");
  if (path === "/county") return send(res, 308, "", { Location: "/county/" });
  const page = req.method === "GET" ? staticFile(path) : null;
  if (page) {
    const [file, type] = page;
    // The same policy the real server sends with the page: nothing from elsewhere, no inline code.
    const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'";
    return send(res, 200, await readFile(join(PAGE_DIR, file)), { "Content-Type": type, "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff" });
  }
  if (!path.startsWith("/county/api/")) return fail(res, 404, "没有这个页面", "not found");
  const api = path.slice("/county/api/".length);

  if (api === "login" && req.method === "POST") {
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return fail(res, 400, "请求格式错误", "malformed request");
    }
    const a = ACCOUNTS.find((x) => (x.login === body.login || x.account === body.login) && x.password === body.password);
    if (!a) return fail(res, 401, "登录名或密码错误", "wrong login or password");
    if (!a.staff) return fail(res, 403, "该账号不是县委组织部工作人员", "this account is not county staff");
    const token = randomBytes(18).toString("hex");
    sessions.set(token, a);
    return send(res, 200, { ...meBody(a), token }, { "Set-Cookie": `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/county` });
  }
  if (api === "logout" && req.method === "POST") {
    const cookie = (req.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith(COOKIE + "="))?.slice(COOKIE.length + 1);
    if (cookie) sessions.delete(cookie);
    res.writeHead(204, { "Set-Cookie": `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/county; Max-Age=0` });
    return res.end();
  }
  const account = sessionOf(req);
  if (!account) return fail(res, 401, "请先登录", "please log in");
  if (api === "me") return send(res, 200, meBody(account));
  if (api === "policy" && req.method === "GET") return send(res, 200, POLICY);
  if (api === "grades" && req.method === "GET") {
    const year = q.has("year") ? Number(q.get("year")) : Number(TODAY.slice(0, 4));
    if (!Number.isInteger(year) || year < 2000 || year > 2200) return fail(res, 400, "年份无法识别", `${q.get("year")} is not a year this ledger holds`);
    return send(res, 200, countyGrades(year));
  }
  const entry = /^village\/([^/]+)\/member\/([^/]+)\/(year|month)\/([^/]+)$/.exec(api);
  if (entry) return putEntry(req, res, ...entry.slice(1).map(decodeURIComponent));

  const p = periodOf(q);
  if (p.error) return fail(res, 400, ...p.error);
  const period = p.period;

  if (api === "overview") {
    const started = performance.now();
    const villages = VILLAGES.map((v) => overviewRow(v, period));
    return send(res, 200, { county: COUNTY, period, today: TODAY, computed_ms: Math.round(performance.now() - started), villages });
  }
  // Photos (issue 19): the mock's records have none; a file is never there.
  const ph = /^village\/([^/]+)\/(photos|blob\/[0-9a-f]{64}(\/thumb)?)$/.exec(api);
  if (ph) {
    if (!VILLAGES.some((x) => x.id === decodeURIComponent(ph[1]))) return fail(res, 404, "没有这个村", "no such village");
    if (ph[2] === "photos") return send(res, 200, { records: {}, stored: 0, pending: 0 });
    return fail(res, 404, "本村没有记录引用这个文件", "no record of this village refers to this file");
  }
  const lm = /^village\/([^/]+)\/ledger$/.exec(api);
  if (lm) {
    const v = VILLAGES.find((x) => x.id === decodeURIComponent(lm[1]));
    if (!v) return fail(res, 404, "没有这个村", "no such village");
    return send(res, 200, mockLedger(v, period));
  }
  const vm = /^village\/([^/]+)(\/sample)?$/.exec(api);
  if (vm) {
    const v = VILLAGES.find((x) => x.id === decodeURIComponent(vm[1]));
    if (!v) return fail(res, 404, "没有这个村", "no such village");
    if (!vm[2]) return send(res, 200, villageReport(v, period));
    const kind = q.get("kind");
    const n = Math.max(1, Math.min(100, Number(q.get("n") ?? 5) || 5));
    const seed = q.has("seed") && q.get("seed") !== "" ? Number(q.get("seed")) >>> 0 : randomInt(1, 2 ** 31);
    const judged = judgedOf(period);
    const inPeriod = (d) => judged && d >= judged.from && d <= judged.to;
    const names = new Map(v.members.map((m) => [m.id, m.name]));
    if (kind === "diary") {
      const items = sample(v.diary.filter((e) => inPeriod(e.date)), n, seed).map((e) => ({ ...e, member_name: names.get(e.member) }));
      return send(res, 200, { kind, seed, items });
    }
    if (kind === "households") {
      // The mock's households carry no status: every one counts as 脱贫户 for the policy draw.
      const scope = q.get("scope") ?? "policy";
      const statuses = scope === "all" ? [] : [{ code: "lifted_out", zh: "脱贫户", en: "lifted out of poverty" }];
      const items = sample(v.households, Math.max(1, Math.min(50, Number(q.get("n") ?? 20) || 20)), seed).map((hh) => ({
        ...hh,
        status_zh: "脱贫户",
        status_en: "lifted out of poverty",
        visits: v.visits.filter((x) => x.household === hh.id && inPeriod(x.date)).map((x) => ({ date: x.date, member_name: names.get(x.member), findings: x.findings })),
      }));
      return send(res, 200, { kind, seed, n: items.length, scope, statuses, pool: v.households.length, items });
    }
    return fail(res, 400, "kind 应为 diary 或 households", "kind is diary or households");
  }
  if (api === "export") {
    const dataset = q.get("dataset");
    const format = q.get("format");
    if (!HEADERS[dataset] || !["csv", "xlsx"].includes(format)) return fail(res, 400, "导出参数错误", "bad dataset or format");
    const villages = q.get("village") ? VILLAGES.filter((v) => v.id === q.get("village")) : VILLAGES;
    if (!villages.length) return fail(res, 404, "没有这个村", "no such village");
    const rows = exportRows(dataset, villages, q.get("member"), period);
    const file = `taizhang-${dataset}-${period.from}-${period.to}.${format}`;
    const body = format === "csv" ? csv(rows) : xlsx(SHEET_NAMES[dataset], rows);
    const type = format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return send(res, 200, body, { "Content-Type": type, "Content-Disposition": `attachment; filename="${file}"` });
  }
  return fail(res, 404, "没有这个接口", "no such endpoint");
}

/** PUT .../member/{member}/year/{YYYY} or .../month/{YYYY-MM}: checked, then kept in memory. */
async function putEntry(req, res, villageId, memberId, kind, period) {
  if (req.method !== "PUT") return fail(res, 405, "请用 PUT", "use PUT");
  const v = VILLAGES.find((x) => x.id === villageId);
  if (!v) return fail(res, 404, "没有这个村", "no such village");
  if (!v.members.some((m) => m.id === memberId)) return fail(res, 404, "该队员不在本村工作队", `member ${memberId} is not on the team of this village`);
  const pattern = kind === "year" ? /^(20\d\d|2[01]\d\d|2200)$/ : /^\d{4}-(0[1-9]|1[0-2])$/;
  if (!pattern.test(period)) return fail(res, 400, "时间格式错误", kind === "year" ? `${period} is not a year this ledger holds` : `“${period}” is not a month YYYY-MM`);
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return fail(res, 400, "请求格式错误", "malformed JSON body");
  }
  const error = kind === "year" ? yearInputsError(body) : monthInputsError(body);
  if (error) return fail(res, 400, ...error);
  ENTERED.set(enteredKey(villageId, memberId, period), body);
  return send(res, 200, body);
}

/**
 * The village ledger (村级工作台账, GET village/{id}/ledger): one project underway and one
 * meeting on the period's first day, whose attendance nobody counted (unknown, not 0).
 */
function mockLedger(v, period) {
  const who = v.members[0]?.name ?? "";
  const coded = (code, zh, en) => ({ code, zh, en });
  const year = Number(String(period.to).slice(0, 4));
  return {
    from: period.from,
    to: period.to,
    year,
    situation: {
      year,
      population: null,
      households: v.households.length,
      committee: [{ name: "村支书", post: "村党支部书记", birth_year: 1972, education: coded("senior", "高中/中专", "senior middle or vocational school") }],
      party_members: 31,
      collective_income_yuan: 86000,
      income_sources: "光伏电站收益",
      income_per_head_yuan: null,
      industries: "茶叶",
      roads: "",
      water: "集中供水全覆盖",
      network: "",
      problems: "<i>三组</i>通组路未硬化",
      filled: 8,
      parts: 12,
      updated_by: who,
    },
    situation_previous: null,
    registry_households: v.households.length,
    plans: [
      { id: `${v.id}-g1`, kind: coded("three_year", "三年帮扶目标", "three-year aid goal"), year, title: "壮大村集体经济", target: "收入达到10万元", due: `${year + 2}-12-31`, state: coded("open", "进行中", "open"), overdue: false, closed_on: null, result: "", recorded_by: who },
    ],
    plan_progress: { items: 1, done: 0, missed: 0, open: 1, overdue: 0, letter: false },
    projects: [
      {
        id: `${v.id}-p1`,
        name: "<b>组组通</b>硬化路",
        kind: coded("practical", "民生实事", "practical project"),
        state: coded("underway", "实施中", "underway"),
        funding: [
          { ...coded("collective", "集体自筹", "raised by the collective"), yuan: 20000 },
          { ...coded("fiscal", "财政投入", "government budget"), yuan: 150000 },
          { ...coded("party_fees", "党费补贴", "party dues subsidy"), yuan: null },
          { ...coded("urban_rural", "城乡统筹", "urban-rural integration funds"), yuan: null },
        ],
        funding_total: 170000,
        households: v.households.slice(0, 3).map((x) => x.head),
        started_on: period.from,
        latest_progress: { day: period.from, text: "路基完成", by: who },
        progress_count: 1,
        closed_on: null,
        closed_by: null,
        result: "",
        recorded_by: who,
      },
    ],
    meetings: [
      { id: `${v.id}-m1`, date: period.from, kind: coded("party_lecture", "党课", "party lecture"), led_by: who, attendance: null, topics: "学习乡村振兴政策", decisions: "", recorded_by: who },
    ],
  };
}

/** Starts the mock on `port` (0: any free port); resolves to the http.Server. */
export function startMock(port = 8787, host = "127.0.0.1") {
  const server = createServer((req, res) =>
    handle(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) fail(res, 500, "服务器内部错误", "internal error");
    }),
  );
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8787);
  const server = await startMock(port);
  console.log(`mock county server: http://127.0.0.1:${server.address().port}/county/  (login ${MOCK_LOGIN.login} / ${MOCK_LOGIN.password})`);
}
