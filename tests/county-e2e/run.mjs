// Browser end-to-end test of the county web page (/county/) against a running server: logs in
// as county staff in Debian's Chromium (driven by playwright-core), checks the overview, opens
// a village (members table, calendar, an explained figure, the village's own ledger and its
// exports, a random diary inspection with its seed, a visit's photo: thumbnail and full image), enters a first secretary's yearly scores (an out-of-range value first: the server's
// message must show) and one month's scheme B item, downloads the village attendance CSV and
// scores XLSX and checks what is inside them, switches to English, checks that a lost session
// goes back to the log-in screen, checks the overview's yearly grades, takes the README's
// screenshots and logs out. Run by scripts/county-e2e.sh against the real server, and by
// mock-e2e.mjs against the mock. The scores it enters stay in the server's database.
//
// Env: TAIZHANG_SERVER (base URL, required), COUNTY_LOGIN, COUNTY_PASSWORD (required),
// TOWNSHIP_LOGIN, TOWNSHIP_PASSWORD (optional: also the township's screen, see township()),
// EXPECT_VILLAGES (minimum villages in the overview, default 1), VILLAGE_NAME (default: the
// first row), CHROMIUM (default /usr/bin/chromium), MOCK=1 (screenshots go to SHOTS or
// /tmp/county-e2e-mock instead of docs/screenshots: the committed ones come from the real
// server), COUNTY_PAGE_FROM_DISK=1 (serve index.html, app.css and the modules in js/ from
// crates/taizhang-county-web/assets/ instead of the copies compiled into the server, keeping the server's
// headers: for testing page edits against a server built before them).

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MOCK = process.env.MOCK === "1";
const SHOTS = resolve(process.env.SHOTS ?? (MOCK ? "/tmp/county-e2e-mock" : join(REPO, "docs/screenshots")));
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 30000);
const ATTENDANCE_HEADER = "县,乡镇,村,队员,角色,日期,在村,最早到村打卡,请假,考勤状态,记录编号";
const PROJECTS_HEADER = "县,乡镇,村,项目名称,项目类型,状态,集体自筹(元),财政投入(元),党费补贴(元),城乡统筹(元),资金合计(元),受益户数,受益农户,开工日期,进展,办结日期,结果,关联承诺事项,其中待办,记录人,记录编号";
const SITUATION_HEADER = "县,乡镇,村,年度,填写情况,户籍人口,户数,农户档案登记户数,党员人数,村两委人数,村两委成员,村集体经济收入(元),集体收入来源,农民人均可支配收入(元),主导产业,道路,饮水,网络/通信,主要问题,最后修改人";
const PAGE_DIR = join(REPO, "crates/taizhang-county-web/assets");
// The page's files by URL path: the frame, the style sheet and every ES module in js/.
const PAGE_FILES = {
  "/county/": "index.html",
  "/county/app.css": "app.css",
  ...Object.fromEntries(readdirSync(join(PAGE_DIR, "js")).filter((f) => f.endsWith(".js")).map((f) => [`/county/js/${f}`, `js/${f}`])),
};
const GRADE_NAMES = ["优秀", "称职", "基本称职", "不称职"];

const log = (...a) => console.log("[county-e2e]", ...a);

function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (v == null || v === "") throw new Error(`set ${name} (see the header of tests/county-e2e/run.mjs)`);
  return v;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// A minimal zip reader (central directory + stored/deflated entries), enough to open an XLSX.

