// The UI's pure logic (formatting, calendar layout, routes, error wording), kept apart from the DOM so Vitest covers it.
import type {
  CommandError,
  DiaryItem,
  DiaryView,
  FollowUpItem,
  LeaveItem,
  LeaveKindCode,
  MonthGaps,
  ScoreItemEntry,
  ScoreItemKindCode,
  ScoreSheetView,
  TeamDay,
} from "./generated/contract";
import { errorKey, fieldKey, t, type Key, type Lang } from "./i18n";

/** Asia/Shanghai wall-clock parts of a UTC-millisecond instant (China has no DST). */
export function shanghaiParts(ms: number): { date: string; time: string } {
  const d = new Date(ms + 8 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

export function formatDateTime(ms: number): string {
  const p = shanghaiParts(ms);
  return `${p.date} ${p.time}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `2026-11` → `2026-10` / `2026-12`. */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number);
  const idx = y * 12 + (m - 1) + by;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, "0")}`;
}

/** A month's days laid out in weeks (Monday first); `null` pads the first and last week. */
export function calendarWeeks(days: TeamDay[], firstWeekday: number): (TeamDay | null)[][] {
  const cells: (TeamDay | null)[] = [...Array(firstWeekday).fill(null), ...days];
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (TeamDay | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The CSS class of a calendar day: days with nobody in the village stand out. */
export function dayClass(d: TeamDay): string {
  if (d.future) return "day future";
  if (d.nobody) return "day nobody";
  if (d.excused) return "day excused";
  return "day present";
}

/** How far behind the 200-day pace the member is (0 when on track). */
export function daysBehind(daysThisYear: number, requiredSoFar: number): number {
  return Math.max(0, requiredSoFar - daysThisYear);
}

/** The plain-words sentence for an error, in the current language, and the technical detail. */
export function errorText(e: unknown, lang?: Lang): { text: string; detail: string } {
  if (isCommandError(e)) {
    let text = t(errorKey(e.code), {}, lang);
    if (e.code === "INVALID_INPUT" && e.field) {
      const fk = fieldKey(e.field);
      if (fk) text = `${text} ${t(fk, {}, lang)}`;
    }
    return { text, detail: e.message };
  }
  return { text: t("error.INTERNAL", {}, lang), detail: e instanceof Error ? e.message : String(e) };
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export type Route =
  | { screen: "setup" }
  | { screen: "today" }
  | { screen: "households" }
  | { screen: "household"; id: string }
  | { screen: "household-edit"; id: string | null }
  | { screen: "visit"; household: string | null }
  | { screen: "diary"; month: string | null }
  | { screen: "team"; month: string | null }
  | { screen: "ledger" }
  | { screen: "sync" }
  | { screen: "nearby" };

/** Parses `#/household/<id>`, `#/diary?month=2026-11`... Unknown hashes go to Today. */
export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  switch (parts[0]) {
    case "setup":
      return { screen: "setup" };
    case "households":
      return { screen: "households" };
    case "household":
      return parts[1] ? { screen: "household", id: decodeURIComponent(parts[1]) } : { screen: "households" };
    case "household-edit":
      return { screen: "household-edit", id: parts[1] && parts[1] !== "new" ? decodeURIComponent(parts[1]) : null };
    case "visit":
      return { screen: "visit", household: params.get("household") };
    case "diary":
      return { screen: "diary", month: params.get("month") };
    case "team":
      return { screen: "team", month: params.get("month") };
    case "ledger":
      return { screen: "ledger" };
    case "sync":
      return { screen: "sync" };
    case "nearby":
      return { screen: "nearby" };
    default:
      return { screen: "today" };
  }
}

export function routeHash(r: Route): string {
  switch (r.screen) {
    case "household":
      return `#/household/${encodeURIComponent(r.id)}`;
    case "household-edit":
      return `#/household-edit/${r.id ? encodeURIComponent(r.id) : "new"}`;
    case "visit":
      return r.household ? `#/visit?household=${encodeURIComponent(r.household)}` : "#/visit";
    case "diary":
    case "team":
      return r.month ? `#/${r.screen}?month=${r.month}` : `#/${r.screen}`;
    default:
      return `#/${r.screen}`;
  }
}

/** Which tab is lit for a route. */
export function tabOf(r: Route): string {
  switch (r.screen) {
    case "household":
    case "household-edit":
      return "households";
    case "nearby":
      return "sync";
    default:
      return r.screen;
  }
}

/** Debounces a search box so typing does not query the store on every key. */
export function debounce<A extends unknown[]>(f: (...a: A) => void, ms: number): (...a: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...a: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => f(...a), ms);
  };
}

/** A synced document's id in plain words: `registry`, `log/<member>/2026-11`, `team/2026`. */
export function docLabel(doc: string, lang?: Lang): string {
  const parts = doc.split("/");
  if (parts[0] === "registry") return t("doc.registry", {}, lang);
  if (parts[0] === "log" && parts[2]) return t("doc.log", { month: parts[2] }, lang);
  if (parts[0] === "team" && parts[1]) return t("doc.team", { year: parts[1] }, lang);
  return doc;
}

/** The six kinds of leave (请假类别, seed 003), in the drop-down's order. */
export const LEAVE_KINDS: LeaveKindCode[] = ["personal", "sick", "official_trip", "training", "rest", "other"];

/** What the viewer may do with a leave request, as the Rust side decided it (the buttons to show). */
export function leaveActions(l: LeaveItem): ("approve" | "reject" | "withdraw" | "reportBack")[] {
  const out: ("approve" | "reject" | "withdraw" | "reportBack")[] = [];
  if (l.canDecide) out.push("approve", "reject");
  if (l.canWithdraw) out.push("withdraw");
  if (l.canReportBack) out.push("reportBack");
  return out;
}

/** The state shown for a leave request: 已销假 once reported back, else its state. */
export function leaveStateLabel(l: LeaveItem, lang?: Lang): string {
  if (l.state === "approved" && l.returnedOn) return t("leave.returned", { date: l.returnedOn }, lang);
  return t(`leave.${l.state}` as Key, {}, lang);
}

/** Whether the diary screen offers a form for writing (today, or 补记 for an unfiled past day). */
export function diaryWritable(v: Pick<DiaryView, "month" | "today" | "filed" | "earliestDate">): boolean {
  return !v.filed && v.month >= v.earliestDate.slice(0, 7) && v.month <= v.today.slice(0, 7);
}

/** The date picker's bounds on the diary screen: the shown month cut to earliest..today. */
export function diaryDateBounds(v: Pick<DiaryView, "month" | "today" | "earliestDate">): { min: string; max: string; initial: string } {
  const first = `${v.month}-01`;
  const last = `${v.month}-${String(daysInMonth(v.month)).padStart(2, "0")}`;
  const min = first > v.earliestDate ? first : v.earliestDate;
  const max = last < v.today ? last : v.today;
  return { min, max, initial: max };
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The original (not amendment) entry of `date`, the one a save on that day corrects. */
export function entryOf(entries: DiaryItem[], date: string): DiaryItem | undefined {
  return entries.filter((e) => e.date === date && !e.amends).pop();
}

/** The small line under a diary entry: amendment / 补记 marks, the day, and when it was written. */
export function diaryEntryMeta(e: DiaryItem, lang?: Lang): string {
  const marks = [e.amends ? t("diary.amendment", {}, lang) : null, e.backfilled ? t("diary.backfilled", {}, lang) : null].filter(Boolean);
  const written = t("diary.writtenAt", { at: formatDateTime(e.writtenAt) }, lang);
  return [...marks, e.date, written].join(" · ");
}

/** The filing state of a month in plain words (window, deadline, who filed). */
export function filingText(g: MonthGaps, lang?: Lang): string {
  switch (g.window) {
    case "not_yet":
      return t("filing.notYet", { date: g.opens }, lang);
    case "open":
      return g.due ? t("filing.open", { date: g.due }, lang) : t("filing.openNoDue", {}, lang);
    case "late":
      return t("filing.late", { date: g.due ?? "" }, lang);
    case "filed":
      return t("diary.filed", { date: g.filedAt ? shanghaiParts(g.filedAt).date : "", name: g.filedBy ?? "" }, lang);
  }
}

/** The gaps of a month listed before filing: each list with its label, empty lists left out. */
export function gapLines(g: MonthGaps, lang?: Lang): { label: string; days: string }[] {
  const short = (ds: string[]) => ds.map((d) => String(Number(d.slice(8)))).join("、");
  const lines: { label: string; days: string }[] = [];
  if (g.diaryGaps.length) lines.push({ label: t("filing.diaryGaps", { n: g.diaryGaps.length }, lang), days: short(g.diaryGaps) });
  if (g.daysWithoutCheckIn.length)
    lines.push({ label: t("filing.noCheckIn", { n: g.daysWithoutCheckIn.length }, lang), days: short(g.daysWithoutCheckIn) });
  if (g.notSynced.length) lines.push({ label: t("filing.notSynced", { n: g.notSynced.length }, lang), days: short(g.notSynced) });
  return lines;
}

// ---- 月度考核 (monthly scores, scheme B) ----

/** The three kinds of score item, in the drop-down's order. */
export const SCORE_KINDS: ScoreItemKindCode[] = ["bonus", "deduction", "veto"];

/** At most this many items on one sheet (taizhang-domain's MAX_SCORE_ITEMS). */
export const MAX_SCORE_ITEMS = 20;

/** A sheet's place in the chain in plain words: 未评分 / 已录入 / 乡镇已确认 / 已退回（理由） / 县已审核. */
export function scoreStateLabel(s: Pick<ScoreSheetView, "state" | "checkNote">, lang?: Lang): string {
  if (!s.state) return t("scores.notScored", {}, lang);
  if (s.state === "returned") return t("scores.state.returned", { reason: s.checkNote }, lang);
  return t(`scores.state.${s.state}` as Key, {}, lang);
}

/** Points as people write them: 9, 9.5, 8.75 (no trailing zeros). */
export function formatPoints(p: number): string {
  return String(Math.round(p * 100) / 100);
}

/** One item as a line: `+0.5 加分：理由`, `−1 扣分：理由`, `一票否决：理由`. */
export function scoreItemLine(i: ScoreItemEntry, lang?: Lang): string {
  const kind = t(`scores.kind.${i.kind}` as Key, {}, lang);
  const sep = (lang ?? "zh") === "zh" ? "：" : ": ";
  if (i.kind === "veto") return `${kind}${sep}${i.reason}`;
  const sign = i.kind === "bonus" ? "+" : "−";
  return `${sign}${formatPoints(i.points)} ${kind}${sep}${i.reason}`;
}

/** The points the sheet will have once saved: `taizhang_rules::sheet_points` (the one scoring
 * rule; generated/score-cases.json, written by the Rust side, checks this copy): the automatic
 * points plus bonuses minus deductions, within 0..max, cleared to 6 decimals; 0 after a veto. */
export function previewPoints(automatic: number, items: ScoreItemEntry[], max: number): number {
  if (items.some((i) => i.kind === "veto")) return 0;
  let raw = automatic;
  for (const i of items) raw += i.kind === "bonus" ? i.points : -i.points;
  return Math.round(Math.min(max, Math.max(0, raw)) * 1e6) / 1e6;
}

/** What is wrong with the items before saving (the device checks them again): every item
 * needs a reason, a bonus or deduction 0 < points <= 10, at most MAX_SCORE_ITEMS items. */
export function scoreItemProblems(items: ScoreItemEntry[], lang?: Lang): string[] {
  const out: string[] = [];
  if (items.length > MAX_SCORE_ITEMS) out.push(t("scores.problem.tooMany", { max: MAX_SCORE_ITEMS }, lang));
  items.forEach((i, idx) => {
    if (!i.reason.trim()) out.push(t("scores.problem.reason", { n: idx + 1 }, lang));
    if (i.kind !== "veto" && !(i.points > 0 && i.points <= 10)) out.push(t("scores.problem.points", { n: idx + 1 }, lang));
  });
  return out;
}

/** The small lines under a sheet: the points the records decide and why. */
export function automaticLines(s: Pick<ScoreSheetView, "automatic">, lang?: Lang): string[] {
  const a = s.automatic;
  const out = [t("scores.automatic", { points: formatPoints(a.points) }, lang)];
  if (a.diaryGaps.length) out.push(t("scores.diaryGaps", { n: a.diaryGaps.length }, lang));
  if (a.daysWithoutCheckIn.length) out.push(t("scores.absent", { n: a.daysWithoutCheckIn.length }, lang));
  if (a.notSynced.length) out.push(t("scores.notSynced", { n: a.notSynced.length }, lang));
  return out;
}

/** The line under a follow-up item (承诺事项): household, owner, due day or who closed it and when. */
export function followUpMeta(f: FollowUpItem, lang?: Lang): string {
  const parts = [f.householdHead, t("followUp.owner", { name: f.ownerName }, lang)];
  if (f.done) {
    parts.push(t("followUp.doneBy", { name: f.doneByName ?? "", at: f.doneAt === null ? "" : formatDateTime(f.doneAt) }, lang));
  } else if (f.due) {
    parts.push(t(f.overdue ? "followUp.overdue" : "followUp.due", { date: f.due }, lang));
  }
  return parts.filter((x) => x).join(" · ");
}

/**
 * Yuan typed in a box of the village ledger (commas and spaces allowed), or null when left
 * empty: a source of money not recorded, never 0. What is not a number gives `NaN`, which the
 * screen refuses before sending (JSON would turn it into null, "not recorded").
 */
export function yuanOf(text: string): number | null {
  const s = text.trim().replace(/[,，\s]/g, "");
  return s === "" ? null : Number(s);
}

/** A head count typed in a box, or null when left empty: nobody counted, unknown, not 0. */
export function countOf(text: string): number | null {
  const s = text.trim();
  return s === "" ? null : Number(s);
}
