// Sync conflicts in words (待核对的冲突, issue 16): a field two phones changed at once, with
// each value in words and a button that keeps it. Used by the household screen (its own
// fields) and by the Sync screen's list of every record in conflict (family members, promises,
// findings, meetings, projects, the village situation, plan items and households).
import { h } from "./dom";
import type { ConflictItem, ConflictRecord } from "./generated/contract";
import { lang, t } from "./i18n";

/** One field: its name in words and a keep button per value (or, when the team may not
 * settle it, the values and who settles it). */
export function conflictLine(c: ConflictItem, keep: (value: string, btn: HTMLButtonElement) => void): HTMLElement {
  const zh = lang() === "zh";
  const shown = (i: number) => (zh ? c.valuesShown[i] : c.valuesShownEn[i]) ?? c.values[i];
  return h(
    "li",
    { "data-testid": "conflict-field", "data-field": c.field },
    `${zh ? c.labelZh : c.labelEn}：`,
    c.canPick
      ? c.values.map((v, i) => {
          const btn = h("button", { class: "small", "data-testid": "conflict-keep" }, `${t("household.keepValue")}「${shown(i)}」`);
          btn.onclick = () => keep(v, btn);
          return btn;
        })
      : [c.values.map((_, i) => `「${shown(i)}」`).join(" / "), h("small", { class: "muted" }, ` ${t("conflicts.officerSettles")}`)],
  );
}

/** The Sync screen's list: each record with its kind and label, then its fields. */
export function conflictList(
  records: ConflictRecord[],
  keep: (r: ConflictRecord, c: ConflictItem, value: string, btn: HTMLButtonElement) => void,
): HTMLElement {
  const zh = lang() === "zh";
  if (!records.length) return h("p", { class: "muted", "data-testid": "conflicts-none" }, t("conflicts.none"));
  return h(
    "ul",
    { class: "list", "data-testid": "conflicts-list" },
    records.map((r) =>
      h(
        "li",
        { class: "warn", "data-testid": "conflict-record", "data-kind": r.kind },
        h("b", {}, `${zh ? r.kindZh : r.kindEn}：${r.label}`),
        r.householdId && r.kind !== "household"
          ? h("a", { href: `#/household/${r.householdId}`, class: "small" }, ` ${t("conflicts.openHousehold")}`)
          : null,
        h("ul", {}, r.conflicts.map((c) => conflictLine(c, (v, btn) => keep(r, c, v, btn)))),
      ),
    ),
  );
}