function unzip(buf) {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  check(end >= 0, "xlsx: no zip end-of-central-directory record");
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  check(count !== 0xffff && p !== 0xffffffff, "xlsx: zip64 archives are not read by this test");
  const files = new Map();
  for (let k = 0; k < count; k++) {
    check(buf.readUInt32LE(p) === 0x02014b50, `xlsx: bad central directory entry ${k}`);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    check(buf.readUInt32LE(local) === 0x04034b50, `xlsx: bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    check(method === 0 || method === 8, `xlsx: ${name} uses compression method ${method}`);
    files.set(name, method === 0 ? Buffer.from(raw) : inflateRawSync(raw));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Steps.

async function download(page, testid) {
  const link = page.getByTestId(testid);
  const [dl] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT }), link.click()]);
  const failure = await dl.failure();
  check(!failure, `download ${testid} failed: ${failure}`);
  const path = await dl.path();
  log(`downloaded ${dl.suggestedFilename()} (${testid})`);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

function checkAttendanceCsv({ name, bytes }, villageName) {
  check(name.endsWith(".csv"), `attendance export is named ${name}, not *.csv`);
  check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, "attendance CSV does not start with a UTF-8 BOM");
  const lines = bytes.subarray(3).toString("utf8").split(/\r?\n/).filter((l) => l !== "");
  check(lines[0] === ATTENDANCE_HEADER, `attendance CSV header is\n  ${lines[0]}\nexpected\n  ${ATTENDANCE_HEADER}`);
  check(lines.length > 1, "attendance CSV has no data row");
  check(lines.slice(1).some((l) => l.includes(villageName)), `attendance CSV rows do not mention the village ${villageName}`);
  log(`attendance CSV: ${lines.length - 1} rows`);
}

function checkScoresXlsx({ name, bytes }) {
  check(name.endsWith(".xlsx"), `scores export is named ${name}, not *.xlsx`);
  check(bytes[0] === 0x50 && bytes[1] === 0x4b, "scores XLSX is not a zip (does not start with PK)");
  const files = unzip(bytes);
  const xml = [...files].filter(([n]) => n === "xl/sharedStrings.xml" || /^xl\/worksheets\/[^/]+\.xml$/.test(n)).map(([, b]) => b.toString("utf8"));
  check(xml.length > 0, `scores XLSX has no sharedStrings.xml or sheet: ${[...files.keys()].join(", ")}`);
  check(xml.some((x) => x.includes("驻村天数")), "scores XLSX does not contain the column 驻村天数");
  check(xml.some((x) => x.includes("等次")), "scores XLSX does not contain the column 等次 (scheme A grade)");
  log(`scores XLSX: ${files.size} parts`);
}

async function login(page, user, password) {
  await page.getByTestId("login-form").waitFor();
  // A wrong password first: the server's message must be shown.
  await page.getByTestId("login-name").fill(user);
  await page.getByTestId("login-password").fill(password + "-wrong");
  await page.getByTestId("login-submit").click();
  const error = page.getByTestId("login-error");
  await error.waitFor({ state: "visible" });
  const message = (await error.textContent()).trim();
  check(message.length > 0, "a wrong password shows no message");
  log(`wrong password → "${message}"`);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("villages-table").waitFor();
}

async function checkOverview(page, minVillages) {
  const rows = page.getByTestId("village-row");
  await rows.first().waitFor();
  const n = await rows.count();
  check(n >= minVillages, `the overview lists ${n} villages, expected at least ${minVillages}`);
  const badges = await page.getByTestId("status-badge").count();
  check(badges === n, `${n} villages but ${badges} status badges`);
  const from = await page.getByTestId("period-from").inputValue();
  const to = await page.getByTestId("period-to").inputValue();
  check(/^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to), `the period picker shows "${from}" / "${to}"`);
  check((await page.getByTestId("export-county-attendance-csv").getAttribute("href")).startsWith("api/export?"), "county export links are not relative api/export links");
  // The flag in three tiers: every badge says 正常, 提醒 or 需关注 (its tier in data-status).
  const tiers = await page.getByTestId("status-badge").evaluateAll((bs) => bs.map((b) => [b.dataset.status, b.textContent.trim()]));
  const words = { normal: ["正常", "Normal"], ok: ["正常", "Normal"], notice: ["提醒", "Notice"], attention: ["需关注", "Needs attention"] };
  for (const [tier, text] of tiers) check((words[tier] ?? []).includes(text), `a status badge of tier "${tier}" says "${text}"`);
  const summary = (await page.getByTestId("overview-summary").textContent()) ?? "";
  check(summary.includes("需关注") && summary.includes("提醒"), `the overview summary names the tiers: "${summary}"`);
  check((await page.getByTestId("absence-days").count()) === n, "not every village shows its days absent without leave");
  check((await page.getByTestId("unknown-days").count()) === n, "not every village shows its unknown (not synced) days");
  const counted = tiers.reduce((c, [tier]) => ({ ...c, [tier]: (c[tier] ?? 0) + 1 }), {});
  log(`overview: ${n} villages, period ${from} to ${to}; flags ${JSON.stringify(counted)}`);
}

async function openVillage(page, wanted) {
  const rows = page.getByTestId("village-row");
  const names = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.villageName));
  const index = wanted ? names.indexOf(wanted) : 0;
  check(index >= 0, `no village named ${wanted} in the overview (${names.join(", ")})`);
  const name = names[index];
  await rows.nth(index).getByTestId("village-link").click();
  await page.getByTestId("members-table").waitFor();
  const title = (await page.getByTestId("village-title").textContent()) ?? "";
  check(title.includes(name), `the village screen is titled "${title}", expected ${name}`);
  log(`opened ${name}`);
  return name;
}

async function checkVillage(page) {
  const members = await page.getByTestId("member-row").count();
  check(members >= 1, "the members table has no row");
  const days = await page.getByTestId("cal-day").count();
  check(days >= 28, `the calendar has ${days} day cells`);
  const judged = await page.locator('[data-testid="cal-day"]:not([data-status="unjudged"]):not([data-status="out"])').count();
  check(judged >= 1, "no calendar day is judged (present / leave / gap)");
  check((await page.getByTestId("seven-ones").count()) === members, "not every member has the seven ones");
  check((await page.getByTestId("score-row").count()) === members, "not every member has a row of monthly scores");
  // Every figure is explainable: open one explanation and close it.
  await page.getByTestId("fig-days-with-someone").click();
  const dialog = page.getByTestId("explain-dialog");
  await dialog.waitFor({ state: "visible" });
  check(((await page.getByTestId("explain-rule").textContent()) ?? "").trim().length > 0, "the explanation shows no rule");
  await page.getByTestId("explain-close").click();
  await dialog.waitFor({ state: "hidden" });
  // Freshness: each member's last sync is shown (a date-time, or "never synced"), and the
  // calendar's legend has 未同步 apart from 无人在村.
  const syncs = await page.getByTestId("last-sync").evaluateAll((cs) => cs.map((c) => c.textContent.trim()));
  check(syncs.length === members, `${members} members but ${syncs.length} last-sync cells`);
  check(syncs.every((s) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(s) || s.startsWith("未同步过") || s.startsWith("never synced")), `last-sync cells: ${syncs.join(" | ")}`);
  check((await page.getByTestId("legend-unknown").count()) === 1 && (await page.getByTestId("legend-gap").count()) === 1, "the calendar legend lacks 未同步 or 无人在村");
  check((await page.getByTestId("member-absence").count()) === members, "not every member shows days absent without leave");
  const unknownDays = await page.locator('[data-testid="cal-day"][data-status="unknown"]').count();
  log(`village: ${members} members, ${days} calendar days (${judged} judged, ${unknownDays} not synced), last syncs ${syncs.join(" | ")}`);
  // Evidence strength (issue 17): every member has a row, every day a strength, a click lists
  // the day's records with their times and place.
  await page.getByTestId("evidence-member").first().waitFor();
  check((await page.getByTestId("evidence-member").count()) === members, "not every member has an evidence row");
  const strengths = await page.getByTestId("evidence-day").evaluateAll((ds) => ds.map((d) => d.dataset.strength));
  check(strengths.length > 0 && strengths.every((s) => ["timely", "backfilled", "doubtful"].includes(s)), `evidence days: ${strengths.slice(0, 5)}`);
  await page.getByTestId("evidence-day").first().click();
  check((await page.getByTestId("evidence-record").count()) > 0, "a day's evidence lists its records");
  // The record's origin: the demo county's records were seeded by the server (no enrolled
  // device), so the page says so in words rather than claiming a signature.
  await page.getByTestId("evidence-origin-show").first().click();
  const origin = page.getByTestId("evidence-origin-detail").first();
  await origin.waitFor();
  const sig = await origin.getAttribute("data-signature");
  check(["verified", "unsigned", "unknown_device"].includes(sig), `origin signature state: ${sig}`);
  check((await origin.innerText()).includes("服务器首次收到"), "the origin shows when the server first saw the record");
  await page.getByTestId("evidence").screenshot({ path: join(SHOTS, "county-evidence.png") });
  const counted = {};
  for (const s of strengths) counted[s] = (counted[s] ?? 0) + 1;
  log(`evidence: ${strengths.length} member-days ${JSON.stringify(counted)}`);
  // Issue 21: county staff see the team's devices panel — its list with a wipe button per
  // device, or that no device is enrolled (the mock has no devices API: its error stays in the panel).
  await page.getByTestId("devices").waitFor();
  if (!MOCK) {
    await page.locator('[data-testid="devices-list"] table, [data-testid="devices-list"] p.muted').first().waitFor();
    const devices = await page.locator('[data-testid^="device-"][data-state]').count();
    log(`devices panel: ${devices} device(s)`);
  }
  return members;
}

// The village's own ledger (村级工作台账, issue 22): its projects and meetings, attendance
// nobody counted shown as unknown (never 0), and the exports 项目台账 (CSV) and 会议记录 (XLSX)
// with their Chinese headers.
async function checkLedger(page, villageName) {
  const section = page.getByTestId("ledger");
  await section.waitFor();
  await section.locator('[data-testid="ledger-projects"]').waitFor();
  const projects = await page.getByTestId("ledger-project").count();
  const meetings = await page.getByTestId("ledger-meeting").count();
  check(projects > 0 && meetings > 0, `the ledger of ${villageName} shows ${projects} projects and ${meetings} meetings (the demo county generates both)`);
  const states = await page.getByTestId("ledger-project").evaluateAll((rs) => rs.map((r) => r.dataset.state));
  check(states.every((s) => ["planned", "underway", "done", "dropped"].includes(s)), `project states: ${states}`);
  const sources = await section.locator('[data-testid="ledger-project"]').first().getByTestId("ledger-funding").count();
  check(sources === 4, `a project shows ${sources} funding sources, not seed 001's four`);
  const attendance = await page.getByTestId("ledger-attendance").evaluateAll((cs) => cs.map((c) => [c.dataset.known, c.textContent.trim()]));
  check(
    attendance.every(([known, text]) => (known === "1" ? /^[1-9]\d*$/.test(text) : !/\d/.test(text) && text.length > 0)),
    `attendance cells (unknown must be words, never 0): ${JSON.stringify(attendance)}`,
  );
  const csvFile = await download(page, "export-ledger-projects-csv");
  check(csvFile.name.endsWith(".csv") && csvFile.name.includes("projects"), `projects export is named ${csvFile.name}`);
  check(csvFile.bytes[0] === 0xef && csvFile.bytes[1] === 0xbb && csvFile.bytes[2] === 0xbf, "projects CSV does not start with a UTF-8 BOM");
  const lines = csvFile.bytes.subarray(3).toString("utf8").split(/\r?\n/).filter((l) => l !== "");
  check(lines[0] === PROJECTS_HEADER, `projects CSV header is\n  ${lines[0]}\nexpected\n  ${PROJECTS_HEADER}`);
  check(lines.length - 1 === projects, `projects CSV has ${lines.length - 1} rows, the page ${projects}`);
  const xlsxFile = await download(page, "export-ledger-meetings-xlsx");
  check(xlsxFile.name.endsWith(".xlsx") && xlsxFile.bytes[0] === 0x50 && xlsxFile.bytes[1] === 0x4b, `meetings export ${xlsxFile.name} is not an XLSX`);
  const xml = [...unzip(xlsxFile.bytes)].filter(([n]) => n === "xl/sharedStrings.xml" || /^xl\/worksheets\/[^/]+\.xml$/.test(n)).map(([, b]) => b.toString("utf8"));
  for (const col of ["主持/主讲", "参加人数", "议题", "决定事项"]) check(xml.some((x) => x.includes(col)), `meetings XLSX lacks the column ${col}`);
  // The village situation (村情) as CSV: a row per year of the period, the period's own year
  // filled in (the demo county generates it), a count not entered left empty, never 0.
  const situationFile = await download(page, "export-ledger-situation-csv");
  check(situationFile.name.endsWith(".csv") && situationFile.name.includes("situation"), `situation export is named ${situationFile.name}`);
  const sLines = situationFile.bytes.subarray(3).toString("utf8").split(/\r?\n/).filter((l) => l !== "");
  check(sLines[0] === SITUATION_HEADER, `situation CSV header is\n  ${sLines[0]}\nexpected\n  ${SITUATION_HEADER}`);
  check(sLines.length >= 2 && sLines.slice(1).every((l) => l.includes(villageName)), `situation CSV rows: ${sLines.slice(1).join(" | ")}`);
  const plansFile = await download(page, "export-ledger-plans-xlsx");
  const plansXml = [...unzip(plansFile.bytes)].filter(([n]) => n === "xl/sharedStrings.xml" || /^xl\/worksheets\/[^/]+\.xml$/.test(n)).map(([, b]) => b.toString("utf8"));
  for (const col of ["事项/签订单位", "目标/指标", "完成时限"]) check(plansXml.some((x) => x.includes(col)), `plans XLSX lacks the column ${col}`);
  // The village situation (村情) of the period's year beside the year before, and the plans
  // covering the year (the demo county generates both): a part not entered says so in words.
  const situation = section.getByTestId("ledger-situation");
  check((await situation.getAttribute("data-entered")) === "1", `the situation of ${villageName} is shown as entered`);
  const parts = await situation.getByTestId("ledger-situation-row").evaluateAll((rs) => rs.map((r) => [r.dataset.part, r.children[1].textContent.trim()]));
  check(parts.length === 12, `the situation shows ${parts.length} parts, not 12`);
  check(parts.every(([, text]) => text.length > 0), `every part shows a value or words: ${JSON.stringify(parts)}`);
  const income = parts.find(([p]) => p === "sCollectiveIncome")?.[1] ?? "";
  check(/\d/.test(income), `the collective income shows a figure: ${income}`);
  const perHead = parts.find(([p]) => p === "sIncomePerHead")?.[1] ?? "";
  check(!/\d/.test(perHead), `income per head, not entered, is words, never 0: ${perHead}`);
  const plans = await section.getByTestId("ledger-plan").evaluateAll((rs) => rs.map((r) => [r.dataset.kind, r.dataset.state]));
  check(plans.some(([k]) => k === "three_year") && plans.some(([k]) => k === "yearly") && plans.some(([k]) => k === "letter"), `plans of every kind: ${JSON.stringify(plans)}`);
  const standing = (await section.getByTestId("ledger-plan-standing").textContent()).trim();
  check(standing.includes("已签订工作目标责任书"), `the plan's standing names the letter: ${standing}`);
  await situation.screenshot({ path: join(SHOTS, "county-village-situation.png") });
  await section.screenshot({ path: join(SHOTS, "county-village-ledger.png") });
  log(`village ledger: ${projects} projects (${states.join(" ")}), ${meetings} meetings, ${plans.length} plan items (${standing}); projects CSV, meetings XLSX, situation CSV (${sLines.length - 1} rows) and plans XLSX checked`);
}

async function inspectDiary(page) {
  const diaryDays = await page.getByTestId("member-row").evaluateAll((rows) => rows.reduce((s, r) => s + Number(r.dataset.diaryDays || 0), 0));
  await page.getByTestId("sample-diary").click();
  const seed = page.getByTestId("sample-seed");
  await seed.waitFor();
  const seedText = ((await seed.textContent()) ?? "").trim();
  check(/^\d+$/.test(seedText), `the diary sample shows seed "${seedText}"`);
  const ids = () => page.getByTestId("sample-item").evaluateAll((els) => els.map((e) => e.dataset.id));
  const first = await ids();
  if (diaryDays > 0) check(first.length > 0, `the members wrote on ${diaryDays} days but the diary sample is empty`);
  else log("no diary entries in the period: the sample may be empty");
  // The same seed gives the same sample.
  await page.getByTestId("sample-reproduce").click();
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid="sample-seed"]')?.textContent.trim() === s && !document.querySelector('[data-testid="sample-result"] .loading'),
    seedText,
  );
  const again = await ids();
  check(JSON.stringify(again) === JSON.stringify(first), `seed ${seedText} drew ${again.join(",")} then ${first.join(",")}`);
  log(`diary sample: ${first.length} items, seed ${seedText} reproduced`);
  await inspectHouseholds(page);
}

