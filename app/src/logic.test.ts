// Unit tests of the UI's pure logic: routes, calendar layout, time and byte formatting, error wording.
import { describe, expect, it } from "vitest";
import type { FollowUpItem, TeamDay } from "./generated/contract";
import { calendarWeeks, countOf, dayClass, docLabel, daysBehind, errorText, followUpMeta, formatBytes, formatDateTime, parseRoute, routeHash, shanghaiParts, shiftMonth, tabOf, yuanOf } from "./logic";

const day = (date: string, over: Partial<TeamDay> = {}): TeamDay => ({
  date,
  present: ["李明"],
  onLeave: [],
  nobody: false,
  excused: false,
  future: false,
  ...over,
});

describe("routes", () => {
  it("round-trips every screen through the hash", () => {
    const routes = [
      { screen: "today" },
      { screen: "households" },
      { screen: "household", id: "0193-ab" },
      { screen: "household-edit", id: null },
      { screen: "household-edit", id: "x" },
      { screen: "visit", household: "h1" },
      { screen: "visit", household: null },
      { screen: "diary", month: "2026-10" },
      { screen: "team", month: null },
      { screen: "sync" },
      { screen: "setup" },
    ] as const;
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });
  it("sends unknown hashes to Today and lights the Households tab on a household", () => {
    expect(parseRoute("#/nowhere")).toEqual({ screen: "today" });
    expect(parseRoute("")).toEqual({ screen: "today" });
    expect(tabOf({ screen: "household", id: "1" })).toBe("households");
    expect(tabOf({ screen: "sync" })).toBe("sync");
  });
});

describe("time", () => {
  it("cuts days at Shanghai midnight", () => {
    // 2026-11-24T16:00:00Z is 2026-11-25 00:00 in Shanghai.
    expect(shanghaiParts(1_795_536_000_000)).toEqual({ date: "2026-11-25", time: "00:00" });
    expect(shanghaiParts(1_795_536_000_000 - 60_000).date).toBe("2026-11-24");
    expect(formatDateTime(1_795_536_000_000 + 9.5 * 3600_000)).toBe("2026-11-25 09:30");
  });
  it("shifts months across years", () => {
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2026-11", 0)).toBe("2026-11");
  });
});

describe("team calendar", () => {
  it("lays a month out Monday first with padding", () => {
    // November 2026 starts on a Sunday (weekday 6 counting from Monday = 0).
    const days = Array.from({ length: 30 }, (_, i) => day(`2026-11-${String(i + 1).padStart(2, "0")}`));
    const weeks = calendarWeeks(days, 6);
    expect(weeks).toHaveLength(6);
    expect(weeks[0].slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(weeks[0][6]?.date).toBe("2026-11-01");
    expect(weeks[5][0]?.date).toBe("2026-11-30");
    expect(weeks.every((w) => w.length === 7)).toBe(true);
  });
  it("makes days with nobody in the village stand out", () => {
    expect(dayClass(day("2026-11-02", { present: [], nobody: true }))).toContain("nobody");
    expect(dayClass(day("2026-11-02", { present: [], excused: true }))).toContain("excused");
    expect(dayClass(day("2026-11-30", { present: [], future: true }))).toContain("future");
    expect(dayClass(day("2026-11-03"))).toContain("present");
  });
  it("counts days behind the 200-day pace", () => {
    expect(daysBehind(150, 181)).toBe(31);
    expect(daysBehind(190, 181)).toBe(0);
  });
});

describe("errors in plain words", () => {
  it("words a lost connection as nothing lost, in both languages", () => {
    const e = { code: "SERVER_UNREACHABLE", message: "connection refused", field: null };
    expect(errorText(e, "zh").text).toContain("不会丢失");
    expect(errorText(e, "en").text).toContain("saved on this device");
    expect(errorText(e, "zh").detail).toBe("connection refused");
  });
  it("names the field of a validation error", () => {
    const e = { code: "INVALID_INPUT", message: "findings must not be empty", field: "findings" };
    expect(errorText(e, "zh").text).toContain("了解到的情况");
    expect(errorText(e, "en").text).toContain("What you found");
  });
  it("treats anything else as an internal fault with its message", () => {
    expect(errorText(new Error("boom"), "en")).toEqual({ text: "The app had a fault.", detail: "boom" });
  });
  it("formats byte counts", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});

describe("documents in plain words", () => {
  it("names the registry, a month's log and a year's team document", () => {
    expect(docLabel("registry", "zh")).toContain("农户");
    expect(docLabel("log/0193-abc/2026-11", "zh")).toBe("2026-11 工作记录（走访、日记、打卡）");
    expect(docLabel("team/2026", "en")).toBe("Team 2026 (leave, filings)");
    expect(docLabel("something/new", "en")).toBe("something/new");
  });
});

describe("follow-up items", () => {
  const item: FollowUpItem = {
    id: "1",
    householdId: "2",
    householdHead: "王大山",
    text: "申请危房改造",
    ownerName: "李明",
    mine: true,
    due: "2026-11-20",
    overdue: true,
    done: false,
    doneByName: null,
    doneAt: null,
    doneNote: "",
    projectId: null,
    projectName: "",
    projectState: null,
    photos: 0,
  };
  it("says whose it is and flags an overdue one", () => {
    expect(followUpMeta(item, "zh")).toBe("王大山 · 负责人 李明 · 已逾期（应于 2026-11-20 前办结）");
    expect(followUpMeta({ ...item, overdue: false }, "en")).toBe("王大山 · owner 李明 · due 2026-11-20");
    expect(followUpMeta({ ...item, due: null, overdue: false }, "zh")).toBe("王大山 · 负责人 李明");
  });
  it("says who closed it and when", () => {
    // 2026-11-25 10:00 in Shanghai.
    const done = { ...item, overdue: false, done: true, doneByName: "王芳", doneAt: 1_795_536_000_000 + 10 * 3_600_000 };
    expect(followUpMeta(done, "zh")).toBe("王大山 · 负责人 李明 · 王芳 于 2026-11-25 10:00 办结");
  });
});

describe("village ledger inputs", () => {
  it("keeps an empty box unknown, never 0", () => {
    expect(countOf("")).toBeNull();
    expect(countOf("  ")).toBeNull();
    expect(countOf("23")).toBe(23);
    expect(countOf("0")).toBe(0); // sent as typed: the domain refuses 0 with its words
    expect(yuanOf("")).toBeNull();
    expect(yuanOf("300,000")).toBe(300000);
    expect(yuanOf("1 500")).toBe(1500);
  });
  it("routes to the ledger screen and lights its tab", () => {
    expect(parseRoute("#/ledger")).toEqual({ screen: "ledger" });
    expect(routeHash({ screen: "ledger" })).toBe("#/ledger");
    expect(tabOf({ screen: "ledger" })).toBe("ledger");
  });
  it("names the ledger's fields in a refusal", () => {
    const e = { code: "INVALID_INPUT", message: "meeting topics must not be empty", field: "topics" };
    expect(errorText(e, "zh").text).toContain("议题");
    expect(errorText({ ...e, field: "attendance" }, "en").text).toContain("not 0");
  });
});
