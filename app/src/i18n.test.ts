// The translation tables: both languages complete, every error code worded, placeholders kept.
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./generated/contract";
import { CAUSES, causeKey, errorKey, t, TABLES, type Key } from "./i18n";

describe("i18n", () => {
  it("has the same keys and placeholders in Chinese and English", () => {
    const zh = Object.keys(TABLES.zh).sort();
    expect(Object.keys(TABLES.en).sort()).toEqual(zh);
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of zh as Key[]) expect(holes(TABLES.en[k]), k).toEqual(holes(TABLES.zh[k]));
    for (const k of zh as Key[]) expect(TABLES.en[k].trim(), k).not.toBe("");
  });
  it("words every error code of the contract", () => {
    for (const code of ERROR_CODES) {
      expect(TABLES.zh[errorKey(code)], code).toBeTruthy();
      expect(TABLES.en[errorKey(code)], code).toBeTruthy();
    }
  });
  it("names every cause of poverty and fills placeholders", () => {
    for (const c of CAUSES) expect(causeKey(c)).not.toBeNull();
    expect(t("cause.illness", {}, "zh")).toBe("因病");
    expect(t("today.required", { req: 181, target: 200 }, "zh")).toBe("到今天应满 181 天（全年至少 200 天）");
    expect(t("today.required", { req: 181, target: 200 }, "en")).toBe("181 days needed by today (200 a year)");
  });
  it("defaults to Simplified Chinese", () => {
    expect(t("tab.today")).toBe("今日");
  });
});