/** 随机查 of households: by default the county policy's 脱贫户 and 监测对象 (seed 004), said in
 * words with the size of the pool; "all households" takes 一般户 too. */
async function inspectHouseholds(page) {
  const drawn = async () => {
    await page.getByTestId("sample-households").click();
    await page.waitForFunction(() => {
      const p = document.querySelector('[data-testid="sample-pool"]');
      return p && !document.querySelector('[data-testid="sample-result"] .loading');
    });
    const pool = ((await page.getByTestId("sample-pool").textContent()) ?? "").trim();
    const statuses = await page.getByTestId("sample-status").evaluateAll((els) => els.map((e) => e.textContent.trim()));
    return { pool, statuses };
  };
  const policy = await drawn();
  check(policy.statuses.length > 0, `the policy draw of households is empty: ${policy.pool}`);
  check(!policy.statuses.includes("一般户"), `the policy draw took an ordinary household: ${policy.statuses.join(",")}`);
  check(/脱贫户|监测对象/.test(policy.pool), `the draw does not say which households it took from: "${policy.pool}"`);
  await page.getByTestId("sample-scope").selectOption("all");
  const all = await drawn();
  check(/全部/.test(all.pool), `the draw of every household does not say so: "${all.pool}"`);
  log(`household sample: ${policy.statuses.length} by policy ("${policy.pool}"), ${all.statuses.length} of all`);
}

