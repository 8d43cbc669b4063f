// Small formatting helpers of the county page: numbers, points, dates, months, and the names
// of grades, roles, rules and policy items in the current language.

import { MONTHS_EN, ROLES_EN, lang, t } from "./i18n.js";

export function fmtNum(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return v == null ? "—" : String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Scheme A points with at most two decimals, cut rather than rounded: discipline is not
 * rounded by the rules, and a total of 89.996 must not show as "90.00" next to 称职.
 */
export function fmtPoints(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return "—";
  const cut = Math.floor(v * 100 + 1e-6) / 100;
  return Number.isInteger(cut) ? String(cut) : String(cut.toFixed(2)).replace(/0$/, "");
}

/** A scheme A grade's name (`excellent` → 优秀). */
export function gradeText(grade) {
  return grade ? t(`grade_${grade}`) : t("notEntered");
}

/** The badge colour of a grade: a colour always next to the grade's name, never alone. */
export const GRADE_CLASS = { excellent: "badge-ok", competent: "badge-ok", basically_competent: "badge-warn", incompetent: "badge-bad" };

/** The name of a policy item (`{zh, en}`) in the current language. */
export function itemName(item) {
  return (lang === "en" ? item?.en : item?.zh) || item?.zh || item?.en || item?.code || "";
}

/** A month as `YYYY-MM`, whether the server sent a string or `{year, month}`. */
export function monthText(m) {
  if (m && typeof m === "object") return `${m.year}-${String(m.month).padStart(2, "0")}`;
  return String(m ?? "");
}

/** Days from `a` to `b` (`YYYY-MM-DD`), computed in UTC so no time zone shifts a date. */
export function dayDiff(a, b) {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 86400000);
}

export function isoDate(y, m, d) {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The months `{y, m}` from the month of `from` to the month of `to`, inclusive. */
export function monthsBetween(from, to) {
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

export function monthTitle(y, m) {
  return t("monthTitle", { y, m, mon: MONTHS_EN[m - 1] });
}

export function weekdayIndex(date) {
  return (new Date(date + "T00:00:00Z").getUTCDay() + 6) % 7; // Monday = 0
}

export function roleText(member) {
  if (lang === "en") return ROLES_EN[member.role] ?? String(member.role ?? "").replace(/_/g, " ");
  return member.role_zh || member.role || "";
}

/** A rule's text in the current language. */
export function ruleText(rule) {
  if (!rule) return "";
  return (lang === "en" ? rule.en : rule.zh) || rule.zh || rule.en || "";
}

/** The name of one of the seven ones, without the "七个一:" / "seven ones:" prefix. */
export function dutyName(figure) {
  return ruleText(figure.rule).replace(/^七个一\s*[::]\s*/, "").replace(/^seven ones\s*:\s*/i, "");
}

export const listLength = (v) => (Array.isArray(v) ? v.length : 0);

/** The year the period ends in: the year entered scores and grades belong to. */
export function yearOf(period) {
  return Number(String(period?.to ?? "").slice(0, 4)) || new Date().getFullYear();
}
