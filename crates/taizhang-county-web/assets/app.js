// The county view (县级查看) of Taizhang, in plain JavaScript with no build step: county
// organisation-department staff log in, see every village of the county at a glance and the
// first secretaries' yearly grades, open a village (team figures, presence calendar, members,
// monthly scores, household visits), enter the scores the records cannot give (scheme A's
// results / evaluation / assessment, training days, seven ones, scheme B's monthly items), draw
// random inspections (随机查) and download exports. Built against sync-server/county/API.md.
//
// Every string that comes from the API (names, notes, diary text typed on field devices) goes
// into the page through textContent / attributes via h(); nothing here assigns innerHTML.
// Every figure the rules engine computed is clickable and explained (rule, policy value, note):
// scores are the county's tool, explained record by record, never a bare number.

// ---------------------------------------------------------------------------------------------
// Language: Simplified Chinese by default, English on request; the choice is remembered.

const LANG_KEY = "taizhang.county.lang";

const DICT = {
  zh: {
    title: "驻村工作台账 · 县级查看",
    langSwitch: "English",
    login: "登录",
    loginTitle: "县委组织部登录",
    loginHint: "县委组织部工作人员使用本页面查看全县各村同步上来的驻村工作台账。",
    loginName: "登录名",
    password: "密码",
    loggingIn: "正在登录…",
    logout: "退出登录",
    sessionExpired: "登录已失效,请重新登录。",
    loading: "正在加载…",
    errorGeneric: "出错了",
    networkError: "无法连接服务器,请检查网络后重试。",
    period: "统计期间",
    from: "从",
    to: "至",
    apply: "查询",
    periodInvalid: "开始日期不能晚于结束日期。",
    asOf: "数据截至 {today},之后的日期不评判",
    computedMs: "计算用时 {ms} 毫秒",
    overviewTitle: "{county} · 各村驻村工作概况",
    summary: "共 {n} 个村,其中 {m} 个需关注",
    filter: "按村名或乡镇筛选",
    attentionOnly: "只看需关注",
    noVillages: "本县暂无村的数据。",
    noMatch: "没有符合筛选条件的村。",
    colTownship: "乡镇",
    colVillage: "村",
    colMembers: "队员",
    colDaysWithSomeone: "有人在村 / 评判天数",
    colGapDays: "无人在村天数",
    colVisited: "已走访 / 农户",
    colDiaryGaps: "日记缺记天数",
    colUnfiled: "未备案月份",
    colBelowMin: "驻村天数不达标人数",
    colStatus: "状态",
    tipDaysWithSomeone: "至少一名队员到村打卡的天数 / 评判的天数(今天以后不评判)",
    tipGapDays: "有队员在岗但无人在村、且未经批准请假的天数(确保每天有人在村)",
    tipVisited: "本期间被走访过的农户 / 登记农户总数(每年走访一遍农户)",
    tipDiaryGaps: "全体队员工作日未写民情日记的天数之和(日记录)",
    tipUnfiled: "全体队员未备案的月份数之和(月备案)",
    tipBelowMin: "驻村天数低于每年最低要求(按评判天数折算)的队员人数",
    statusOk: "正常",
    statusAttention: "需关注",
    exportsCounty: "导出全县数据",
    exportsVillage: "导出本村数据",
    exportsHint: "CSV 可直接用 Excel 打开;XLSX 为 Excel 工作簿。",
    dsAttendance: "考勤",
    dsVisits: "走访",
    dsDiary: "民情日记",
    dsScores: "考核",
    back: "← 返回全县",
    team: "工作队",
    figDaysWithSomeone: "有人在村天数",
    figGaps: "无人在村天数",
    figExcused: "请假免责天数",
    figVisited: "已走访农户",
    ofJudged: "/ 评判 {n} 天",
    ofHouseholds: "/ 共 {n} 户",
    noneDates: "无",
    calendar: "在村日历",
    legendPresent: "有人在村",
    legendLeave: "仅请假",
    legendGap: "无人在村",
    legendUnjudged: "不评判",
    tipPresent: "在村",
    tipLeave: "请假",
    tipGap: "无人在村",
    tipExcused: "无人在村(在岗队员均已请假,免责)",
    tipUnjudged: "不评判",
    tipNoPost: "无在岗队员",
    weekdays: "一,二,三,四,五,六,日",
    monthTitle: "{y}年{m}月",
    members: "队员",
    mName: "姓名",
    mRole: "角色",
    mDays: "驻村天数 / 应驻",
    mMet: "驻村达标",
    mLeave: "请假天数",
    mDiary: "日记天数",
    mDiaryGaps: "缺记天数",
    mUnfiled: "未备案月份",
    mSevenOnes: "七个一",
    mDiscipline: "工作纪律分",
    mExport: "导出",
    met: "达标",
    notMet: "未达标",
    shareMet: "比例达标",
    shareNotMet: "比例未达标",
    dutyDone: "已完成",
    dutyNotDone: "未完成",
    dutyNotRecorded: "未记录",
    noMembers: "本村暂无队员。",
    scores: "月度积分(十分制)",
    scoresHint: "红底:当月积分低于标准,扣减当月补贴。点击分数查看计分依据。",
    allowanceCut: "扣补贴",
    monthTip: "驻村 {d} 天 · 日记 {dd} 天 · 缺记 {g} 天",
    visits: "入户走访",
    notVisited: "本期间未走访的农户",
    allVisited: "所有登记农户在本期间均已走访。",
    hHead: "户主",
    hGroup: "村民小组",
    hVisits: "走访次数",
    hLast: "最近走访",
    households: "全部农户",
    noHouseholds: "本村暂无登记农户。",
    inspect: "随机抽查",
    inspectHint: "从本期间的记录中无放回均匀抽取;记下种子即可重现同一批抽样。",
    sampleN: "数量",
    sampleSeed: "种子(可选)",
    seedPlaceholder: "随机",
    sampleDiary: "抽查日记",
    sampleHouseholds: "抽查农户",
    sampleAgain: "再抽一次",
    sampleReproduce: "按此种子重现",
    sampleCount: "{n} 条",
    seed: "种子",
    noItems: "本期间没有可抽查的记录。",
    notVisitedYet: "本期间未走访",
    dDate: "日期",
    dMember: "队员",
    dText: "内容",
    explainRule: "规则",
    explainCode: "规则编号",
    explainPolicy: "本县政策取值",
    explainNote: "计算说明",
    explainCounted: "计入的记录({n} 条)",
    explainHint: "点击查看计算依据",
    close: "关闭",
    yes: "是",
    no: "否",
    // What county staff enter: scheme A (yearly), training, seven ones, scheme B items.
    mTraining: "培训天数",
    mSchemeA: "年度考核(百分制)",
    notEntered: "未录入",
    partlyEntered: "部分已录",
    enterScores: "录入考核",
    schemeAHint: "年度考核百分制:工作实绩、群众评议、工作评价由县委组织部录入,工作纪律分由考勤自动计算。第一书记的等次已按本县优秀名额(全年)调整,见全县“年度考核”。",
    grade_excellent: "优秀",
    grade_competent: "称职",
    grade_basically_competent: "基本称职",
    grade_incompetent: "不称职",
    fResults: "工作实绩",
    fEvaluation: "群众评议",
    fDiscipline: "工作纪律",
    fAssessment: "工作评价",
    fTraining: "培训天数",
    maxPoints: "0–{max} 分",
    trainingReq: "每年不少于 {n} 天",
    entryYearTitle: "录入考核 · {name} · {year}年",
    entryYearHint: "留空的项目视为未录入,保存后可随时修改。工作纪律分由考勤记录自动计算,不在此录入。",
    sevenEntered: "七个一(由县委组织部录入的项目)",
    sevenDerived: "由记录自动判定:{items}",
    optNotEntered: "未录入",
    optDone: "已完成",
    optNotDone: "未完成",
    save: "保存",
    saving: "正在保存…",
    cancel: "取消",
    badNumber: "“{field}”不是有效的数字。",
    editMonth: "录入加减分",
    entryMonthTitle: "月度加减分 · {name} · {month}",
    entryMonthHint: "填写发生次数,0 或留空表示没有;依据可不填,每行一条。一票否决项只要发生,当月即为 0 分。",
    itemCol: "加减分项",
    itemTimes: "次数",
    itemEvidence: "依据(可选,每行一条)",
    kindBonus: "加分 +{p}/次",
    kindDeduction: "减分 −{p}/次",
    kindVeto: "一票否决",
    derivedItem: "{name}:{n} 天,由民情日记自动扣分,无需录入。",
    droppedItems: "以下项目已不在本县政策中,保存时将删除:{items}",
    explainItems: "录入的加减分项",
    explainNoItems: "本月未录入加减分项。",
    explainParts: "分项",
    gradesTitle: "年度考核 · {year}年",
    gradesSummary: "第一书记 {n} 名,已评分 {m} 名",
    gradesHint: "按村排列,不作排名;等次已按本县优秀名额比例调整。点击分数或等次查看依据。",
    gVillage: "村",
    gName: "第一书记",
    gTotal: "总分",
    gGrade: "等次",
    capRule: "优秀名额",
    capFallback: "优秀名额不超过本县第一书记总数的 {pct}%(向下取整)",
    cappedMark: "名额所限",
    cappedTip: "分数达到优秀,但本县优秀名额已满,评为称职",
    noFirstSecretaries: "本县暂无第一书记。",
  },
  en: {
    title: "Taizhang · County view",
    langSwitch: "中文",
    login: "Log in",
    loginTitle: "County organisation department",
    loginHint: "For county organisation-department staff: the synced work ledgers of every village in the county.",
    loginName: "Login name",
    password: "Password",
    loggingIn: "Logging in…",
    logout: "Log out",
    sessionExpired: "Your session has ended; please log in again.",
    loading: "Loading…",
    errorGeneric: "Something went wrong",
    networkError: "Cannot reach the server; check the network and try again.",
    period: "Period",
    from: "From",
    to: "to",
    apply: "Apply",
    periodInvalid: "The start date must not be after the end date.",
    asOf: "As of {today}; later days are not judged",
    computedMs: "computed in {ms} ms",
    overviewTitle: "{county} · villages at a glance",
    summary: "{n} villages, {m} need attention",
    filter: "Filter by village or township",
    attentionOnly: "Needing attention only",
    noVillages: "No village data in this county yet.",
    noMatch: "No village matches the filter.",
    colTownship: "Township",
    colVillage: "Village",
    colMembers: "Members",
    colDaysWithSomeone: "Days with someone / judged",
    colGapDays: "Gap days",
    colVisited: "Households visited / total",
    colDiaryGaps: "Diary gap days",
    colUnfiled: "Unfiled months",
    colBelowMin: "Members below minimum days",
    colStatus: "Status",
    tipDaysWithSomeone: "Days with at least one member's check-in / days judged (days after today are not judged)",
    tipGapDays: "Days with members on post but nobody in the village and no approved leave (someone in the village every day)",
    tipVisited: "Households visited in the period / registered households (visit every household once a year)",
    tipDiaryGaps: "Working days without a diary entry, summed over members (written daily)",
    tipUnfiled: "Months not filed, summed over members (filed monthly)",
    tipBelowMin: "Members below the yearly minimum of days in the village (prorated to the judged days)",
    statusOk: "OK",
    statusAttention: "Needs attention",
    exportsCounty: "Export county data",
    exportsVillage: "Export village data",
    exportsHint: "CSV opens directly in Excel; XLSX is an Excel workbook.",
    dsAttendance: "Attendance",
    dsVisits: "Visits",
    dsDiary: "Diary",
    dsScores: "Scores",
    back: "← Back to the county",
    team: "Work team",
    figDaysWithSomeone: "Days with someone in the village",
    figGaps: "Gap days (nobody in the village)",
    figExcused: "Excused gap days",
    figVisited: "Households visited",
    ofJudged: "/ {n} judged",
    ofHouseholds: "/ {n} households",
    noneDates: "none",
    calendar: "Presence calendar",
    legendPresent: "someone present",
    legendLeave: "leave only",
    legendGap: "gap (nobody)",
    legendUnjudged: "not judged",
    tipPresent: "Present",
    tipLeave: "On leave",
    tipGap: "Nobody in the village",
    tipExcused: "Nobody in the village (every member on post on approved leave: excused)",
    tipUnjudged: "Not judged",
    tipNoPost: "No member on post",
    weekdays: "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    monthTitle: "{mon} {y}",
    members: "Members",
    mName: "Name",
    mRole: "Role",
    mDays: "Days in village / required",
    mMet: "Minimum met",
    mLeave: "Leave days",
    mDiary: "Diary days",
    mDiaryGaps: "Diary gaps",
    mUnfiled: "Unfiled months",
    mSevenOnes: "Seven ones",
    mDiscipline: "Discipline",
    mExport: "Export",
    met: "met",
    notMet: "not met",
    shareMet: "share met",
    shareNotMet: "share not met",
    dutyDone: "done",
    dutyNotDone: "not done",
    dutyNotRecorded: "not recorded",
    noMembers: "No members in this village.",
    scores: "Monthly scores (10 points)",
    scoresHint: "Red: below the threshold, that month's allowance is cut. Click a score for its rule.",
    allowanceCut: "allowance cut",
    monthTip: "{d} days in village · {dd} diary days · {g} diary gaps",
    visits: "Household visits",
    notVisited: "Households not visited in the period",
    allVisited: "Every registered household was visited in the period.",
    hHead: "Head of household",
    hGroup: "Village group",
    hVisits: "Visits",
    hLast: "Last visit",
    households: "All households",
    noHouseholds: "No registered households in this village.",
    inspect: "Random inspection",
    inspectHint: "A uniform random sample without replacement from the period; note the seed to draw the same sample again.",
    sampleN: "Count",
    sampleSeed: "Seed (optional)",
    seedPlaceholder: "random",
    sampleDiary: "Inspect diary",
    sampleHouseholds: "Inspect households",
    sampleAgain: "Draw again",
    sampleReproduce: "Reproduce with this seed",
    sampleCount: "{n} items",
    seed: "Seed",
    noItems: "Nothing to inspect in this period.",
    notVisitedYet: "Not visited in the period",
    dDate: "Date",
    dMember: "Member",
    dText: "Text",
    explainRule: "Rule",
    explainCode: "Rule code",
    explainPolicy: "County policy value",
    explainNote: "How it was counted",
    explainCounted: "Records counted ({n})",
    explainHint: "Click for the rule behind this figure",
    close: "Close",
    yes: "yes",
    no: "no",
    mTraining: "Training",
    mSchemeA: "Yearly score",
    notEntered: "not entered",
    partlyEntered: "partly entered",
    enterScores: "Enter scores",
    schemeAHint: "Yearly 100 points: results, villagers' evaluation and assessment are entered by the county; discipline comes from attendance. A first secretary's grade is after the county's cap on excellent (whole year), as under Yearly grades on the county page.",
    grade_excellent: "excellent",
    grade_competent: "competent",
    grade_basically_competent: "basically competent",
    grade_incompetent: "incompetent",
    fResults: "Work results",
    fEvaluation: "Villagers' evaluation",
    fDiscipline: "Discipline",
    fAssessment: "Work assessment",
    fTraining: "Training days",
    maxPoints: "0–{max} points",
    trainingReq: "at least {n} a year",
    entryYearTitle: "Enter scores · {name} · {year}",
    entryYearHint: "Fields left empty are not entered yet; you can change them later. Discipline is computed from attendance and is not entered here.",
    sevenEntered: "Seven ones entered by the county",
    sevenDerived: "Decided by the records: {items}",
    optNotEntered: "not entered",
    optDone: "done",
    optNotDone: "not done",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    badNumber: "{field} is not a valid number.",
    editMonth: "Enter items",
    entryMonthTitle: "Monthly items · {name} · {month}",
    entryMonthHint: "Enter how many times each applied (0 or empty: none); evidence is optional, one per line. A one-vote veto sets the month to 0.",
    itemCol: "Item",
    itemTimes: "Times",
    itemEvidence: "Evidence (optional, one per line)",
    kindBonus: "bonus +{p} each",
    kindDeduction: "deduction −{p} each",
    kindVeto: "one-vote veto",
    derivedItem: "{name}: {n} days, deducted from the diary by itself; not entered here.",
    droppedItems: "These items are no longer in the county's policy and will be removed on saving: {items}",
    explainItems: "Items entered",
    explainNoItems: "No items entered for this month.",
    explainParts: "Components",
    gradesTitle: "Yearly grades · {year}",
    gradesSummary: "{n} first secretaries, {m} scored",
    gradesHint: "Listed by village, not ranked; grades after the county's cap on excellent. Click a figure for its rule.",
    gVillage: "Village",
    gName: "First secretary",
    gTotal: "Total",
    gGrade: "Grade",
    capRule: "Cap on excellent",
    capFallback: "at most {pct}% of the county's first secretaries are excellent (rounded down)",
    cappedMark: "capped",
    cappedTip: "The score reached excellent but the county's quota was full: graded competent",
    noFirstSecretaries: "No first secretaries in this county yet.",
  },
};

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ROLES_EN = { first_secretary: "First secretary", team_member: "Team member", member: "Team member" };
const DATASETS = ["attendance", "visits", "diary", "scores"];
const DATASET_KEYS = { attendance: "dsAttendance", visits: "dsVisits", diary: "dsDiary", scores: "dsScores" };
const FORMATS = ["csv", "xlsx"];