async function checkEnglish(page) {
  const before = (await page.getByTestId("page-title").textContent()).trim();
  const headBefore = (await page.locator('[data-testid="members-table"] th').first().textContent()).trim();
  await page.getByTestId("lang-switch").click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="page-title"]').textContent.trim() !== b, before);
  const after = (await page.getByTestId("page-title").textContent()).trim();
  const headAfter = (await page.locator('[data-testid="members-table"] th').first().textContent()).trim();
  check(/[A-Za-z]/.test(after) && headAfter !== headBefore, `English: title "${after}", first column "${headAfter}" (was "${headBefore}")`);
  log(`English: "${before}" → "${after}", "${headBefore}" → "${headAfter}"`);
  // The village ledger's own words follow the switch too.
  const ledgerHead = page.locator('[data-testid="ledger"] h3');
  await page.waitForFunction(() => document.querySelector('[data-testid="ledger"] h3')?.textContent.trim() === "Village ledger");
  log(`English ledger section: "${(await ledgerHead.textContent()).trim()}"`);
  await page.getByTestId("lang-switch").click();
  await page.waitForFunction((b) => document.querySelector('[data-testid="page-title"]').textContent.trim() === b, before);
}

async function checkEscaping(page) {
  // The mock has a household head 王<i>大</i>山: it must show as text, not as markup.
  const text = await page.getByTestId("households-table").textContent();
  check(text.includes("王<i>大</i>山"), "the mock's household 王<i>大</i>山 is not shown literally");
  check((await page.locator("#view i, #view b, #view script").count()) === 0, "markup from the API was rendered as HTML");
}

// ---- what county staff enter

/** The member whose scores the test enters: the first first secretary (the grades list only
 * first secretaries), else the first member. */
async function memberToScore(page) {
  const rows = await page.getByTestId("member-row").evaluateAll((rs) => rs.map((r) => ({ id: r.dataset.memberId, role: r.dataset.role, name: r.querySelector("td")?.textContent })));
  return rows.find((r) => r.role === "first_secretary") ?? rows[0];
}

const memberRow = (page, id) => page.locator(`[data-testid="member-row"][data-member-id="${id}"]`);

