// What county staff enter, in one <dialog> (#entry): a member's yearly scheme A components,
// training days and seven ones (a month's scheme B score is its sheet's, audited on the page). The county's policy, on the
// server, is the one judge of what is in range; the server's message stays in the form.

import { api } from "./api.js";
import { $, fill, h } from "./dom.js";
import { fmtNum, itemName, yearOf } from "./format.js";
import { lang, t } from "./i18n.js";
import { state } from "./state.js";
import { closeDialogs } from "./ui.js";

/**
 * Opens the entry dialog with a form. `collect()` reads the controls and returns `{body}` or
 * `{error}`; the body is PUT to `path`. On success the dialog closes and `saved()` reloads the
 * village (the server recomputes every figure); on an error the server's message stays in the form,
 * whose values are kept so they can be corrected. The form is `novalidate`: the county's
 * policy, on the server, is the one judge of what is in range.
 */
function openEntry({ title, testid, controls, collect, path, saved }) {
  const dialog = $("#entry");
  const error = h("p", { class: "entry-error", "data-testid": "entry-error", role: "alert", hidden: true });
  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "entry-save" }, t("save"));
  const cancel = h("button", { type: "button", class: "btn", "data-testid": "entry-cancel", onclick: () => dialog.close() }, t("cancel"));
  const showError = (message) => {
    error.textContent = message;
    error.hidden = false;
  };
  const form = h("form", { class: "entry-form", "data-testid": testid, novalidate: true }, h("h3", { "data-testid": "entry-title" }, title), controls, error, h("div", { class: "entry-actions" }, cancel, save));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const collected = collect();
    if (collected.error) return showError(collected.error);
    error.hidden = true;
    save.disabled = true;
    save.textContent = t("saving");
    try {
      await api(path, { method: "PUT", body: collected.body });
      dialog.close();
      saved();
    } catch (err) {
      if (!err.handled) showError(err.message);
    } finally {
      save.disabled = false;
      save.textContent = t("save");
    }
  });
  fill(dialog, form);
  closeDialogs();
  dialog.showModal();
}

/**
 * A labelled number input. `read()` gives `{value}` (null when empty: not entered) or
 * `{error}` when the browser could not read what was typed as a number.
 */
function numberField(label, hint, value, { min, max, step, testid }) {
  const input = h("input", { type: "number", min, max, step, value: value ?? "", "data-testid": testid, class: "narrow" });
  return {
    node: h("label", { class: "entry-field" }, h("span", { class: "entry-label" }, label), input, h("span", { class: "muted small" }, hint)),
    read() {
      if (input.validity.badInput) return { error: t("badNumber", { field: label }) };
      return { value: input.value === "" ? null : Number(input.value) };
    },
  };
}

function memberPath(villageId, memberId, tail) {
  return `village/${encodeURIComponent(villageId)}/member/${encodeURIComponent(memberId)}/${tail}`;
}

/**
 * Scheme A's entered components, training days and seven ones for the period's year;
 * `saved()` runs once the server took them.
 */
export function openYearEntry(data, member, saved) {
  const policy = state.policy ?? {};
  const a = policy.scheme_a ?? {};
  const year = yearOf(data.period);
  const inputs = member.inputs ?? {};
  const points = [
    ["results", "fResults", a.results],
    ["evaluation", "fEvaluation", a.evaluation],
    ["assessment", "fAssessment", a.assessment],
  ].map(([key, label, max]) => ({ key, ...numberField(t(label), t("maxPoints", { max: fmtNum(max) }), inputs[key], { min: 0, max, step: 0.5, testid: `entry-${key}` }) }));
  const training = {
    key: "training_days",
    ...numberField(t("fTraining"), t("trainingReq", { n: fmtNum(policy.min_training_days_per_year) }), inputs.training_days, { min: 0, max: 366, step: 1, testid: "entry-training" }),
  };
  const duties = policy.seven_ones ?? [];
  // Only the items the records cannot decide are entered; the server refuses the others.
  const selects = duties.filter((i) => !i.derive).map((item) => dutySelect(item, inputs.seven_ones?.[item.code]));
  const derived = duties.filter((i) => i.derive).map(itemName);
  const controls = [
    h("p", { class: "muted small" }, t("entryYearHint")),
    h("div", { class: "entry-grid" }, points.map((f) => f.node), training.node),
    h(
      "fieldset",
      { class: "entry-seven" },
      h("legend", null, t("sevenEntered")),
      h("div", { class: "entry-grid" }, selects.map((x) => x.node)),
      derived.length ? h("p", { class: "muted small" }, t("sevenDerived", { items: derived.join(lang === "en" ? ", " : "、") })) : null,
    ),
  ];
  const collect = () => {
    const body = {};
    for (const f of [...points, training]) {
      const r = f.read();
      if (r.error) return r;
      if (r.value != null) body[f.key] = r.value; // left empty: not entered, so left out
    }
    const seven = {};
    for (const x of selects) if (x.select.value !== "") seven[x.code] = x.select.value === "done";
    if (Object.keys(seven).length) body.seven_ones = seven;
    return { body };
  };
  openEntry({
    title: t("entryYearTitle", { name: member.name ?? "", year }),
    testid: "year-entry-form",
    controls,
    collect,
    path: memberPath(data.village?.id, member.id, `year/${year}`),
    saved,
  });
}

/** Three states for a seven-ones item: done, not done, not entered (`value` true/false/absent). */
function dutySelect(item, value) {
  const current = value === true ? "done" : value === false ? "not_done" : "";
  const option = (v, key) => h("option", { value: v, selected: v === current }, t(key));
  const select = h("select", { "data-testid": `entry-seven-${item.code}`, "data-code": item.code }, option("", "optNotEntered"), option("done", "optDone"), option("not_done", "optNotDone"));
  return { code: item.code, select, node: h("label", { class: "entry-field" }, h("span", { class: "entry-label" }, itemName(item)), select) };
}