let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";

/** The text for `key` in the current language, with `{name}` placeholders filled from `vars`. */
function t(key, vars) {
  const text = DICT[lang][key] ?? DICT.zh[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? "")) : text;
}

function setLang(next) {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === "en" ? "en" : "zh-CN";
  document.title = t("title");
  rerender();
}

// ---------------------------------------------------------------------------------------------
// DOM helpers: h() builds elements; strings only ever become text nodes or attribute values.

/**
 * Creates `<tag>` with `props` and `children`. Props: `class`, `testid` (data-testid), `text`
 * (textContent), `dataset` (object), `on<event>` (listener); anything else is set as an
 * attribute (true → empty attribute; null, undefined and false are skipped). Children may be
 * nodes, strings, numbers, arrays or null.
 */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "testid") el.dataset.testid = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the content of `el` with `children`. */
function fill(el, ...children) {
  el.replaceChildren();
  appendAll(el, children);
  return el;
}

const $ = (selector) => document.querySelector(selector);

// ---------------------------------------------------------------------------------------------
// Small formatting helpers.

function fmtNum(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return v == null ? "—" : String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Scheme A points with at most two decimals, cut rather than rounded: discipline is not
 * rounded by the rules, and a total of 89.996 must not show as "90.00" next to 称职.
 */
function fmtPoints(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "—";
  const cut = Math.floor(v * 100 + 1e-6) / 100;
  return Number.isInteger(cut) ? String(cut) : String(cut.toFixed(2)).replace(/0$/, "");
}

/** A scheme A grade's name (`excellent` → 优秀). */
function gradeText(grade) {
  return grade ? t(`grade_${grade}`) : t("notEntered");
}

/** The badge colour of a grade: a colour always next to the grade's name, never alone. */
const GRADE_CLASS = { excellent: "badge-ok", competent: "badge-ok", basically_competent: "badge-warn", incompetent: "badge-bad" };

/** The name of a policy item (`{zh, en}`) in the current language. */
function itemName(item) {
  return (lang === "en" ? item?.en : item?.zh) || item?.zh || item?.en || item?.code || "";
}

/** A month as `YYYY-MM`, whether the server sent a string or `{year, month}`. */
function monthText(m) {
  if (m && typeof m === "object") return `${m.year}-${String(m.month).padStart(2, "0")}`;
  return String(m ?? "");
}

/** Days from `a` to `b` (`YYYY-MM-DD`), computed in UTC so no time zone shifts a date. */
function dayDiff(a, b) {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 86400000);
}