async function closeExplanation(page) {
  await page.getByTestId("explain-close").click();
  await page.getByTestId("explain-dialog").waitFor({ state: "hidden" });
}

async function enterYearScores(page, member) {
  const row = memberRow(page, member.id);
  const dialog = page.getByTestId("entry-dialog");
  await row.getByTestId("score-entry").click();
  await page.getByTestId("year-entry-form").waitFor();
  const duty = page.locator('[data-testid^="entry-seven-"]').first();
  const dutyCode = await duty.getAttribute("data-code");
  check(dutyCode, "the score form offers no seven-ones item to enter");
  // Out of range first: the server refuses it and its message must be shown in the form.
  await page.getByTestId("entry-results").fill("70");
  await page.getByTestId("entry-evaluation").fill("18");
  await page.getByTestId("entry-assessment").fill("9");
  await page.getByTestId("entry-training").fill("4");
  await duty.selectOption("done");
  await page.getByTestId("entry-save").click();
  const error = page.getByTestId("entry-error");
  await error.waitFor({ state: "visible" });
  const message = ((await error.textContent()) ?? "").trim();
  check(message.includes("60"), `results 70: the form shows "${message}", expected the server's message naming the maximum 60`);
  check(await dialog.isVisible(), "the score form closed although the server refused the entry");
  log(`results 70 refused: "${message}"`);

  await page.getByTestId("entry-results").fill("55");
  await page.getByTestId("entry-save").click();
  await dialog.waitFor({ state: "hidden" });
  const total = row.getByTestId("scheme-a-total");
  await total.waitFor();
  const totalValue = Number(((await total.textContent()) ?? "").trim());
  check(totalValue >= 82 && totalValue <= 92, `scheme A total ${totalValue}, expected 55 + 18 + 9 + discipline (0..10)`);
  const grade = ((await row.getByTestId("scheme-a-grade").textContent()) ?? "").trim();
  check(GRADE_NAMES.includes(grade), `the members table shows the grade "${grade}"`);
  // A first secretary's grade is the county's, after the cap on 优秀: 90 or more is either
  // 优秀 or 称职 marked as capped, never 优秀 while the county's quota is full.
  const capped = await row.getByTestId("scheme-a-capped").count();
  if (member.role === "first_secretary" && totalValue >= 90) {
    check((grade === "优秀" && capped === 0) || (grade === "称职" && capped === 1), `total ${totalValue}: grade "${grade}", capped mark ${capped}`);
  }
  if (capped) check(grade === "称职", `a capped first secretary shows "${grade}", expected 称职`);
  const status = await row.locator(`[data-testid="seven-ones"] [data-code="${dutyCode}"]`).getAttribute("data-status");
  check(status === "done", `seven ones ${dutyCode} is "${status}" after entering it as done`);
  const training = ((await row.getByTestId("training").textContent()) ?? "").trim();
  check(/^4\s*\/\s*\d+$/.test(training), `training shows "${training}", expected 4 / required`);
  // The total is explained with its four components.
  await total.click();
  await page.getByTestId("explain-parts").waitFor();
  await closeExplanation(page);
  // The form opens again with what was stored.
  await row.getByTestId("score-entry").click();
  await page.getByTestId("year-entry-form").waitFor();
  const prefilled = await page.getByTestId("entry-results").inputValue();
  check(Number(prefilled) === 55, `the score form reopens with results "${prefilled}", expected 55`);
  await page.getByTestId("entry-cancel").click();
  await dialog.waitFor({ state: "hidden" });
  log(`scores entered for ${member.name}: total ${totalValue}, ${grade}; ${dutyCode} done; training ${training}`);
}

const monthScore = async (cell) => Number(((await cell.getByTestId("month-score").textContent()) ?? "").trim());

/** One path for a month's score (issue 14): the month cells carry no typed-item entry; the
 * score explains itself (the records' deductions and the sheet, if any). */
async function enterMonthItem(page, member) {
  const row = page.locator(`[data-testid="score-row"][data-member-id="${member.id}"]`);
  const cells = row.getByTestId("score-cell");
  check((await cells.count()) > 0, `${member.name} has no month score`);
  check((await row.getByTestId("month-edit").count()) === 0, "the county's old per-month item entry is still offered");
  const cell = cells.first();
  const score = await monthScore(cell);
  await cell.getByTestId("month-score").click();
  await page.getByTestId("explain-dialog").waitFor();
  await closeExplanation(page);
  log(`month scores: no typed entry; ${await cell.getAttribute("data-month")} is ${score}, explained`);
}

async function checkGrades(page, member) {
  await page.getByTestId("back").click();
  await page.getByTestId("grades").waitFor();
  // The scored first secretary's line, graded (the section reloads after the overview).
  await page
    .waitForFunction(
      (id) => {
        const rows = [...document.querySelectorAll('[data-testid="grade-row"]')];
        const mine = rows.find((r) => r.dataset.member === id);
        return mine ? mine.dataset.grade !== "" : rows.some((r) => r.dataset.grade !== "");
      },
      member.id,
    )
    .catch((e) => {
      throw new Error(`the yearly grades show no grade for ${member.name} (${member.role}) nor anyone else: ${e.message}`);
    });
  const rows = await page.getByTestId("grade-row").evaluateAll((rs) =>
    rs.map((r) => ({ member: r.dataset.member, grade: r.dataset.grade, capped: r.dataset.capped, text: r.querySelector('[data-testid="grade-value"]')?.textContent?.trim() ?? "" })),
  );
  const graded = rows.filter((r) => r.grade);
  check(graded.length >= 1, "the yearly grades list no graded first secretary");
  check(graded.every((r) => GRADE_NAMES.includes(r.text)), `grade names: ${graded.map((r) => r.text).join(", ")}`);
  check(rows.length - graded.length === (await page.getByTestId("grade-none").count()), "an unscored first secretary is not shown as 未录入");
  const summary = ((await page.getByTestId("grades-summary").textContent()) ?? "").trim();
  check(/\d/.test(summary), `the grades summary reads "${summary}"`);
  const cap = ((await page.getByTestId("grades-cap-rule").textContent()) ?? "").trim();
  check(cap.length > 0, "the grades section shows no cap rule");
  const capped = graded.filter((r) => r.capped === "1").length;
  check(capped === (await page.getByTestId("grade-capped").count()), "a line demoted by the cap is not marked 名额所限");
  log(`grades: ${summary}; ${graded.length} graded (${capped} demoted by the cap); cap rule "${cap}"`);
}

