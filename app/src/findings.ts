// Inspection findings (检查发现的问题, issue 16): what the township or county found on an
// inspected household or diary entry, on Today (waiting for an answer) and on the household
// screen; each open one has a box for what was done and an 答复 (answer) button.
import { h } from "./dom";
import type { FindingItem } from "./generated/contract";
import { t } from "./i18n";
import { formatDateTime } from "./logic";

/** Whether the team has something to do: not answered yet, or the answer was returned (已退回). */
export function needsAnswer(f: FindingItem): boolean {
  return f.state === "open" || f.state === "returned";
}

/** The finding's state in words (待整改 / 已答复，待验收 / 已退回 / 已验收). */
export function findingStateWords(f: FindingItem): string {
  switch (f.state) {
    case "open":
      return t("finding.stateOpen");
    case "returned":
      return t("finding.stateReturned");
    case "accepted":
      return t("finding.stateAccepted");
    default:
      return t("finding.stateAnswered");
  }
}

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
        { class: needsAnswer(f) ? "warn" : "", "data-testid": "finding-item", "data-state": f.state },
        h("b", {}, f.text),
        h("div", { class: "small muted" }, [about, t("finding.by", { name: f.foundByName, at: formatDateTime(f.foundAt) }), findingStateWords(f)].filter((x) => x).join(" · ")),
        f.answered
          ? h("div", { class: "small" }, `${f.answer} · ${t("finding.answeredBy", { name: f.answeredByName ?? "", at: f.answeredAt === null ? "" : formatDateTime(f.answeredAt) })}`)
          : null,
        f.state === "returned" ? h("div", { class: "small warn", "data-testid": "finding-returned" }, t("finding.returnedWhy", { note: f.reviewNote })) : null,
        needsAnswer(f) ? h("div", { class: "row" }, text, btn) : null,
      );
    }),
  );
}