function isoDate(y, m, d) {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The months `{y, m}` from the month of `from` to the month of `to`, inclusive. */
function monthsBetween(from, to) {
  const out = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push({ y, m });
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

function monthTitle(y, m) {
  return t("monthTitle", { y, m, mon: MONTHS_EN[m - 1] });
}

function weekdayIndex(date) {
  return (new Date(date + "T00:00:00Z").getUTCDay() + 6) % 7; // Monday = 0
}

function roleText(member) {
  if (lang === "en") return ROLES_EN[member.role] ?? String(member.role ?? "").replace(/_/g, " ");
  return member.role_zh || member.role || "";
}

/** A rule's text in the current language. */
function ruleText(rule) {
  if (!rule) return "";
  return (lang === "en" ? rule.en : rule.zh) || rule.zh || rule.en || "";
}

/** The name of one of the seven ones, without the "七个一:" / "seven ones:" prefix. */
function dutyName(figure) {
  return ruleText(figure.rule).replace(/^七个一\s*[::]\s*/, "").replace(/^seven ones\s*:\s*/i, "");
}

const listLength = (v) => (Array.isArray(v) ? v.length : 0);

// ---------------------------------------------------------------------------------------------
// The API: relative URLs, so the page works under /county/; the session is the cookie.

class ApiError extends Error {
  constructor(status, message, handled = false) {
    super(message);
    this.status = status;
    this.handled = handled; // already shown (the page went back to the log-in screen)
  }
}

/**
 * Calls `api/<path>`. Any 401 (except on the log-in call itself, where it means a wrong
 * password) ends the session on the page and shows the log-in screen.
 */
async function api(path, { method = "GET", body, params, loginCall = false } = {}) {
  const query = params ? new URLSearchParams(cleanParams(params)).toString() : "";
  const url = "api/" + path + (query ? "?" + query : "");
  let res;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, t("networkError"));
  }
  const text = res.status === 204 ? "" : await res.text();
  const data = parseJson(text);
  if (res.status === 401 && !loginCall) {
    sessionLost();
    throw new ApiError(401, t("sessionExpired"), true);
  }
  if (!res.ok) throw new ApiError(res.status, data?.error || plainError(text) || `HTTP ${res.status}`);
  return data;
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * A plain-text error body, shortened. Errors are JSON `{"error"}` by contract, but a body the
 * server's JSON reader refuses (a wrong type in an entry form) comes back as plain text, and
 * that text says what was wrong better than "HTTP 422".
 */
function plainError(text) {
  const s = String(text ?? "").trim();
  if (!s || s.startsWith("<") || s.startsWith("{")) return "";
  return s.length > 300 ? s.slice(0, 300) + "…" : s;
}

function cleanParams(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) if (v != null && v !== "") out[k] = String(v);
  return out;
}

function periodParams() {
  return state.period ? { from: state.period.from, to: state.period.to } : {};
}

function exportHref(dataset, format, scope = {}) {
  const params = { dataset, format, ...periodParams(), village: scope.village, member: scope.member };
  return "api/export?" + new URLSearchParams(cleanParams(params)).toString();
}