async function checkSessionLoss(page, user, password) {
  // A 401 anywhere sends the page back to the log-in screen; logging in again returns to the
  // same village (the route is in the URL).
  await page.context().clearCookies();
  await page.getByTestId("period-apply").click();
  await page.getByTestId("login-form").waitFor();
  check(((await page.getByTestId("login-error").textContent()) ?? "").trim().length > 0, "a lost session shows no message on the log-in screen");
  await page.getByTestId("login-name").fill(user);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("members-table").waitFor();
  log("lost session → log-in screen → back on the village");
}

// Issue 19: a photo on the county page. scripts/county-e2e.sh recorded a visit of 王芳's with a
// photo through the command-line client (visit --photo) and synced it (the records first, then
// the photo in chunks): the evidence calendar's day lists the visit with its thumbnail, and a
// click opens the full image (both really decoded by the browser, never a broken image).
async function checkPhoto(page, base, villageName, date, memberName) {
  await page.goto(`${base}/county/`);
  await page.getByTestId("village-row").first().waitFor();
  await openVillage(page, villageName);
  await page.getByTestId("evidence-member").first().waitFor();
  const row = page.getByTestId("evidence-member").filter({ hasText: memberName });
  await row.locator(`[data-testid="evidence-day"][data-date="${date}"]`).click();
  const thumb = page.locator('[data-testid="evidence-record"] [data-testid="photo-thumb"]').first();
  await thumb.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="evidence-record"] [data-testid="photo-thumb"]');
    return img && img.complete && img.naturalWidth > 0;
  });
  const size = await thumb.evaluate((img) => [img.naturalWidth, img.naturalHeight]);
  check((await page.getByTestId("photo-pending").count()) === 0, "the uploaded photo is not shown as 尚未上传");
  await page.getByTestId("photo-open").first().click();
  await page.getByTestId("photo-viewer").waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid="photo-full"]');
    return img && img.complete && img.naturalWidth > 0;
  });
  const full = await page.getByTestId("photo-full").evaluate((img) => [img.naturalWidth, img.naturalHeight]);
  check(full[0] > size[0], `the full image (${full}) is larger than its thumbnail (${size})`);
  await page.getByTestId("photo-viewer").screenshot({ path: join(SHOTS, "county-photo.png") });
  await page.getByTestId("photo-close").click();
  await page.getByTestId("photo-viewer").waitFor({ state: "detached" });
  await page.getByTestId("evidence-detail").screenshot({ path: join(SHOTS, "county-photo-thumb.png") });
  log(`photo: ${memberName}'s visit on ${date} shows a ${size.join("×")} thumbnail, the full image ${full.join("×")}`);
}

