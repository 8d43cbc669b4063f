// Unit tests of the 月度考核 logic: the chain state's wording, item lines, the live points preview
// (the Rust side's rule) and the checks made before saving.
import { describe, expect, it } from "vitest";
import type { ScoreItemEntry, ScoreSheetView } from "./generated/contract";
import cases from "./generated/score-cases.json";
import { automaticLines, formatPoints, previewPoints, scoreItemLine, scoreItemProblems, scoreStateLabel } from "./logic";

const bonus = (points: number, reason = "协调修通组组路"): ScoreItemEntry => ({ kind: "bonus", points, reason });
const deduction = (points: number, reason = "两天未写民情日记"): ScoreItemEntry => ({ kind: "deduction", points, reason });

describe("monthly scores", () => {
  it("words every place in the chain, a return with the township's reason", () => {
    expect(scoreStateLabel({ state: null, checkNote: "" }, "zh")).toBe("未评分");
    expect(scoreStateLabel({ state: "entered", checkNote: "" }, "zh")).toBe("已录入");
    expect(scoreStateLabel({ state: "confirmed", checkNote: "" }, "zh")).toBe("乡镇已确认");
    expect(scoreStateLabel({ state: "returned", checkNote: "加分依据不足" }, "zh")).toBe("已退回（加分依据不足）");
    expect(scoreStateLabel({ state: "audited", checkNote: "" }, "zh")).toBe("县已审核");
    expect(scoreStateLabel({ state: "returned", checkNote: "no evidence" }, "en")).toBe("Returned (no evidence)");
  });

  it("writes each item with its sign, kind and reason", () => {
    expect(scoreItemLine(bonus(0.5), "zh")).toBe("+0.5 加分：协调修通组组路");
    expect(scoreItemLine(deduction(1), "zh")).toBe("−1 扣分：两天未写民情日记");
    expect(scoreItemLine({ kind: "veto", points: 0, reason: "脱岗" }, "zh")).toBe("一票否决：脱岗");
    expect(scoreItemLine(bonus(2, "road"), "en")).toBe("+2 Bonus: road");
    expect(formatPoints(8.750000001)).toBe("8.75");
  });

  it("previews the points like the device computes them: within 0..max, 0 after a veto", () => {
    expect(previewPoints(10, [], 10)).toBe(10);
    expect(previewPoints(9, [bonus(0.5), deduction(2)], 10)).toBe(7.5);
    expect(previewPoints(10, [bonus(3)], 10)).toBe(10); // bonuses never exceed the ten points
    expect(previewPoints(1, [deduction(5)], 10)).toBe(0);
    expect(previewPoints(10, [bonus(1), { kind: "veto", points: 0, reason: "脱岗" }], 10)).toBe(0);
  });

  it("gives the Rust rule's figure for every generated case (taizhang_rules::sheet_points)", () => {
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      expect(previewPoints(c.automatic, c.items as ScoreItemEntry[], c.max)).toBe(c.points);
    }
  });

  it("lists what must be fixed before saving", () => {
    expect(scoreItemProblems([bonus(0.5), { kind: "veto", points: 0, reason: "脱岗" }])).toEqual([]);
    expect(scoreItemProblems([bonus(0.5, " "), deduction(0), deduction(11, "x")], "zh")).toEqual([
      "第 1 项缺少理由",
      "第 2 项分值应大于 0、不超过 10",
      "第 3 项分值应大于 0、不超过 10",
    ]);
    expect(scoreItemProblems(Array.from({ length: 21 }, () => bonus(0.5)), "en")).toEqual(["At most 20 items"]);
  });

  it("explains the automatic figures, days not synced apart from gaps", () => {
    const s: Pick<ScoreSheetView, "automatic"> = {
      automatic: { points: 9, diaryGaps: ["2026-10-08", "2026-10-09"], daysWithoutCheckIn: [], notSynced: ["2026-10-31"], explanation: "" },
    };
    expect(automaticLines(s, "zh")).toEqual(["记录自动计算：9 分", "未写日记 2 天", "1 天尚未同步（不计为缺漏）"]);
  });
});