// ---------------------------------------------------------------------------------------------
// State and navigation. Routes live in the hash: #/ (overview) and #/village/<id>, each with
// ?from=&to= so a reload or a shared link keeps the period.

const state = {
  me: null,
  period: null, // {from, to} once known; null = ask the server for its default
  view: "boot", // boot | login | overview | village
  loginMessage: "",
  overview: null,
  village: null,
  sample: null, // {kind, n, seed, items}
  policy: null, // GET api/policy: the county's rules, for the entry forms (null: not loaded)
  grades: null, // {year, data} or {year, error}: the overview's yearly grades
  filter: { text: "", attentionOnly: false },
  ticket: 0, // bumps on each navigation; late answers for an old screen are dropped
};

function parseHash() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const from = params.get("from");
  const to = params.get("to");
  const period = from && to ? { from, to } : null;
  const m = path.match(/^\/village\/([^/]+)$/);
  return { villageId: m ? decodeURIComponent(m[1]) : null, period };
}

function hashFor(villageId, period = state.period) {
  const path = villageId ? "#/village/" + encodeURIComponent(villageId) : "#/";
  return period ? `${path}?from=${period.from}&to=${period.to}` : path;
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash; // hashchange → route()
}

function route() {
  if (!state.me) return;
  const { villageId, period } = parseHash();
  if (period && (period.from !== state.period?.from || period.to !== state.period?.to)) {
    state.period = period;
    state.sample = null; // a sample belongs to the period it was drawn from
  }
  if (villageId) showVillage(villageId);
  else showOverview();
}

function rerender() {
  renderHeader();
  if (state.view === "login") renderLogin();
  else if (state.view === "overview" && state.overview) renderOverview(state.overview);
  else if (state.view === "village" && state.village) renderVillage(state.village);
}

/** Shows an error above the screen (or hides the banner when `message` is empty). */
function banner(message) {
  const el = $("#banner");
  el.hidden = !message;
  fill(el, message ? h("span", null, message) : null, message ? h("button", { type: "button", class: "link", onclick: () => banner("") }, "×") : null);
}

function report(err) {
  if (err?.handled) return;
  banner(`${t("errorGeneric")}: ${err?.message ?? err}`);
  console.error(err);
}

function sessionLost() {
  const wasIn = state.me != null;
  state.me = null;
  state.overview = null;
  state.village = null;
  state.sample = null;
  state.policy = null;
  state.grades = null;
  showLogin(wasIn ? t("sessionExpired") : "");
}

// ---------------------------------------------------------------------------------------------
// Header: title, who is logged in, language switch, log-out.

function renderHeader() {
  const me = state.me;
  fill(
    $("#top"),
    h("h1", { class: "brand", testid: "page-title" }, t("title")),
    h(
      "div",
      { class: "top-right" },
      me ? h("span", { class: "whoami", testid: "whoami" }, `${me.county_name ?? ""} · ${me.name ?? ""}`) : null,
      h("button", { type: "button", class: "btn btn-ghost", testid: "lang-switch", onclick: () => setLang(lang === "zh" ? "en" : "zh") }, t("langSwitch")),
      me ? h("button", { type: "button", class: "btn btn-ghost", testid: "logout", onclick: logout }, t("logout")) : null,
    ),
  );
}

async function logout() {
  try {
    await api("logout", { method: "POST", loginCall: true });
  } catch (err) {
    console.warn("logout", err);
  }
  state.me = null;
  state.overview = null;
  state.village = null;
  state.sample = null;
  state.policy = null;
  state.grades = null;
  showLogin("");
}

// ---------------------------------------------------------------------------------------------
// Log-in screen.

function showLogin(message) {
  state.view = "login";
  state.ticket += 1;
  state.loginMessage = message ?? "";
  banner("");
  closeDialogs(); // an open form or explanation belongs to the screen being left
  renderHeader();
  renderLogin();
}

function renderLogin() {
  const typed = $('[data-testid="login-name"]')?.value ?? ""; // kept across a language switch
  const error = h("p", { class: "login-error", testid: "login-error", role: "alert", hidden: !state.loginMessage }, state.loginMessage);
  const name = h("input", { name: "login", autocomplete: "username", required: true, value: typed, testid: "login-name" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, testid: "login-password" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", testid: "login-submit" }, t("login"));
  const form = h(
    "form",
    { class: "card login", testid: "login-form" },
    h("h2", null, t("loginTitle")),
    h("p", { class: "muted" }, t("loginHint")),
    h("label", null, h("span", null, t("loginName")), name),
    h("label", null, h("span", null, t("password")), password),
    error,
    submit,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    login(name.value.trim(), password.value, submit, error);
  });
  fill($("#view"), form);
  name.focus();
}

async function login(loginName, password, submit, error) {
  submit.disabled = true;
  submit.textContent = t("loggingIn");
  try {
    const me = await api("login", { method: "POST", body: { login: loginName, password }, loginCall: true });
    state.me = me;
    state.loginMessage = "";
    renderHeader();
    route();
  } catch (err) {
    state.loginMessage = err.message;
    error.textContent = err.message;
    error.hidden = false;
    submit.disabled = false;
    submit.textContent = t("login");
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces: loading, period picker, export grid, figures with their explanation.

function closeDialogs() {
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
}

function showLoading() {
  fill($("#view"), h("p", { class: "loading", testid: "loading" }, t("loading")));
}

function periodPicker(period, today, onApply) {
  const from = h("input", { type: "date", value: period.from, testid: "period-from", required: true });
  const to = h("input", { type: "date", value: period.to, testid: "period-to", required: true });
  const form = h(
    "form",
    { class: "period", testid: "period" },
    h("span", { class: "period-label" }, t("period")),
    h("label", null, h("span", { class: "sr" }, t("from")), from),
    h("span", null, t("to")),
    h("label", null, h("span", { class: "sr" }, t("to")), to),
    h("button", { type: "submit", class: "btn", testid: "period-apply" }, t("apply")),
    today ? h("span", { class: "muted small" }, t("asOf", { today })) : null,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!from.value || !to.value || from.value > to.value) return banner(t("periodInvalid"));
    banner("");
    onApply({ from: from.value, to: to.value });
  });
  return form;
}

/** Anchors for every dataset × format; the cookie authenticates the download. */
function exportGrid(title, scope, prefix) {
  const rows = DATASETS.map((ds) =>
    h(
      "div",
      { class: "export-row" },
      h("span", { class: "export-name" }, t(DATASET_KEYS[ds])),
      FORMATS.map((fmt) =>
        h("a", { class: "btn btn-small", href: exportHref(ds, fmt, scope), download: true, testid: `${prefix}-${ds}-${fmt}` }, fmt.toUpperCase()),
      ),
    ),
  );
  return h("section", { class: "card exports", testid: prefix }, h("h3", null, title), h("div", { class: "export-grid" }, rows), h("p", { class: "muted small" }, t("exportsHint")));
}

/**
 * A figure's value as a button that opens its explanation. `figure` is a Figure from the API
 * (may be missing: then the value is plain text). `label` titles the explanation; `extra`, a
 * function returning nodes, adds to it what the figure alone does not say (entered items).
 */
function fig(figure, shown, label, { cls = "", testid, extra } = {}) {
  if (!figure || !figure.rule) return h("span", { class: cls, testid }, shown);
  return h("button", { type: "button", class: `fig ${cls}`, title: t("explainHint"), testid, onclick: () => explain(label, shown, figure, extra) }, shown);
}

function explain(label, shown, figure, extra) {
  const dialog = $("#explain");
  const counted = Array.isArray(figure.counted) ? figure.counted : [];
  fill(
    dialog,
    h("h3", { testid: "explain-title" }, label),
    h("p", { class: "explain-value" }, shown),
    h(
      "dl",
      null,
      h("dt", null, t("explainRule")),
      h("dd", { testid: "explain-rule" }, ruleText(figure.rule)),
      h("dt", null, t("explainPolicy")),
      h("dd", null, h("code", null, figure.rule?.policy_value ?? "")),
      h("dt", null, t("explainCode")),
      h("dd", null, h("code", null, figure.rule?.code ?? "")),
      h("dt", null, t("explainNote")),
      h("dd", { testid: "explain-note" }, figure.note ?? ""),
    ),
    extra ? extra() : null,
    counted.length
      ? h("details", null, h("summary", null, t("explainCounted", { n: counted.length })), h("p", { class: "ids" }, counted.slice(0, 500).join(", "), counted.length > 500 ? " …" : ""))
      : null,
    h("form", { method: "dialog" }, h("button", { class: "btn", testid: "explain-close" }, t("close"))),
  );
  if (dialog.open) dialog.close();
  dialog.showModal();
}

function statusBadge(status) {
  const ok = status === "ok";
  return h("span", { class: `badge ${ok ? "badge-ok" : "badge-warn"}`, testid: "status-badge" }, ok ? t("statusOk") : t("statusAttention"));
}

/** A number cell that is highlighted when it is above 0 (a count that should be 0). */
function warnCount(v) {
  return h("td", { class: `num${v > 0 ? " warn" : ""}` }, fmtNum(v));
}

// ---------------------------------------------------------------------------------------------
// County overview.

async function showOverview() {
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

/** The year the period ends in: the year entered scores and grades belong to. */
function yearOf(period) {
  return Number(String(period?.to ?? "").slice(0, 4)) || new Date().getFullYear();
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

function renderOverview(data) {
  const villages = data.villages ?? [];
  const attention = villages.filter((v) => v.status !== "ok").length;
  const tbody = h("tbody", { testid: "village-rows" });
  const filterInput = h("input", { type: "search", placeholder: t("filter"), value: state.filter.text, testid: "village-filter" });
  const onlyBox = h("input", { type: "checkbox", checked: state.filter.attentionOnly, testid: "attention-only" });
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
      h("h2", { testid: "overview-title" }, t("overviewTitle", { county: data.county?.name ?? "" })),
      h("span", { class: "muted small", testid: "computed-ms" }, t("computedMs", { ms: data.computed_ms ?? "—" })),
    ),
    periodPicker(data.period, data.today, (p) => navigate(hashFor(null, p))),
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "toolbar" },
        h("span", { testid: "overview-summary" }, t("summary", { n: villages.length, m: attention })),
        h("span", { class: "spacer" }),
        filterInput,
        h("label", { class: "check" }, onlyBox, t("attentionOnly")),
      ),
      h("div", { class: "table-wrap" }, h("table", { class: "grid", testid: "villages-table" }, overviewHead(), tbody)),
    ),
    gradesSection(yearOf(data.period)),
    exportGrid(t("exportsCounty"), {}, "export-county"),
  );
}

