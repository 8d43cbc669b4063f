// Pieces the county page's screens share: the error banner, the loading line, the period
// picker, the export grid, and figures with their explanation. Every figure the rules engine
// computed is clickable and explained (rule, policy value, note): scores are the county's
// tool, explained record by record, never a bare number.

import { $, fill, h } from "./dom.js";
import { exportHref } from "./api.js";
import { fmtNum, fmtPoints, ruleText } from "./format.js";
import { t } from "./i18n.js";

export const DATASETS = ["attendance", "visits", "diary", "scores"];
export const DATASET_KEYS = { attendance: "dsAttendance", visits: "dsVisits", diary: "dsDiary", scores: "dsScores" };
export const FORMATS = ["csv", "xlsx"];

/** Shows an error above the screen (or hides the banner when `message` is empty). */
export function banner(message) {
  const el = $("#banner");
  el.hidden = !message;
  fill(el, message ? h("span", null, message) : null, message ? h("button", { type: "button", class: "link", onclick: () => banner("") }, "×") : null);
}

export function report(err) {
  if (err?.handled) return;
  banner(`${t("errorGeneric")}: ${err?.message ?? err}`);
  console.error(err);
}

export function closeDialogs() {
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
}

export function showLoading() {
  fill($("#view"), h("p", { class: "loading", "data-testid": "loading" }, t("loading")));
}

export function periodPicker(period, today, onApply) {
  const from = h("input", { type: "date", value: period.from, "data-testid": "period-from", required: true });
  const to = h("input", { type: "date", value: period.to, "data-testid": "period-to", required: true });
  const form = h(
    "form",
    { class: "period", "data-testid": "period" },
    h("span", { class: "period-label" }, t("period")),
    h("label", null, h("span", { class: "sr" }, t("from")), from),
    h("span", null, t("to")),
    h("label", null, h("span", { class: "sr" }, t("to")), to),
    h("button", { type: "submit", class: "btn", "data-testid": "period-apply" }, t("apply")),
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
export function exportGrid(title, scope, prefix) {
  const rows = DATASETS.map((ds) =>
    h(
      "div",
      { class: "export-row" },
      h("span", { class: "export-name" }, t(DATASET_KEYS[ds])),
      FORMATS.map((fmt) =>
        h("a", { class: "btn btn-small", href: exportHref(ds, fmt, scope), download: true, "data-testid": `${prefix}-${ds}-${fmt}` }, fmt.toUpperCase()),
      ),
    ),
  );
  return h("section", { class: "card exports", "data-testid": prefix }, h("h3", null, title), h("div", { class: "export-grid" }, rows), h("p", { class: "muted small" }, t("exportsHint")));
}

/**
 * A figure's value as a button that opens its explanation. `figure` is a Figure from the API
 * (may be missing: then the value is plain text). `label` titles the explanation; `extra`, a
 * function returning nodes, adds to it what the figure alone does not say (entered items).
 */
export function fig(figure, shown, label, { cls = "", testid, extra } = {}) {
  if (!figure || !figure.rule) return h("span", { class: cls, "data-testid": testid }, shown);
  return h("button", { type: "button", class: `fig ${cls}`, title: t("explainHint"), "data-testid": testid, onclick: () => explain(label, shown, figure, extra) }, shown);
}

function explain(label, shown, figure, extra) {
  const dialog = $("#explain");
  const counted = Array.isArray(figure.counted) ? figure.counted : [];
  fill(
    dialog,
    h("h3", { "data-testid": "explain-title" }, label),
    h("p", { class: "explain-value" }, shown),
    h(
      "dl",
      null,
      h("dt", null, t("explainRule")),
      h("dd", { "data-testid": "explain-rule" }, ruleText(figure.rule)),
      h("dt", null, t("explainPolicy")),
      h("dd", null, h("code", null, figure.rule?.policy_value ?? "")),
      h("dt", null, t("explainCode")),
      h("dd", null, h("code", null, figure.rule?.code ?? "")),
      h("dt", null, t("explainNote")),
      h("dd", { "data-testid": "explain-note" }, figure.note ?? ""),
    ),
    extra ? extra() : null,
    counted.length
      ? h("details", null, h("summary", null, t("explainCounted", { n: counted.length })), h("p", { class: "ids" }, counted.slice(0, 500).join(", "), counted.length > 500 ? " …" : ""))
      : null,
    h("form", { method: "dialog" }, h("button", { class: "btn", "data-testid": "explain-close" }, t("close"))),
  );
  if (dialog.open) dialog.close();
  dialog.showModal();
}

/** The overview's flag in three tiers (正常 / 提醒 / 需关注), explained when the server gives the figure. */
export function statusBadge(status, flag, label = "") {
  const tier = { normal: ["badge-ok", "statusOk"], ok: ["badge-ok", "statusOk"], notice: ["badge-warn", "statusNotice"], attention: ["badge-bad", "statusAttention"] }[status] ?? ["badge-none", "statusAttention"];
  const b = fig(flag, t(tier[1]), label ? `${label} · ${t("colStatus")}` : t("colStatus"), { cls: `badge ${tier[0]}`, testid: "status-badge" });
  b.dataset.status = status ?? "";
  return b;
}

/** A number cell that is highlighted when it is above 0 (a count that should be 0). */
export function warnCount(v) {
  return h("td", { class: `num${v > 0 ? " warn" : ""}` }, fmtNum(v));
}

/** The four components of a scheme A score, each with its note: the total's explanation. */
export function schemeAParts(a) {
  const parts = [
    ["fResults", a.results],
    ["fEvaluation", a.evaluation],
    ["fDiscipline", a.discipline],
    ["fAssessment", a.assessment],
  ];
  return h(
    "div",
    { class: "explain-extra", "data-testid": "explain-parts" },
    h("h4", null, t("explainParts")),
    h(
      "dl",
      null,
      parts.map(([key, f]) => [h("dt", null, t(key)), h("dd", null, h("strong", null, fmtPoints(f?.value)), f?.note ? h("span", { class: "muted" }, ` · ${f.note}`) : null)]),
    ),
  );
}
