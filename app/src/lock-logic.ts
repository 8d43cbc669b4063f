// The app lock's decisions without the DOM (issue 21): which lock screen, what is wrong with a new PIN, when to report activity.
import type { LockStatus } from "./generated/contract";
import type { Key } from "./i18n";

/** What the window shows before anything else. */
export type LockView = "set-pin" | "unlock" | "blocked" | "open";

export function lockView(s: LockStatus): LockView {
  if (s.pinRequired) return "set-pin";
  if (s.blocked) return "blocked";
  if (s.locked) return "unlock";
  return "open";
}

/**
 * While a PIN-keyed store makes the next attempt wait (after five wrong PINs): the minutes left
 * (rounded up, at least 1) and the clock time of the next attempt; null when an attempt is taken now.
 */
export function waitLeft(retryAt: number | null, now: number): { minutes: number; at: string } | null {
  if (retryAt === null || retryAt <= now) return null;
  const d = new Date(retryAt);
  const at = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return { minutes: Math.max(1, Math.ceil((retryAt - now) / 60_000)), at };
}

/** The shortest PIN the core accepts (taizhang_client::keystore::PIN_MIN_LEN). */
export const PIN_MIN_LEN = 6;

/** Why a new PIN (typed twice) cannot be set, or null. */
export function pinProblem(pin: string, again: string): Key | null {
  if (!/^[0-9]*$/.test(pin)) return "lock.digitsOnly";
  if (pin.length < PIN_MIN_LEN) return "lock.tooShort";
  if (pin !== again) return "lock.mismatch";
  return null;
}

/** Activity is reported to the core at most this often (ms): the idle time counts in minutes. */
export const TOUCH_EVERY_MS = 15_000;

/** Whether activity at `now` should be reported, the last report having been at `last`. */
export function shouldTouch(last: number, now: number): boolean {
  return now - last >= TOUCH_EVERY_MS;
}

/** The idle times offered (minutes). */
export const IDLE_CHOICES = [1, 2, 5, 10, 30] as const;