// Issue 17: a doubtful day decided by a person. scripts/county-e2e.sh made one (王芳's check-in
// recorded afterwards, dated before her phone's previous sync): the village page lists it under
// 只看时间存疑, says why, and an officer's 核实计入 with a note is kept (still there after a reload).
async function decideDoubtfulDay(page, base, villageName, date, memberName) {
  await page.goto(`${base}/county/`);
  await page.getByTestId("village-row").first().waitFor();
  // The period must hold the day (26 hours ago may be last month, even last year).
  const from = page.getByTestId("period-from");
  if ((await from.inputValue()) > date) {
    await from.fill(date);
    await page.getByTestId("period-apply").click();
    await page.getByTestId("village-row").first().waitFor();
  }
  await openVillage(page, villageName);
  const evidence = page.getByTestId("evidence");
  await page.getByTestId("evidence-member").first().waitFor();
  await page.getByTestId("evidence-doubtful-only").check();
  // The filtered calendar, not the whole one still on the page while it loads.
  await page.locator('[data-testid="evidence-body"][data-shown="doubtful"]').waitFor();
  const row = page.getByTestId("evidence-member").filter({ hasText: memberName });
  const day = row.locator(`[data-testid="evidence-day"][data-date="${date}"]`);
  await day.waitFor();
  check((await day.getAttribute("data-strength")) === "doubtful", `${memberName}'s ${date} is ${await day.getAttribute("data-strength")}, not doubtful`);
  const strengths = await page.getByTestId("evidence-day").evaluateAll((ds) => ds.map((d) => d.dataset.strength));
  check(strengths.every((s) => s === "doubtful"), `只看时间存疑 lists other days: ${strengths.join(",")}`);
  await day.click();
  const reasons = await page.getByTestId("evidence-reasons").evaluateAll((cs) => cs.map((c) => c.textContent.trim()));
  check(reasons.some((r) => r.length > 1), `the doubtful record gives no reason: ${reasons.join(" | ")}`);
  await page.getByTestId("evidence-check-note").fill("电话向村委核实，当天上午在村");
  await page.getByTestId("evidence-check-counts").click();
  const said = page.getByTestId("evidence-check-said");
  await said.waitFor();
  check((await said.getAttribute("data-counts")) === "true", "the decision 核实计入 is not shown");
  await evidence.screenshot({ path: join(SHOTS, "county-evidence-decided.png") });
  // Kept on the server: the page loaded again marks the day decided (✓).
  // (waitFor fails the test after its timeout if the decided day never appears).
  await page.getByTestId("period-apply").click();
  await page
    .getByTestId("evidence-member")
    .filter({ hasText: memberName })
    .locator(`[data-testid="evidence-day"][data-date="${date}"][data-checked="true"]`)
    .waitFor();
  // Issue 21: the team's join sheet — a one-time code and its QR for each member with no phone
  // yet (王芳 has the CLI), ready to print.
  await page.getByTestId("join-sheet-make").click();
  await page.getByTestId("join-card").first().waitFor();
  const cards = await page.getByTestId("join-card").count();
  const codes = await page.getByTestId("join-code").evaluateAll((cs) => cs.map((c) => c.textContent.trim()));
  check(codes.every((c) => /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(c)), `join codes: ${codes.join(", ")}`);
  const srcs = await page.getByTestId("join-qr").evaluateAll((is) => is.map((i) => i.getAttribute("src")));
  check(srcs.every((s) => s.startsWith("data:image/svg+xml")), "every card has its QR image");
  const names = await page.getByTestId("join-card").evaluateAll((cs) => cs.map((c) => c.querySelector("h4").textContent));
  check(!names.some((n) => n.includes(memberName)), `${memberName} has a phone and gets no code: ${names.join(" | ")}`);
  await page.getByTestId("join-sheet-section").screenshot({ path: join(SHOTS, "county-join-sheet.png") });
  log(`join sheet: ${cards} card(s) (${names.join(", ")})`);

  // Issue 16: the inspection loop (整改). The officer draws households, writes a finding on the
  // first one drawn; 王芳's phone (the CLI) receives it at its sync, answers it and syncs; the
  // page then lists it 已答复 with her answer.
  if (process.env.CLI_BIN && process.env.WANG_STORE) {
    await page.getByTestId("sample-scope").selectOption("all");
    await page.getByTestId("sample-households").click();
    await page.getByTestId("finding-write").first().waitFor();
    await page.getByTestId("finding-write").first().click();
    const problem = `户内无障碍设施未落实 ${Date.now()}`;
    await page.getByTestId("finding-text").fill(problem);
    await page.getByTestId("finding-save").click();
    await page.getByTestId("finding-saved").waitFor();
    const row = page.getByTestId("finding-row").filter({ hasText: problem });
    await row.waitFor();
    check(((await row.getByTestId("finding-state").textContent()) ?? "").includes("待整改"), "a new finding waits for the team");
    const cli = (...args) => execFileSync(process.env.CLI_BIN, ["--store", process.env.WANG_STORE, "--plain", ...args]).toString();
    cli("sync", "--server", base);
    const listed = cli("findings");
    const line = listed.split("\n").find((l) => /^\s+待整改/.test(l) && listed.includes(problem));
    const id = (line ?? "").trim().split(/\s+/).pop();
    check(/^[0-9a-f-]{36}$/.test(id ?? ""), `王芳's phone lists the finding: ${listed}`);
    const answer = "已协调镇残联，下周安装扶手";
    cli("answer-finding", "--id", id, "--answer", answer);
    cli("sync", "--server", base);
    await page.getByTestId("period-apply").click();
    const answered = page.getByTestId("finding-row").filter({ hasText: problem }).filter({ hasText: answer });
    await answered.waitFor();
    check(((await answered.getByTestId("finding-state").textContent()) ?? "").includes("已答复"), "the answered finding shows 已答复");
    await page.getByTestId("findings").screenshot({ path: join(SHOTS, "county-findings.png") });
    // The officer who wrote it checks the answer (验收): a return needs a reason; then accepted.
    await answered.getByTestId("finding-return").click();
    await answered.getByText("退回时请写明理由").waitFor();
    await answered.getByTestId("finding-accept").click();
    const accepted = page.getByTestId("finding-row").filter({ hasText: problem }).filter({ hasText: "已验收" });
    await accepted.waitFor();
    await page.getByTestId("findings").screenshot({ path: join(SHOTS, "county-findings-accepted.png") });
    log(`finding written on the page, answered on 王芳's phone, shown 已答复, then 验收通过 (已验收): "${answer}"`);
  }
  log(`evidence: ${memberName}'s ${date} 时间存疑 (${reasons.filter((r) => r.length > 1).join(" | ")}) → 核实计入, kept after a reload`);
}

async function logout(page) {
  await page.getByTestId("logout").click();
  await page.getByTestId("login-form").waitFor();
  const status = await page.evaluate(async () => (await fetch("api/me", { credentials: "same-origin" })).status);
  check(status === 401, `after logging out api/me answers ${status}, not 401`);
  log("logged out");
}

// ---------------------------------------------------------------------------------------------
// The township: its officer logs in to the same page, starts on the township screen (who is at
// post today, leave to decide, months to file), decides one leave request; the screen is
// photographed at desk size and on a phone-sized screen (375 × 812).

async function township(browser, base, user, password) {
  const shoot = async (viewport, file, decide) => {
    const context = await browser.newContext({ viewport, locale: "zh-CN" });
    context.setDefaultTimeout(TIMEOUT);
    await samePageAsDisk(context, base);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/county/`);
    await page.getByTestId("login-form").waitFor();
    await page.getByTestId("login-name").fill(user);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("township").waitFor();
    const members = page.getByTestId("at-post-member");
    const n = await members.count();
    check(n > 0, "the township screen lists no member at post");
    const states = await members.evaluateAll((els) => els.map((e) => e.dataset.state));
    const known = ["in_village", "on_leave", "no_record_yet", "not_synced"];
    check(states.every((s) => known.includes(s)), `unexpected at-post states: ${states.join(", ")}`);
    const text = await page.getByTestId("township").textContent();
    check(!text.includes("缺勤") || text.includes("不是缺勤"), "the at-post list speaks of absence");
    if (decide) {
      const requests = page.getByTestId("leave-request");
      const before = await requests.count();
      check(before > 0, "no leave request waits for the township (the demo makes two)");
      check((await page.getByTestId("leave-first-secretary").count()) > 0, "no first secretary's request is marked");
      await requests.first().getByTestId("leave-approve").click();
      await page.waitForFunction(
        (b) => document.querySelectorAll('[data-testid="leave-request"]').length === b - 1,
        before,
      );
      log(`township: ${n} members at post (${states.join(", ")}); approved one of ${before} leave requests`);
      // The township scores a first secretary's last month (乡镇评第一书记).
      const card = page.locator('[data-testid="fs-score"][data-state="none"]').first();
      if ((await card.count()) > 0) {
        const member = await card.getAttribute("data-member");
        await card.getByTestId("fs-item-kind").selectOption("Deduction");
        await card.getByTestId("fs-item-points").fill("0.5");
        await card.getByTestId("fs-item-reason").fill("月度小结迟报 <b>x</b>");
        await card.getByTestId("fs-save").click();
        await page.waitForFunction(
          (m) => document.querySelector(`[data-testid="fs-score"][data-member="${m}"]`)?.dataset.state === "confirmed",
          member,
        );
        const text = await page.locator(`[data-testid="fs-score"][data-member="${member}"]`).textContent();
        check(text.includes("月度小结迟报 <b>x</b>"), `the township's sheet shows its item literally: ${text}`);
        log(`township: scored first secretary ${member} (−0.5, confirmed, waits for the county's audit)`);
      } else {
        check((await page.getByTestId("fs-score").count()) > 0, "the township screen offers no first secretary to score");
      }
      // The township proposes a first secretary's yearly grade; the county sees it in its grades.
      const proposal = page.getByTestId("proposal").first();
      const proposed = await proposal.getAttribute("data-member");
      await proposal.getByTestId("proposal-grade").selectOption("competent");
      await proposal.getByTestId("proposal-note").fill("全年驻村扎实,群众评价好");
      await proposal.getByTestId("proposal-save").click();
      await page.waitForFunction(
        (m) => document.querySelector(`[data-testid="proposal"][data-member="${m}"]`)?.dataset.grade === "competent",
        proposed,
      );
      log(`township: proposed 称职 for first secretary ${proposed}`);
    }
    // Nothing wider than the screen on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `the township screen is ${overflow} px wider than a ${viewport.width} px screen`);
    await page.screenshot({ path: join(SHOTS, file), fullPage: true });
    check(errors.length === 0, `uncaught errors in the township page: ${errors.join(" | ")}`);
    await context.close();
  };
  await shoot({ width: 1440, height: 900 }, "township-at-post-desk.png", true);
  await shoot({ width: 375, height: 812 }, "township-at-post-phone.png", false);
}

