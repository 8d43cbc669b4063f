// Inspection findings and the team's answers (整改, issue 16) on a village's page: each
// household or diary entry the draw picked has a 记录问题 (write a finding) button; the finding
// goes to the team's phones at their next sync, and the list below shows it 待整改 until a
// member answers it in the app, then 已答复 with the answer, who and when. The officer who wrote
// it then checks the answer (验收): 验收通过 closes it (已验收); 退回 with a reason sends it back to
// the team (已退回) until they answer again.

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { lang } from "./i18n.js";
import { state } from "./state.js";
import { report } from "./ui.js";

const WORDS = {
  zh: {
    title: "检查发现的问题与整改",
    none: "尚未记录检查发现的问题。随机抽查后,可在抽中的农户或日记下记录问题。",
    write: "记录问题",
    placeholder: "发现的问题,需工作队整改的事项",
    save: "保存并下发",
    saved: "已保存,工作队下次同步时收到",
    subject: "检查对象",
    finding: "发现的问题",
    by: "提出",
    state: "状态",
    answer: "整改答复",
    diaryOf: "民情日记",
    check: "验收",
    accept: "验收通过",
    ret: "退回",
    reason: "退回理由(必填)或验收意见",
    needReason: "退回时请写明理由",
    answeredAgain: "(上次答复被退回后重新答复)",
    reviewNote: "检查人意见",
  },
  en: {
    title: "Inspection findings and answers",
    none: "No finding recorded yet. After a random inspection, write a finding under a household or diary entry drawn.",
    write: "Write a finding",
    placeholder: "What was found, for the team to put right",
    save: "Save and send",
    saved: "Saved; the team receives it at its next sync",
    subject: "Inspected",
    finding: "Finding",
    by: "Raised",
    state: "State",
    answer: "Team's answer",
    diaryOf: "diary entry",
    check: "Check",
    accept: "Accept",
    ret: "Return",
    reason: "Why it is returned (required), or a remark",
    needReason: "Say why the answer is returned",
    answeredAgain: " (answered again after a return)",
    reviewNote: "Inspector's note",
  },
};

function w(key) {
  return (WORDS[lang] ?? WORDS.zh)[key];
}

let reload = null;

/** The village's findings with their answers; reloaded after a finding is written. */
export function findingsSection(villageId) {
  const list = h("div", { "data-testid": "findings-list" });
  reload = () => load(villageId, list);
  reload();
  return h("section", { class: "card", "data-testid": "findings" }, h("h3", null, w("title")), list);
}

async function load(villageId, list) {
  try {
    const data = await api("village/" + encodeURIComponent(villageId) + "/findings");
    const items = data.findings ?? [];
    if (!items.length) {
      fill(list, h("p", { class: "muted", "data-testid": "findings-none" }, w("none")));
      return;
    }
    fill(
      list,
      h(
        "table",
        { class: "grid" },
        h("thead", null, h("tr", null, [w("subject"), w("finding"), w("by"), w("state"), w("answer"), w("check")].map((x) => h("th", null, x)))),
        h(
          "tbody",
          null,
          items.map((f) =>
            h(
              "tr",
              { class: f.state === "open" || f.state === "returned" ? "warn-row" : "", "data-testid": "finding-row", "data-id": f.id },
              h("td", null, f.subject === "household" ? `${f.household_head} ${f.household_group}` : `${f.member_name ?? ""} ${w("diaryOf")} ${f.diary_date ?? ""}`),
              h("td", { class: "text" }, f.text),
              h("td", { class: "nowrap" }, `${f.found_by_name} ${f.found_at_text}`),
              h("td", { class: "nowrap", "data-testid": "finding-state" }, lang === "en" ? f.state : f.state_zh),
              h(
                "td",
                { class: "text", "data-testid": "finding-answer" },
                f.answer ? `${f.answer}(${f.answered_by_name ?? ""} ${f.answered_at_text ?? ""})${f.answered_again ? w("answeredAgain") : ""}` : "—",
              ),
              h("td", { "data-testid": "finding-check" }, checkCell(villageId, f, list)),
            ),
          ),
        ),
      ),
    );
  } catch (err) {
    // Shown in the panel (as the devices panel does), not as the page's error banner.
    if (!err?.handled) fill(list, h("p", { class: "muted", "data-testid": "findings-error" }, String(err?.message ?? err)));
  }
}

/**
 * The officer's check of the answer: the verdict and note once made; for the officer who wrote
 * the finding and an answer not yet checked, 验收通过 and 退回 (with a reason).
 */
function checkCell(villageId, f, list) {
  const done = f.review
    ? h("span", { class: "small", "data-testid": "finding-review" }, [f.review_note ? `${w("reviewNote")}:${f.review_note}` : "", f.reviewed_at_text ?? ""].filter((x) => x).join(" · "))
    : null;
  if (f.state !== "answered" || state.me?.account !== f.found_by) return done ?? "—";
  const note = h("input", { type: "text", placeholder: w("reason"), "data-testid": "finding-review-note" });
  const out = h("span", { class: "small" });
  const decide = async (verdict) => {
    if (verdict === "returned" && !note.value.trim()) return fill(out, w("needReason"));
    try {
      await api("village/" + encodeURIComponent(villageId) + "/findings/" + encodeURIComponent(f.id) + "/review", {
        method: "POST",
        body: { verdict, note: note.value, answer_at: f.answered_at },
      });
      await load(villageId, list);
    } catch (err) {
      // A 409 says the team answered again since: the message asks to reload and check it.
      if (!err?.handled) fill(out, String(err?.message ?? err));
    }
  };
  return h(
    "div",
    { class: "finding-box" },
    note,
    h("button", { type: "button", class: "btn btn-small btn-primary", "data-testid": "finding-accept", onclick: () => decide("accepted") }, w("accept")),
    h("button", { type: "button", class: "btn btn-small", "data-testid": "finding-return", onclick: () => decide("returned") }, w("ret")),
    out,
  );
}

/** A button that opens a box to write a finding on `subject` ({household} or {diary}). */
export function writeFindingButton(villageId, subject) {
  const box = h("div", { class: "finding-box" });
  const open = () => {
    const text = h("textarea", { rows: 2, placeholder: w("placeholder"), "data-testid": "finding-text" });
    const save = h("button", { type: "button", class: "btn btn-primary btn-small", "data-testid": "finding-save" }, w("save"));
    save.onclick = async () => {
      save.disabled = true;
      try {
        await api("village/" + encodeURIComponent(villageId) + "/findings", { method: "POST", body: { ...subject, text: text.value } });
        fill(box, h("span", { class: "muted small", "data-testid": "finding-saved" }, w("saved")));
        if (reload) reload();
      } catch (err) {
        save.disabled = false;
        report(err);
      }
    };
    fill(box, text, save);
  };
  fill(box, h("button", { type: "button", class: "btn btn-small", "data-testid": "finding-write", onclick: open }, w("write")));
  return box;
}
