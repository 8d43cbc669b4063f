// The lock screen's decisions: which screen for which state, the new PIN's checks, throttled activity.
import { describe, expect, it } from "vitest";
import type { LockStatus } from "./generated/contract";
import { lockView, pinProblem, shouldTouch, TOUCH_EVERY_MS, waitLeft } from "./lock-logic";
import { t } from "./i18n";

const base: LockStatus = {
  keying: "pin",
  hasPin: true,
  pinRequired: false,
  locked: false,
  attemptsLeft: 5,
  blocked: false,
  retryAt: null,
  idleMinutes: 5,
};

describe("lock", () => {
  it("says how long a PIN-keyed store makes the next attempt wait, and stays on the unlock screen", () => {
    const now = new Date(2026, 11, 2, 9, 30, 0).getTime();
    expect(waitLeft(null, now)).toBeNull();
    expect(waitLeft(now, now)).toBeNull();
    expect(waitLeft(now + 4 * 60_000 + 1, now)).toEqual({ minutes: 5, at: "09:34" });
    expect(waitLeft(now + 10_000, now)).toEqual({ minutes: 1, at: "09:30" });
    expect(lockView({ ...base, locked: true, attemptsLeft: 0, retryAt: now + 60_000 })).toBe("unlock");
    expect(t("lock.wait", { at: "09:34", minutes: 5 })).toContain("09:34");
  });

  it("shows the screen the state asks for", () => {
    expect(lockView({ ...base, hasPin: false, pinRequired: true })).toBe("set-pin");
    expect(lockView({ ...base, locked: true })).toBe("unlock");
    expect(lockView({ ...base, locked: true, blocked: true, attemptsLeft: 0 })).toBe("blocked");
    expect(lockView(base)).toBe("open");
    expect(lockView({ ...base, keying: "keystore", hasPin: false })).toBe("open");
  });
  it("checks a new PIN before the core does", () => {
    expect(pinProblem("12ab56", "12ab56")).toBe("lock.digitsOnly");
    expect(pinProblem("12345", "12345")).toBe("lock.tooShort");
    expect(pinProblem("123456", "123465")).toBe("lock.mismatch");
    expect(pinProblem("246810", "246810")).toBeNull();
    expect(t("lock.tooShort", {}, "zh")).toContain("6");
  });
  it("reports activity at most every few seconds", () => {
    expect(shouldTouch(0, TOUCH_EVERY_MS - 1)).toBe(false);
    expect(shouldTouch(0, TOUCH_EVERY_MS)).toBe(true);
  });
});