// ---------------------------------------------------------------------------------------------

/**
 * The page files the server sends must be the ones in crates/taizhang-county-web/assets/ (the server compiles
 * them in): otherwise the test would check an older page. COUNTY_PAGE_FROM_DISK=1 serves the
 * files on disk instead, with the server's own response headers (so its CSP still applies).
 */
async function samePageAsDisk(context, base) {
  if (MOCK) return; // the mock reads them from disk on every request
  if (process.env.COUNTY_PAGE_FROM_DISK === "1") {
    await context.route(
      (url) => url.origin === new URL(base).origin && PAGE_FILES[url.pathname] != null,
      async (route) => {
        const response = await route.fetch();
        const body = readFileSync(join(PAGE_DIR, PAGE_FILES[new URL(route.request().url()).pathname]));
        await route.fulfill({ response, body });
      },
    );
    log("COUNTY_PAGE_FROM_DISK=1: the page files come from crates/taizhang-county-web/assets/, the API from the server");
    return;
  }
  for (const [path, file] of Object.entries(PAGE_FILES)) {
    const served = await (await fetch(base + path)).text();
    check(
      served === readFileSync(join(PAGE_DIR, file), "utf8"),
      `the server's ${path} is not crates/taizhang-county-web/assets/${file}: rebuild the server (it compiles the page in), or set COUNTY_PAGE_FROM_DISK=1 to test the files on disk against this server`,
    );
  }
}

async function main() {
  const base = env("TAIZHANG_SERVER").replace(/\/+$/, "");
  const user = env("COUNTY_LOGIN");
  const password = env("COUNTY_PASSWORD");
  const minVillages = Number(process.env.EXPECT_VILLAGES ?? 1);
  const wanted = process.env.VILLAGE_NAME || null;
  mkdirSync(SHOTS, { recursive: true });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    headless: true,
  });
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: "zh-CN" });
    context.setDefaultTimeout(TIMEOUT);
    await samePageAsDisk(context, base);
    page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });

    await page.goto(`${base}/county/`);
    await login(page, user, password);
    await checkOverview(page, minVillages);

    const villageName = await openVillage(page, wanted);
    await checkVillage(page);
    if (MOCK) await checkEscaping(page);
    await checkLedger(page, villageName);
    await inspectDiary(page);
    const member = await memberToScore(page);
    await enterYearScores(page, member);
    await enterMonthItem(page, member);
    await page.screenshot({ path: join(SHOTS, "county-village.png"), fullPage: true });

    checkAttendanceCsv(await download(page, "export-village-attendance-csv"), villageName);
    checkScoresXlsx(await download(page, "export-village-scores-xlsx"));

    await checkEnglish(page);
    await checkSessionLoss(page, user, password);
    // The overview's screenshot comes last, so its yearly grades show the scores entered above.
    await checkGrades(page, member);
    await page.screenshot({ path: join(SHOTS, "county-overview.png"), fullPage: true });
    if (!MOCK && process.env.PHOTO_DATE) {
      await checkPhoto(page, base, process.env.DOUBTFUL_VILLAGE || "石门村", process.env.PHOTO_DATE, env("DOUBTFUL_MEMBER"));
    }
    if (!MOCK && process.env.DOUBTFUL_DATE) {
      await decideDoubtfulDay(page, base, process.env.DOUBTFUL_VILLAGE || "石门村", process.env.DOUBTFUL_DATE, env("DOUBTFUL_MEMBER"));
    }
    await logout(page);
    if (process.env.TOWNSHIP_LOGIN) await township(browser, base, process.env.TOWNSHIP_LOGIN, env("TOWNSHIP_PASSWORD"));
    check(pageErrors.length === 0, `uncaught errors or CSP violations in the page: ${pageErrors.join(" | ")}`);
    log(`screenshots in ${SHOTS}`);
  } catch (err) {
    if (page) await page.screenshot({ path: "/tmp/county-e2e-failure.png", fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await browser.close();
  }
}

main().then(
  () => console.log("COUNTY E2E PASS"),
  (err) => {
    console.error(`COUNTY E2E FAIL: ${err?.stack ?? err}`);
    console.error("(a screenshot of the page at the failure, if any: /tmp/county-e2e-failure.png)");
    process.exitCode = 1;
  },
);