// ---- yearly grades (scheme A, with the county's cap on 优秀)

function gradesSection(year) {
  const section = h("section", { class: "card", testid: "grades" });
  const known = state.grades?.year === year ? state.grades : null;
  return fillGrades(section, known ?? { year, loading: true });
}

function fillGrades(section, g) {
  const head = h(
    "div",
    { class: "section-head" },
    h("h3", null, t("gradesTitle", { year: g.year })),
    g.data ? h("span", { testid: "grades-summary" }, t("gradesSummary", { n: g.data.first_secretaries ?? 0, m: g.data.scored ?? 0 })) : null,
    h("span", { class: "muted small" }, t("gradesHint")),
  );
  if (g.loading) return fill(section, head, h("p", { class: "loading" }, t("loading")));
  if (g.error) return fill(section, head, h("p", { class: "muted", testid: "grades-error" }, g.error));
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
            { class: "grid", testid: "grades-table" },
            h("thead", null, h("tr", null, h("th", null, t("gVillage")), h("th", null, t("gName")), h("th", { class: "num" }, t("gTotal")), h("th", null, t("gGrade")))),
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
  else if (state.policy?.scheme_a) shown = h("span", { testid: "grades-cap-rule" }, t("capFallback", { pct: fmtNum(state.policy.scheme_a.excellent_cap_share * 100) }));
  else return null;
  return h("p", { class: "small cap-line" }, `${t("capRule")}: `, shown);
}

function gradeRow(line) {
  const a = line.scheme_a;
  const label = `${line.village_name ?? ""} · ${line.name ?? ""}`;
  const grade = line.grade;
  return h(
    "tr",
    { testid: "grade-row", dataset: { member: line.member, grade: grade?.value ?? "", capped: line.demoted_by_cap ? "1" : "0" } },
    h("td", null, h("a", { href: hashFor(line.village), testid: "grade-village" }, line.village_name ?? "")),
    h("td", { class: "name" }, line.name ?? ""),
    h("td", { class: "num" }, a ? fig(a.total, fmtPoints(a.total?.value), `${label} · ${t("gTotal")}`, { testid: "grade-total", extra: () => schemeAParts(a) }) : h("span", { class: "muted" }, t("notEntered"))),
    h(
      "td",
      null,
      grade
        ? [
            fig(grade, gradeText(grade.value), `${label} · ${t("gGrade")}`, { cls: `badge ${GRADE_CLASS[grade.value] ?? "badge-none"}`, testid: "grade-value" }),
            line.demoted_by_cap ? h("span", { class: "badge badge-warn", title: t("cappedTip"), testid: "grade-capped" }, t("cappedMark")) : null,
          ]
        : h("span", { class: "muted", testid: "grade-none" }, t("notEntered")),
    ),
  );
}

/** The four components of a scheme A score, each with its note: the total's explanation. */
function schemeAParts(a) {
  const parts = [
    ["fResults", a.results],
    ["fEvaluation", a.evaluation],
    ["fDiscipline", a.discipline],
    ["fAssessment", a.assessment],
  ];
  return h(
    "div",
    { class: "explain-extra", testid: "explain-parts" },
    h("h4", null, t("explainParts")),
    h(
      "dl",
      null,
      parts.map(([key, f]) => [h("dt", null, t(key)), h("dd", null, h("strong", null, fmtPoints(f?.value)), f?.note ? h("span", { class: "muted" }, ` · ${f.note}`) : null)]),
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
      th("colStatus"),
    ),
  );
}

function fillVillageRows(tbody, villages) {
  const text = state.filter.text.toLowerCase();
  const shown = villages.filter(
    (v) =>
      (!state.filter.attentionOnly || v.status !== "ok") &&
      (!text || String(v.name ?? "").toLowerCase().includes(text) || String(v.township ?? "").toLowerCase().includes(text)),
  );
  if (!shown.length) {
    fill(tbody, h("tr", null, h("td", { colspan: 10, class: "empty" }, villages.length ? t("noMatch") : t("noVillages"))));
    return;
  }
  fill(tbody, shown.map(villageRow));
}

