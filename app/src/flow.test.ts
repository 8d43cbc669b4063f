// Unit tests of the issue-14 UI logic: leave kinds and the buttons each viewer gets, 补记 and
// correcting the diary, the filing card's window and gaps.
import { describe, expect, it } from "vitest";
import type { DiaryItem, LeaveItem, MonthGaps } from "./generated/contract";
import { TABLES } from "./i18n";
import {
  daysInMonth,
  diaryDateBounds,
  diaryEntryMeta,
  diaryWritable,
  entryOf,
  filingText,
  gapLines,
  LEAVE_KINDS,
  leaveActions,
  leaveStateLabel,
} from "./logic";

const leave = (over: Partial<LeaveItem> = {}): LeaveItem => ({
  id: "l1",
  memberId: "m1",
  memberName: "李明",
  from: "2026-11-23",
  to: "2026-11-24",
  reason: "县里培训",
  state: "pending",
  decidedBy: null,
  kind: "training",
  returnedOn: null,
  canDecide: false,
  canWithdraw: false,
  canReportBack: false,
  ...over,
});

const entry = (over: Partial<DiaryItem> = {}): DiaryItem => ({
  id: "d1",
  date: "2026-11-24",
  text: "召开村两委会",
  amends: null,
  photos: 0,
  writtenAt: Date.UTC(2026, 10, 24, 12, 0), // 20:00 in Shanghai
  backfilled: false,
  ...over,
});

const gaps = (over: Partial<MonthGaps> = {}): MonthGaps => ({
  memberId: "m1",
  memberName: "李明",
  month: "2026-11",
  window: "open",
  opens: "2026-12-01",
  due: "2026-12-05",
  diaryGaps: [],
  daysWithoutCheckIn: [],
  notSynced: [],
  filedAt: null,
  filedBy: null,
  canFile: true,
  submittedAt: null,
  submittedGaps: [],
  submissionNote: "",
  canSubmit: false,
  ...over,
});

describe("leave", () => {
  it("offers the six kinds of seed 003, each worded in both languages", () => {
    expect(LEAVE_KINDS).toEqual(["personal", "sick", "official_trip", "training", "rest", "other"]);
    for (const k of LEAVE_KINDS) {
      expect(TABLES.zh[`leaveKind.${k}`]).toBeTruthy();
      expect(TABLES.en[`leaveKind.${k}`]).toBeTruthy();
    }
    expect(TABLES.zh["leaveKind.official_trip"]).toBe("因公外出");
  });
  it("shows only the buttons the Rust side allows: never deciding one's own", () => {
    expect(leaveActions(leave({ canWithdraw: true }))).toEqual(["withdraw"]);
    expect(leaveActions(leave({ canDecide: true }))).toEqual(["approve", "reject"]);
    expect(leaveActions(leave({ state: "approved", canReportBack: true }))).toEqual(["reportBack"]);
    expect(leaveActions(leave({ state: "withdrawn" }))).toEqual([]);
  });
  it("words withdrawn and reported-back leave", () => {
    expect(leaveStateLabel(leave({ state: "withdrawn" }), "zh")).toBe("已撤回");
    expect(leaveStateLabel(leave({ state: "approved", returnedOn: "2026-11-24" }), "zh")).toBe("已销假（2026-11-24 返岗）");
    expect(leaveStateLabel(leave({ state: "approved" }), "en")).toBe("Approved");
  });
});

describe("diary", () => {
  const view = { month: "2026-11", today: "2026-11-25", filed: false, earliestDate: "2026-10-01" };
  it("writes in the current month and back-fills the unfiled last month, never a filed or future one", () => {
    expect(diaryWritable(view)).toBe(true);
    expect(diaryWritable({ ...view, month: "2026-10" })).toBe(true);
    expect(diaryWritable({ ...view, month: "2026-09" })).toBe(false);
    expect(diaryWritable({ ...view, month: "2026-10", filed: true })).toBe(false);
    expect(diaryWritable({ ...view, month: "2026-11", earliestDate: "2026-11-01" })).toBe(true);
    expect(diaryWritable({ ...view, month: "2026-10", earliestDate: "2026-11-01" })).toBe(false);
  });
  it("limits the date picker to the shown month, from the earliest day to today", () => {
    expect(diaryDateBounds(view)).toEqual({ min: "2026-11-01", max: "2026-11-25", initial: "2026-11-25" });
    expect(diaryDateBounds({ ...view, month: "2026-10" })).toEqual({ min: "2026-10-01", max: "2026-10-31", initial: "2026-10-31" });
    expect(daysInMonth("2028-02")).toBe(29);
  });
  it("finds the day's original entry to correct, not an amendment", () => {
    const list = [entry(), entry({ id: "a1", amends: "d1" }), entry({ id: "d2", date: "2026-11-25" })];
    expect(entryOf(list, "2026-11-24")?.id).toBe("d1");
    expect(entryOf(list, "2026-11-23")).toBeUndefined();
  });
  it("marks a back-filled entry with when it was written", () => {
    const back = entry({ date: "2026-11-20", backfilled: true });
    expect(diaryEntryMeta(back, "zh")).toBe("补记 · 2026-11-20 · 写于 2026-11-24 20:00");
    expect(diaryEntryMeta(entry(), "en")).toBe("2026-11-24 · written 2026-11-24 20:00");
  });
});

describe("filing", () => {
  it("says when a month can be filed and by when", () => {
    expect(filingText(gaps({ window: "not_yet", canFile: false }), "zh")).toBe("本月结束后才能备案（2026-12-01 起）");
    expect(filingText(gaps(), "en")).toBe("Ready to file; please file by 2026-12-05");
    expect(filingText(gaps({ window: "late" }), "zh")).toContain("逾期");
    const filed = gaps({ window: "filed", filedAt: Date.UTC(2026, 11, 2, 1, 0), filedBy: "李明" });
    expect(filingText(filed, "zh")).toBe("已于 2026-12-02 由 李明 备案，只读");
  });
  it("lists the month's gaps before filing, leaving out empty lists", () => {
    expect(gapLines(gaps(), "zh")).toEqual([]);
    const g = gaps({ diaryGaps: ["2026-11-02", "2026-11-23"], daysWithoutCheckIn: ["2026-11-03"] });
    expect(gapLines(g, "zh")).toEqual([
      { label: "未写日记 2 天", days: "2、23" },
      { label: "无考勤且未请假 1 天", days: "3" },
    ]);
  });
});
