// Follow-up items (承诺事项 / 待办, issue 16): the to-do list on Today and on the household
// screen, each open item with a button to close it (办结) with a note.
import { h } from "./dom";
import type { FollowUpItem } from "./generated/contract";
import { t } from "./i18n";
import { followUpMeta } from "./logic";

/** The list; `close` is called with the item and the note typed, and redraws the screen. */
export function followUpList(items: FollowUpItem[], close: (f: FollowUpItem, note: string, btn: HTMLButtonElement) => void, testid: string): HTMLElement {
  if (!items.length) return h("p", { class: "muted", "data-testid": testid }, t("followUp.none"));
  return h(
    "ul",
    { class: "list", "data-testid": testid },
    items.map((f) => {
      const note = h("input", { type: "text", placeholder: t("followUp.closeNote"), "data-testid": "followup-note" });
      const btn = h("button", { "data-testid": "followup-close" }, t("followUp.close"));
      btn.onclick = () => close(f, note.value, btn);
      return h(
        "li",
        { class: f.overdue ? "warn" : "", "data-testid": "followup-item" },
        h("b", {}, f.text),
        f.mine && !f.done ? h("small", { class: "muted" }, ` · ${t("followUp.mine")}`) : null,
        h("div", { class: f.overdue ? "small warn" : "small muted" }, followUpMeta(f)),
        f.done ? (f.doneNote ? h("div", { class: "small" }, f.doneNote) : null) : h("div", { class: "row" }, note, btn),
      );
    }),
  );
}