function villageRow(v) {
  const href = hashFor(v.id);
  const row = h(
    "tr",
    { class: "clickable", testid: "village-row", dataset: { villageId: v.id, villageName: v.name ?? "" } },
    h("td", null, v.township ?? ""),
    h("td", null, h("a", { href, testid: "village-link" }, v.name ?? "")),
    h("td", { class: "num" }, fmtNum(v.members)),
    h("td", { class: "num" }, `${fmtNum(v.days_with_someone)} / ${fmtNum(v.days_judged)}`),
    warnCount(v.gap_days),
    h("td", { class: `num${v.households_visited < v.households ? " warn" : ""}` }, `${fmtNum(v.households_visited)} / ${fmtNum(v.households)}`),
    warnCount(v.diary_gap_days),
    warnCount(v.unfiled_months),
    warnCount(v.members_below_min_days),
    h("td", null, statusBadge(v.status)),
  );
  row.addEventListener("click", (e) => {
    if (e.target.closest("a")) return; // the link navigates by itself
    navigate(href);
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// One village.

async function showVillage(id) {
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

function renderVillage(data) {
  const v = data.village ?? {};
  const names = new Map((data.members ?? []).map((m) => [m.id, m.name]));
  fill(
    $("#view"),
    h("a", { href: hashFor(null), class: "back", testid: "back" }, t("back")),
    h(
      "div",
      { class: "page-head" },
      h("h2", { testid: "village-title" }, v.name ?? "", h("span", { class: "muted township" }, v.township ?? "")),
    ),
    periodPicker(data.period, data.today, (p) => navigate(hashFor(v.id, p))),
    h("div", { class: "two-col" }, teamSection(data), exportGrid(t("exportsVillage"), { village: v.id }, "export-village")),
    calendarSection(data, names),
    membersSection(data),
    scoresSection(data),
    visitsSection(data),
    inspectSection(v.id),
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
    { class: "card team", testid: "team" },
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
  return h("div", { class: "stat", testid }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value), extra);
}

function dateChips(dates, testid) {
  if (!dates.length) return h("div", { class: "chips muted small", testid }, t("noneDates"));
  return h("div", { class: "chips", testid }, dates.map((d) => h("span", { class: "chip" }, d)));
}

// ---- calendar

function calendarSection(data, names) {
  const period = data.period;
  const byDate = new Map((data.calendar ?? []).map((d) => [d.date, d]));
  const legend = ["present", "leave", "gap", "unjudged"].map((s) => h("span", { class: "legend-item" }, h("span", { class: `swatch day-${s}` }), t("legend" + s[0].toUpperCase() + s.slice(1))));
  return h(
    "section",
    { class: "card" },
    h("div", { class: "section-head" }, h("h3", null, t("calendar")), h("div", { class: "legend" }, legend)),
    h("div", { class: "calendar", testid: "calendar" }, monthsBetween(period.from, period.to).map(({ y, m }) => monthGrid(y, m, byDate, period, data.today, names))),
  );
}

function monthGrid(y, m, byDate, period, today, names) {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells = t("weekdays").split(",").map((w) => h("div", { class: "wd" }, w));
  const first = isoDate(y, m, 1);
  for (let i = 0; i < weekdayIndex(first); i++) cells.push(h("div", { class: "day day-blank" }));
  for (let d = 1; d <= days; d++) cells.push(dayCell(isoDate(y, m, d), byDate, period, today, names));
  return h("div", { class: "month", testid: "cal-month" }, h("h4", null, monthTitle(y, m)), h("div", { class: "month-grid" }, cells));
}

function dayStatus(date, entry, period, today) {
  if (date < period.from || date > period.to) return "out";
  if (!entry || (today && date > today)) return "unjudged";
  if ((entry.present ?? []).length) return "present";
  if (entry.gap) return "gap";
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
  }
  return h("div", { class: `day day-${status}`, title: lines.join("\n"), testid: "cal-day", dataset: { date, status } }, String(Number(date.slice(8))));
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
      MEMBER_COLUMNS.map((k) => h("th", { class: ["mDays", "mLeave", "mDiary", "mDiaryGaps", "mDiscipline", "mTraining"].includes(k) ? "num" : "" }, t(k))),
    ),
  );
  const body = h("tbody", null, members.length ? members.map((m) => memberRow(m, data)) : h("tr", null, h("td", { colspan: MEMBER_COLUMNS.length, class: "empty" }, t("noMembers"))));
  return h(
    "section",
    { class: "card" },
    h("h3", null, t("members")),
    h("div", { class: "table-wrap" }, h("table", { class: "grid members", testid: "members-table" }, head, body)),
    sevenOnesLegend(members),
    h("p", { class: "muted small legend-line" }, t("schemeAHint")),
  );
}

const MEMBER_COLUMNS = ["mName", "mRole", "mDays", "mMet", "mLeave", "mDiary", "mDiaryGaps", "mUnfiled", "mSevenOnes", "mDiscipline", "mTraining", "mSchemeA", "mExport"];

/** What the numbers 1–7 of the seven-ones badges stand for (from the first member's rules). */
function sevenOnesLegend(members) {
  const items = members.find((m) => (m.report?.seven_ones ?? []).length)?.report.seven_ones ?? [];
  if (!items.length) return null;
  return h(
    "p",
    { class: "muted small legend-line", testid: "seven-ones-legend" },
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
  return h(
    "tr",
    { testid: "member-row", dataset: { memberId: m.id, role: m.role ?? "", diaryDays: r.diary_days?.value ?? 0 } },
    h("td", { class: "name" }, name),
    h("td", { class: "nowrap" }, roleText(m)),
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
        m.demoted_by_cap ? h("span", { class: "badge badge-warn", title: t("cappedTip"), testid: "scheme-a-capped" }, t("cappedMark")) : null,
      ]
    : [h("span", { class: "muted", testid: "scheme-a-none" }, t("notEntered")), hasInputs(m.inputs) ? h("span", { class: "muted small" }, ` (${t("partlyEntered")})`) : null];
  const button = state.policy
    ? h("button", { type: "button", class: "btn btn-small", testid: "score-entry", onclick: () => openYearEntry(data, m) }, t("enterScores"))
    : null;
  return h("td", { class: "scheme-a" }, h("div", { class: "scheme-a-value" }, value), button);
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
    { class: "duties", testid: "seven-ones" },
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
    { class: "member-export", testid: "member-export" },
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
            return h("a", { class: "btn btn-small", href, download: true, testid: `export-member-${ds}-${fmt}` }, fmt.toUpperCase());
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
      return h("tr", { testid: "score-row", dataset: { memberId: m.id } }, h("td", { class: "name" }, m.name ?? ""), months.map((mo) => scoreCell(data, m, byMonth.get(mo), mo)));
    }),
  );
  return h(
    "section",
    { class: "card" },
    h("div", { class: "section-head" }, h("h3", null, t("scores")), h("span", { class: "muted small" }, t("scoresHint"))),
    h("div", { class: "table-wrap" }, h("table", { class: "grid scores", testid: "scores-table" }, head, body)),
  );
}

function scoreCell(data, member, month, mo) {
  if (!month) return h("td", { class: "num muted" }, "—");
  const score = month.score?.value;
  const cut = month.allowance_cut ? month.allowance_cut.value === true : typeof score === "number" && score < 8;
  const tip = t("monthTip", { d: fmtNum(month.days_in_village), dd: fmtNum(month.diary_days), g: fmtNum(month.diary_gaps) });
  const label = `${member.name ?? ""} · ${mo}`;
  const items = month.items ?? [];
  const edit = state.policy
    ? h(
        "button",
        { type: "button", class: `month-edit${items.length ? " has-items" : ""}`, title: t("editMonth"), "aria-label": `${label} · ${t("editMonth")}`, testid: "month-edit", onclick: () => openMonthEntry(data, member, month) },
        items.length ? `✎${items.length}` : "✎",
      )
    : null;
  return h(
    "td",
    { class: `num${cut ? " cut" : ""}`, title: tip, testid: "score-cell", dataset: { cut: cut ? "1" : "0", month: mo, items: items.length } },
    fig(month.score, fmtNum(score), `${label} · ${t("scores")}`, { testid: "month-score", extra: () => monthItemsList(items) }),
    edit,
    cut ? h("div", null, fig(month.allowance_cut, t("allowanceCut"), `${label} · ${t("allowanceCut")}`, { cls: "cut-mark" })) : null,
  );
}

