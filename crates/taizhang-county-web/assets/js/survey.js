// The villagers' survey of a team member's year (民主测评 / 村民测评, seed 003; issue 22): the
// township or the county enters the ballots (满意 / 基本满意 / 不满意) under the member's scheme A
// cell; the server derives scheme A's villagers' evaluation (群众评议, 20 %) from them when the
// county typed no points, and the figure's explanation shows the sum.

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { lang } from "./i18n.js";

const WORDS = {
  zh: {
    button: "录入民主测评",
    title: "民主测评",
    satisfied: "满意",
    basically: "基本满意",
    dissatisfied: "不满意",
    note: "说明(如:村民代表会议)",
    save: "保存",
    shown: "民主测评 {n} 票:满意 {s}、基本满意 {b}、不满意 {d}({by} {at})",
    need: "请录入票数(合计至少1票)",
  },
  en: {
    button: "Enter villagers' survey",
    title: "Villagers' survey",
    satisfied: "Satisfied",
    basically: "Basically satisfied",
    dissatisfied: "Dissatisfied",
    note: "Note (e.g. villagers' representatives meeting)",
    save: "Save",
    shown: "Survey of {n} ballots: {s} satisfied, {b} basically, {d} dissatisfied ({by} {at})",
    need: "Enter the ballots (at least 1 in all)",
  },
};

function w(key, vars = {}) {
  let s = (WORDS[lang] ?? WORDS.zh)[key];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

function when(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The survey of `m` (a village page member line) for `year`, and the control to enter it; `saved` reloads the page. */
export function surveyBlock(villageId, m, year, saved) {
  const s = m.survey;
  const shown = s
    ? h(
        "div",
        { class: "small muted", "data-testid": "survey-shown" },
        w("shown", {
          n: s.survey.satisfied + s.survey.basically_satisfied + s.survey.dissatisfied,
          s: s.survey.satisfied,
          b: s.survey.basically_satisfied,
          d: s.survey.dissatisfied,
          by: s.entered_by_name,
          at: when(s.entered_at),
        }),
      )
    : null;
  const box = h("div", { class: "finding-box" });
  const open = () => {
    const num = (testid, v) => h("input", { type: "number", min: "0", step: "1", value: String(v ?? 0), "data-testid": testid, style: "width:5em" });
    const sat = num("survey-satisfied", s?.survey.satisfied);
    const basic = num("survey-basically", s?.survey.basically_satisfied);
    const dis = num("survey-dissatisfied", s?.survey.dissatisfied);
    const note = h("input", { type: "text", placeholder: w("note"), value: s?.note ?? "", "data-testid": "survey-note" });
    const out = h("span", { class: "small" });
    const save = h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "survey-save" }, w("save"));
    save.onclick = async () => {
      const body = {
        satisfied: Number(sat.value) || 0,
        basically_satisfied: Number(basic.value) || 0,
        dissatisfied: Number(dis.value) || 0,
        note: note.value,
      };
      if (body.satisfied + body.basically_satisfied + body.dissatisfied < 1) return fill(out, w("need"));
      try {
        await api(`village/${encodeURIComponent(villageId)}/member/${encodeURIComponent(m.id)}/survey/${year}`, { method: "PUT", body });
        saved();
      } catch (err) {
        if (!err?.handled) fill(out, String(err?.message ?? err));
      }
    };
    fill(
      box,
      h("b", null, w("title")),
      h("label", null, w("satisfied"), " ", sat),
      h("label", null, w("basically"), " ", basic),
      h("label", null, w("dissatisfied"), " ", dis),
      note,
      save,
      out,
    );
  };
  fill(box, h("button", { type: "button", class: "btn btn-small", "data-testid": "survey-entry", onclick: open }, w("button")));
  return h("div", { "data-testid": "survey" }, shown, box);
}
