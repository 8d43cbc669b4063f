// The household screen's parts added by issue 16: the details in words, the family roster and
// the history of changes (who, when, old → new), from HouseholdDetail.
import { h } from "./dom";
import type { HouseholdDetail } from "./generated/contract";
import { lang, t } from "./i18n";
import { formatDateTime } from "./logic";

export function householdExtras(d: HouseholdDetail): HTMLElement {
  const zh = lang() === "zh";
  return h(
    "div",
    {},
    d.facts.length
      ? h(
          "div",
          { class: "card", "data-testid": "household-facts" },
          d.facts.map((f) =>
            h("div", { class: "kv" }, h("span", {}, zh ? f.labelZh : f.labelEn), h("b", {}, zh ? f.valueZh : f.valueEn)),
          ),
        )
      : null,
    h("h2", {}, t("household.family")),
    d.family.length
      ? h(
          "ul",
          { class: "list", "data-testid": "household-family" },
          d.family.map((p) =>
            h(
              "li",
              {},
              h("b", {}, p.name),
              ` · ${zh ? p.relationZh : p.relationEn}`,
              p.age === null ? "" : ` · ${t("household.age", { n: p.age })}`,
              p.idNumber ? h("div", { class: "small muted" }, `${t("household.idNumber")}：${p.idNumber}`) : null,
              (zh ? p.notesZh : p.notesEn) ? h("div", { class: "small" }, zh ? p.notesZh : p.notesEn) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, t("household.noFamily")),
    h("h2", {}, t("household.history")),
    d.history.length
      ? h(
          "ul",
          { class: "list", "data-testid": "household-history" },
          d.history.map((e) =>
            h(
              "li",
              {},
              h("div", { class: "small muted" }, `${formatDateTime(e.at)} · ${e.who || t("household.someone")}`),
              e.changes.map((c) =>
                h("div", { class: "small" }, `${zh ? c.labelZh : c.labelEn}：${c.old || "—"} → ${c.new || "—"}`),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("common.none")),
  );
}