/** The items entered for a month, for its score's explanation (names from the policy). */
function monthItemsList(items) {
  const catalogue = new Map((state.policy?.scheme_b?.items ?? []).map((i) => [i.code, i]));
  return h(
    "div",
    { class: "explain-extra", testid: "explain-items" },
    h("h4", null, t("explainItems")),
    items.length
      ? h(
          "ul",
          null,
          items.map((x) =>
            h(
              "li",
              { testid: "explain-item", dataset: { code: x.code } },
              h("strong", null, catalogue.has(x.code) ? itemName(catalogue.get(x.code)) : x.code),
              ` × ${fmtNum(x.times)}`,
              (x.evidence ?? []).length ? h("span", { class: "muted" }, ` · ${x.evidence.join(lang === "en" ? "; " : ";")}`) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, t("explainNoItems")),
  );
}

// ---- what county staff enter: the forms (one <dialog>, #entry, for both)

/** Scheme B's item that the diary decides by itself: applied by the server, never entered. */
const DERIVED_ITEM = "diary_missing";

/**
 * Opens the entry dialog with a form. `collect()` reads the controls and returns `{body}` or
 * `{error}`; the body is PUT to `path`. On success the dialog closes and the village reloads
 * (the server recomputes every figure); on an error the server's message stays in the form,
 * whose values are kept so they can be corrected. The form is `novalidate`: the county's
 * policy, on the server, is the one judge of what is in range.
 */
function openEntry({ title, testid, controls, collect, path, villageId }) {
  const dialog = $("#entry");
  const error = h("p", { class: "entry-error", testid: "entry-error", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "btn btn-primary", testid: "entry-save" }, t("save"));
  const cancel = h("button", { type: "button", class: "btn", testid: "entry-cancel", onclick: () => dialog.close() }, t("cancel"));
  const showError = (message) => {
    error.textContent = message;
    error.hidden = false;
  };
  const form = h("form", { class: "entry-form", testid, novalidate: true }, h("h3", { testid: "entry-title" }, title), controls, error, h("div", { class: "entry-actions" }, cancel, save));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const collected = collect();
    if (collected.error) return showError(collected.error);
    error.hidden = true;
    save.disabled = true;
    save.textContent = t("saving");
    try {
      await api(path, { method: "PUT", body: collected.body });
      dialog.close();
      showVillage(villageId);
    } catch (err) {
      if (!err.handled) showError(err.message);
    } finally {
      save.disabled = false;
      save.textContent = t("save");
    }
  });
  fill(dialog, form);
  closeDialogs();
  dialog.showModal();
}

/**
 * A labelled number input. `read()` gives `{value}` (null when empty: not entered) or
 * `{error}` when the browser could not read what was typed as a number.
 */
function numberField(label, hint, value, { min, max, step, testid }) {
  const input = h("input", { type: "number", min, max, step, value: value ?? "", testid, class: "narrow" });
  return {
    node: h("label", { class: "entry-field" }, h("span", { class: "entry-label" }, label), input, h("span", { class: "muted small" }, hint)),
    read() {
      if (input.validity.badInput) return { error: t("badNumber", { field: label }) };
      return { value: input.value === "" ? null : Number(input.value) };
    },
  };
}

function memberPath(villageId, memberId, tail) {
  return `village/${encodeURIComponent(villageId)}/member/${encodeURIComponent(memberId)}/${tail}`;
}

/** Scheme A's entered components, training days and seven ones for the period's year. */
function openYearEntry(data, member) {
  const policy = state.policy ?? {};
  const a = policy.scheme_a ?? {};
  const year = yearOf(data.period);
  const inputs = member.inputs ?? {};
  const points = [
    ["results", "fResults", a.results],
    ["evaluation", "fEvaluation", a.evaluation],
    ["assessment", "fAssessment", a.assessment],
  ].map(([key, label, max]) => ({ key, ...numberField(t(label), t("maxPoints", { max: fmtNum(max) }), inputs[key], { min: 0, max, step: 0.5, testid: `entry-${key}` }) }));
  const training = {
    key: "training_days",
    ...numberField(t("fTraining"), t("trainingReq", { n: fmtNum(policy.min_training_days_per_year) }), inputs.training_days, { min: 0, max: 366, step: 1, testid: "entry-training" }),
  };
  const duties = policy.seven_ones ?? [];
  // Only the items the records cannot decide are entered; the server refuses the others.
  const selects = duties.filter((i) => !i.derive).map((item) => dutySelect(item, inputs.seven_ones?.[item.code]));
  const derived = duties.filter((i) => i.derive).map(itemName);
  const controls = [
    h("p", { class: "muted small" }, t("entryYearHint")),
    h("div", { class: "entry-grid" }, points.map((f) => f.node), training.node),
    h(
      "fieldset",
      { class: "entry-seven" },
      h("legend", null, t("sevenEntered")),
      h("div", { class: "entry-grid" }, selects.map((x) => x.node)),
      derived.length ? h("p", { class: "muted small" }, t("sevenDerived", { items: derived.join(lang === "en" ? ", " : "、") })) : null,
    ),
  ];
  const collect = () => {
    const body = {};
    for (const f of [...points, training]) {
      const r = f.read();
      if (r.error) return r;
      if (r.value != null) body[f.key] = r.value; // left empty: not entered, so left out
    }
    const seven = {};
    for (const x of selects) if (x.select.value !== "") seven[x.code] = x.select.value === "done";
    if (Object.keys(seven).length) body.seven_ones = seven;
    return { body };
  };
  openEntry({
    title: t("entryYearTitle", { name: member.name ?? "", year }),
    testid: "year-entry-form",
    controls,
    collect,
    path: memberPath(data.village?.id, member.id, `year/${year}`),
    villageId: data.village?.id,
  });
}

/** Three states for a seven-ones item: done, not done, not entered (`value` true/false/absent). */
function dutySelect(item, value) {
  const current = value === true ? "done" : value === false ? "not_done" : "";
  const option = (v, key) => h("option", { value: v, selected: v === current }, t(key));
  const select = h("select", { testid: `entry-seven-${item.code}`, dataset: { code: item.code } }, option("", "optNotEntered"), option("done", "optDone"), option("not_done", "optNotDone"));
  return { code: item.code, select, node: h("label", { class: "entry-field" }, h("span", { class: "entry-label" }, itemName(item)), select) };
}

/** Scheme B's items for one member's month: times and evidence per item of the catalogue. */
function openMonthEntry(data, member, month) {
  const policy = state.policy ?? {};
  const mo = monthText(month.month);
  const catalogue = policy.scheme_b?.items ?? [];
  const current = new Map((month.items ?? []).map((x) => [x.code, x]));
  const rows = catalogue.filter((i) => i.code !== DERIVED_ITEM).map((item) => itemRow(item, current.get(item.code)));
  const dropped = (month.items ?? []).filter((x) => !rows.some((r) => r.code === x.code)).map((x) => x.code);
  const derived = catalogue.find((i) => i.code === DERIVED_ITEM);
  const controls = [
    h("p", { class: "muted small" }, t("entryMonthHint")),
    h(
      "table",
      { class: "grid compact entry-items" },
      h("thead", null, h("tr", null, h("th", null, t("itemCol")), h("th", { class: "num" }, t("itemTimes")), h("th", null, t("itemEvidence")))),
      h("tbody", null, rows.map((r) => r.node)),
    ),
    derived && month.diary_gaps > 0 ? h("p", { class: "muted small", testid: "entry-derived" }, t("derivedItem", { name: itemName(derived), n: month.diary_gaps })) : null,
    dropped.length ? h("p", { class: "warn small" }, t("droppedItems", { items: dropped.join(", ") })) : null,
  ];
  const collect = () => {
    const items = [];
    for (const r of rows) {
      const x = r.read();
      if (x.error) return x;
      if (x.item) items.push(x.item);
    }
    return { body: { items } }; // an empty list clears the month
  };
  openEntry({
    title: t("entryMonthTitle", { name: member.name ?? "", month: mo }),
    testid: "month-entry-form",
    controls,
    collect,
    path: memberPath(data.village?.id, member.id, `month/${mo}`),
    villageId: data.village?.id,
  });
}

