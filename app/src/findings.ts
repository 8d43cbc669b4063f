// Inspection findings (检查发现的问题, issue 16): what the township or county found on an
// inspected household or diary entry, on Today (waiting for an answer) and on the household
// screen; each open one has a box for what was done and an 答复 (answer) button.
import { h } from "./dom";
import type { FindingItem } from "./generated/contract";
import { t } from "./i18n";
import { formatDateTime } from "./logic";

/** The list; `answer` is called with the finding and the text typed, and redraws the screen. */
export function findingList(items: FindingItem[], answer: (f: FindingItem, text: string, btn: HTMLButtonElement) => void, testid: string): HTMLElement {
  if (!items.length) return h("p", { class: "muted", "data-testid": testid }, t("finding.none"));
  return h(
    "ul",
    { class: "list", "data-testid": testid },
    items.map((f) => {
      const text = h("input", { type: "text", placeholder: t("finding.answerHint"), "data-testid": "finding-answer-text" });
      const btn = h("button", { "data-testid": "finding-answer" }, t("finding.answer"));
      btn.onclick = () => answer(f, text.value, btn);
      const about = f.householdId ? f.householdHead : t("finding.diaryOf", { name: f.diaryMemberName ?? "" });
      return h(
        "li",
        { class: f.answered ? "" : "warn", "data-testid": "finding-item" },
        h("b", {}, f.text),
        h("div", { class: "small muted" }, [about, t("finding.by", { name: f.foundByName, at: formatDateTime(f.foundAt) })].filter((x) => x).join(" · ")),
        f.answered
          ? h("div", { class: "small" }, `${f.answer} · ${t("finding.answeredBy", { name: f.answeredByName ?? "", at: f.answeredAt === null ? "" : formatDateTime(f.answeredAt) })}`)
          : h("div", { class: "row" }, text, btn),
      );
    }),
  );
}
