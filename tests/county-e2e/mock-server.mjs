// A mock of the county view's HTTP API (sync-server/county/API.md), with no dependencies: it
// serves the page's three files from sync-server/county/ under /county/ (read on every request,
// so edits show on reload) and canned but self-consistent JSON for a county of 3 villages with
// 4 members each over a few months, plus CSV and XLSX exports. It exists for working on the
// page without the Rust server and for checking the browser test itself (mock-e2e.mjs).
//
//   node mock-server.mjs [--port 8787]     log in as  county / county-pass
//
// The data is generated from fixed seeds, so it is the same on every run; "today" is fixed at
// 2026-05-15 so the figures do not move. Names include markup on purpose (王<i>大</i>山) to show
// that the page escapes what field devices send.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createHash, randomBytes, randomInt } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../sync-server/county");
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
const SEVEN = [
  ["build_committee", "建强一个班子", "build one strong village committee"],
  ["party_lecture", "上好一堂党课", "give one party lecture"],
  ["visit_all", "走访一遍农户", "visit every household once"],
  ["diary", "记好一本民情日记", "keep one diary"],
  ["research_report", "写好一篇调研报告", "write one research report"],
  ["projects", "办好一批民生实事", "deliver a batch of practical projects"],
  ["aid_projects", "协调落实一批帮扶专案", "coordinate a batch of aid projects"],
];

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
  const seven = members.map((_, mi) => SEVEN.map((s, si) => (rnd("seven", vi, mi, si) < 0.5 ? "done" : rnd("seven2", vi, mi, si) < 0.6 ? "not_done" : "not_recorded")));
  return { id, name: spec.name, township: spec.township, members, households, checkIns, leave, diary, filed, visits, seven };
}

const VILLAGES = SPECS.map(buildVillage);

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

function memberReport(v, m, mi, period, judged) {
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
    training: figure(null, rule("ATT-TRAINING", "min_training_days_per_year = 4", "每年参加培训不少于4天", "at least 4 days of training a year"), [], "未记录培训 / no training recorded."),
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
    seven_ones: SEVEN.map(([code, zh, en], si) =>
      figure(v.seven[mi][si], rule("SEVEN-ONES", code, `七个一:${zh}`, `seven ones: ${en}`), [], `由县委组织部记录 / recorded by the county.`),
    ),
  };
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
    const score = Math.max(0, Math.round((10 - 0.5 * r.gaps - (r.days < 12 ? 1.5 : 0)) * 2) / 2);
    return {
      month: ym,
      days_in_village: r.days,
      diary_days: r.diary,
      diary_gaps: r.gaps,
      score: figure(score, rule("B-SCORE", "scheme_b.base = 10; max = 10", "十分制月度积分:基础10分,突出成效加分,发生问题减分,一票否决为0分", "monthly 10 points: base 10, bonus for results, deductions for problems, veto gives 0"), [], `基础10分,缺记${r.gaps}天各减0.5分${r.days < 12 ? ",驻村不足12天减1.5分" : ""} / base 10, −0.5 for each of ${r.gaps} diary gaps${r.days < 12 ? ", −1.5 for fewer than 12 days in the village" : ""}.`),
      allowance_cut: figure(score < 8, rule("B-ALLOWANCE", "scheme_b.allowance_cut_below = 8", "月度积分低于8分的扣减当月补贴", "a month below 8 points cuts that month's allowance"), [], `${score}分${score < 8 ? "低于" : "不低于"}8分 / ${score} points${score < 8 ? " is below" : " is not below"} 8.`),
    };
  });
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
  const members = v.members.map((m, mi) => {
    const report = memberReport(v, m, mi, period, judged);
    const min = report.min_days.value;
    const discipline = Math.round(10 * Math.min(1, min.required ? min.actual / min.required : 1) * 10) / 10;
    return {
      ...m,
      report,
      discipline: figure(discipline, rule("A-DISCIPLINE", "scheme_a.discipline = 10", "工作纪律10分 × min(1, 驻村天数 / 要求天数)", "discipline 10 × min(1, days in village / days required)"), [], `10 × min(1, ${min.actual}/${min.required}) = ${discipline}`),
      months: monthRows(v, m, period, judged),
    };
  });
  const households = v.households.map((hh) => {
    const hv = periodVisits.filter((x) => x.household === hh.id);
    return { ...hh, visits: hv.length, last_visit: hv.length ? hv[hv.length - 1].date : null };
  });
  return { village: { id: v.id, name: v.name, township: v.township }, period, today: TODAY, judged, team, calendar, households, members };
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
  visits: ["县", "乡镇", "村", "日期", "时间", "队员", "户主", "村民小组", "发现问题", "群众需求", "后续跟进", "记录编号"],
  diary: ["县", "乡镇", "村", "日期", "队员", "内容", "更正的记录", "记录编号"],
  scores: ["县", "乡镇", "村", "队员", "角色", "驻村天数", "应驻村天数", "驻村达标", "请假天数", "日记天数", "缺记天数", "未备案月份", "工作纪律分"],
};
const SHEET_NAMES = { attendance: "考勤", visits: "走访", diary: "民情日记", scores: "考核" };

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
        rows.push([...where, x.date, x.time, names.get(x.member), hh.get(x.household).head, hh.get(x.household).group, x.findings, x.needs, x.follow_up, x.id]);
    } else if (dataset === "diary") {
      for (const e of v.diary.filter((e) => days.includes(e.date) && (!memberId || e.member === memberId))) rows.push([...where, e.date, names.get(e.member), e.text, "", e.id]);
    } else {
      const report = villageReport(v, period);
      const months = [...new Set(report.members.flatMap((m) => m.months.map((x) => x.month)))];
      header = [...HEADERS.scores, ...months.map((ym) => `${ym} 月度积分`)];
      for (const m of report.members.filter((m) => !memberId || m.id === memberId)) {
        const r = m.report;
        rows.push([...where, m.name, m.role_zh, r.days_in_village.value, r.min_days.value.required, r.min_days.value.met ? "是" : "否", r.leave_days.value.length, r.diary_days.value, r.diary_gaps.value.length, r.unfiled_months.value.join("、"), m.discipline.value, ...months.map((ym) => m.months.find((x) => x.month === ym)?.score.value ?? "")]);
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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
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

const STATIC = { "/county/": ["index.html", "text/html; charset=utf-8"], "/county/app.js": ["app.js", "text/javascript; charset=utf-8"], "/county/app.css": ["app.css", "text/css; charset=utf-8"] };

async function handle(req, res) {
  const url = new URL(req.url, "http://mock");
  const path = url.pathname;
  const q = url.searchParams;
  if (path === "/health") return send(res, 200, "ok");
  if (path === "/county") return send(res, 308, "", { Location: "/county/" });
  if (STATIC[path] && req.method === "GET") {
    const [file, type] = STATIC[path];
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

  const p = periodOf(q);
  if (p.error) return fail(res, 400, ...p.error);
  const period = p.period;

  if (api === "overview") {
    const started = performance.now();
    const villages = VILLAGES.map((v) => overviewRow(v, period));
    return send(res, 200, { county: COUNTY, period, today: TODAY, computed_ms: Math.round(performance.now() - started), villages });
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
      const items = sample(v.households, n, seed).map((hh) => ({
        ...hh,
        visits: v.visits.filter((x) => x.household === hh.id && inPeriod(x.date)).map((x) => ({ date: x.date, member_name: names.get(x.member), findings: x.findings })),
      }));
      return send(res, 200, { kind, seed, items });
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