function kindText(item) {
  const p = fmtNum(item.points);
  if (item.kind === "bonus") return t("kindBonus", { p });
  if (item.kind === "deduction") return t("kindDeduction", { p });
  return t("kindVeto");
}

/** One catalogue item: `read()` gives `{item}` when it applied (times > 0), `{}` when not. */
function itemRow(item, entered) {
  const kindClass = { bonus: "badge-ok", deduction: "badge-warn", veto: "badge-bad" }[item.kind] ?? "badge-none";
  const times = h("input", { type: "number", min: 0, max: 31, step: 1, value: entered?.times ?? "", testid: `item-times-${item.code}`, class: "narrow" });
  const evidence = h("textarea", { rows: 1, testid: `item-evidence-${item.code}` });
  evidence.value = (entered?.evidence ?? []).join("\n");
  return {
    code: item.code,
    node: h(
      "tr",
      { testid: "entry-item", dataset: { code: item.code } },
      h("td", null, h("div", null, itemName(item)), h("span", { class: `badge ${kindClass}` }, kindText(item))),
      h("td", { class: "num" }, times),
      h("td", null, evidence),
    ),
    read() {
      if (times.validity.badInput) return { error: t("badNumber", { field: `${itemName(item)} · ${t("itemTimes")}` }) };
      const n = times.value === "" ? 0 : Number(times.value);
      if (n === 0) return {};
      // The server wants `evidence` present, even empty.
      const lines = evidence.value.split("\n").map((l) => l.trim()).filter(Boolean);
      return { item: { code: item.code, times: n, evidence: lines } };
    },
  };
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
        { class: "grid compact", testid: "not-visited" },
        h("thead", null, h("tr", null, h("th", null, t("hHead")), h("th", null, t("hGroup")))),
        h("tbody", null, missing.map((x) => h("tr", null, h("td", null, x.head ?? ""), h("td", null, x.group ?? "")))),
      )
    : h("p", { class: "muted", testid: "not-visited" }, households.length ? t("allVisited") : t("noHouseholds"));
  return h(
    "section",
    { class: "card", testid: "visits" },
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
        { class: "grid compact", testid: "households-table" },
        h("thead", null, h("tr", null, h("th", null, t("hHead")), h("th", null, t("hGroup")), h("th", { class: "num" }, t("hVisits")), h("th", null, t("hLast")))),
        h("tbody", null, rows),
      ),
    ),
  );
}

// ---- random inspection (随机查)

function inspectSection(villageId) {
  const n = h("input", { type: "number", min: 1, max: 100, value: state.sample?.n ?? 5, testid: "sample-n", class: "narrow" });
  const seed = h("input", { type: "number", min: 0, placeholder: t("seedPlaceholder"), testid: "sample-seed-input", class: "narrow" });
  const result = h("div", { class: "sample", testid: "sample-result", hidden: !state.sample });
  const draw = (kind, seedValue) => drawSample(villageId, kind, Number(n.value) || 5, seedValue, result, draw);
  if (state.sample) renderSample(result, state.sample, draw);
  return h(
    "section",
    { class: "card", testid: "inspect" },
    h("div", { class: "section-head" }, h("h3", null, t("inspect")), h("span", { class: "muted small" }, t("inspectHint"))),
    h(
      "div",
      { class: "toolbar" },
      h("label", null, t("sampleN"), " ", n),
      h("label", null, t("sampleSeed"), " ", seed),
      h("button", { type: "button", class: "btn btn-primary", testid: "sample-diary", onclick: () => draw("diary", seed.value) }, t("sampleDiary")),
      h("button", { type: "button", class: "btn btn-primary", testid: "sample-households", onclick: () => draw("households", seed.value) }, t("sampleHouseholds")),
    ),
    result,
  );
}

/** Draws a sample and shows it in `result`; `draw(kind, seed)` is what its buttons call. */
async function drawSample(villageId, kind, n, seed, result, draw) {
  const ticket = state.ticket;
  try {
    result.hidden = false;
    fill(result, h("p", { class: "loading" }, t("loading")));
    const data = await api(`village/${encodeURIComponent(villageId)}/sample`, { params: { kind, n, seed, ...periodParams() } });
    if (ticket !== state.ticket) return;
    state.sample = { kind: data.kind ?? kind, n, seed: data.seed, items: data.items ?? [] };
    renderSample(result, state.sample, draw);
  } catch (err) {
    if (ticket === state.ticket) {
      result.hidden = true;
      report(err);
    }
  }
}

function renderSample(result, sample, draw) {
  const title = sample.kind === "households" ? t("sampleHouseholds") : t("sampleDiary");
  result.hidden = false;
  fill(
    result,
    h(
      "div",
      { class: "sample-head" },
      h("strong", null, title),
      h("span", { class: "muted" }, t("sampleCount", { n: sample.items.length })),
      h("span", null, `${t("seed")}: `, h("code", { testid: "sample-seed" }, String(sample.seed ?? ""))),
      h("button", { type: "button", class: "btn btn-small", testid: "sample-again", onclick: () => draw(sample.kind, "") }, t("sampleAgain")),
      h("button", { type: "button", class: "btn btn-small", testid: "sample-reproduce", onclick: () => draw(sample.kind, String(sample.seed)) }, t("sampleReproduce")),
    ),
    !sample.items.length ? h("p", { class: "muted", testid: "sample-empty" }, t("noItems")) : sample.kind === "households" ? householdSample(sample.items) : diarySample(sample.items),
  );
}

function diarySample(items) {
  return h(
    "table",
    { class: "grid", testid: "sample-items" },
    h("thead", null, h("tr", null, h("th", null, t("dDate")), h("th", null, t("dMember")), h("th", null, t("dText")))),
    h(
      "tbody",
      null,
      items.map((x) =>
        h(
          "tr",
          { testid: "sample-item", dataset: { id: x.id } },
          h("td", { class: "nowrap" }, x.date ?? ""),
          h("td", { class: "nowrap" }, x.member_name ?? x.member ?? ""),
          h("td", { class: "text" }, x.text ?? ""),
        ),
      ),
    ),
  );
}

function householdSample(items) {
  return h(
    "div",
    { class: "hh-sample", testid: "sample-items" },
    items.map((x) =>
      h(
        "div",
        { class: "hh", testid: "sample-item", dataset: { id: x.id } },
        h("div", { class: "hh-head" }, h("strong", null, x.head ?? ""), h("span", { class: "muted" }, x.group ?? "")),
        (x.visits ?? []).length ? h("ul", null, x.visits.map(visitLine)) : h("p", { class: "muted small" }, t("notVisitedYet")),
      ),
    ),
  );
}

function visitLine(vi) {
  const findings = vi.findings ? [" · ", h("span", { class: "text" }, vi.findings)] : null;
  return h("li", null, h("span", { class: "nowrap" }, vi.date ?? ""), " · ", h("span", null, vi.member_name ?? ""), findings);
}

// ---------------------------------------------------------------------------------------------
// Start: who is logged in? Then the route in the hash.

async function boot() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  renderHeader();
  window.addEventListener("hashchange", route);
  try {
    const res = await fetch("api/me", { credentials: "same-origin" });
    if (res.ok) {
      state.me = await res.json();
      renderHeader();
      route();
    } else {
      showLogin("");
    }
  } catch {
    showLogin(t("networkError"));
  }
}

boot();
