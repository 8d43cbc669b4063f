// The household screen's parts added by issue 16: the details in words, the family roster with
// its form (add or edit one person), the history of changes (who, when, old → new), and the
// details' part of the household form (contact, monitoring, checks, helper). The lists and
// their words are the domain's (household_choices). The family form keeps its draft on disk
// as it is typed (drafts.ts).
import { call } from "./api";
import { h } from "./dom";
import { familyDraft, keepDraft } from "./drafts";
import type {
  Choice,
  FamilyItem,
  FamilyMemberInput,
  HouseholdChoices,
  HouseholdDetail,
  HouseholdDetailsInput,
} from "./generated/contract";
import { lang, t } from "./i18n";
import { formatDateTime, shanghaiParts } from "./logic";

function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

function word(c: Choice): string {
  return lang() === "zh" ? c.zh : c.en;
}

/** A select of `list` with an empty first option worded `none`. */
function pick(list: Choice[], value: string | null, none: string, testid: string): HTMLSelectElement {
  const s = h("select", { "data-testid": testid }, h("option", { value: "" }, none), list.map((c) => h("option", { value: c.code }, word(c))));
  s.value = value ?? "";
  return s;
}

/** Yes / no / not given for an insurance. */
function yesNo(value: boolean | null, testid: string): HTMLSelectElement {
  const s = h(
    "select",
    { "data-testid": testid },
    h("option", { value: "" }, t("family.notGiven")),
    h("option", { value: "yes" }, t("family.yes")),
    h("option", { value: "no" }, t("family.no")),
  );
  s.value = value === null ? "" : value ? "yes" : "no";
  return s;
}

const optNumber = (v: string): number | null => (v.trim() === "" ? null : Number(v));
const optCode = (v: string): string | null => (v === "" ? null : v);
const optBool = (v: string): boolean | null => (v === "" ? null : v === "yes");

export const EMPTY_DETAILS: HouseholdDetailsInput = {
  phone: "",
  address: "",
  doorNumber: "",
  monitoredType: null,
  risks: [],
  riskClearedOn: null,
  checks: [],
  incomePerHeadYuan: null,
  helperName: "",
  helperUnit: "",
  helperPhone: "",
};

/** The details' part of the household form: its fields, and `read()` for the input to save. */
export function detailsForm(d: HouseholdDetailsInput, c: HouseholdChoices): { el: HTMLElement; read: () => HouseholdDetailsInput } {
  const phone = h("input", { type: "tel", value: d.phone, "data-testid": "hh-phone" });
  const address = h("input", { value: d.address, "data-testid": "hh-address" });
  const door = h("input", { value: d.doorNumber, "data-testid": "hh-door" });
  const type = pick(c.monitoredTypes, d.monitoredType, t("household.noType"), "hh-monitored-type");
  const risks = c.risks.map((r) => {
    const box = h("input", { type: "checkbox", value: r.code, checked: d.risks.includes(r.code), "data-testid": `hh-risk-${r.code}` });
    return { box, label: h("label", { class: "chip" }, box, word(r)) };
  });
  const cleared = h("input", { type: "checkbox", checked: d.riskClearedOn !== null, "data-testid": "hh-risk-cleared" });
  const clearedOn = h("input", { type: "date", value: d.riskClearedOn ?? "", "data-testid": "hh-risk-cleared-on" });
  const checks = c.guarantees.map((g) => {
    const had = d.checks.find((x) => x.code === g.code);
    const s = h(
      "select",
      { "data-testid": `hh-check-${g.code}` },
      h("option", { value: "" }, t("household.checkUnknown")),
      h("option", { value: "ok" }, t("household.checkOk")),
      h("option", { value: "gap" }, t("household.checkGap")),
    );
    s.value = had ? (had.ok ? "ok" : "gap") : "";
    return { code: g.code, s, el: field(word(g), s) };
  });
  const income = h("input", { type: "number", min: "0", value: d.incomePerHeadYuan === null ? "" : String(d.incomePerHeadYuan), "data-testid": "hh-income-per-head" });
  const helperName = h("input", { value: d.helperName, "data-testid": "hh-helper-name" });
  const helperUnit = h("input", { value: d.helperUnit, "data-testid": "hh-helper-unit" });
  const helperPhone = h("input", { type: "tel", value: d.helperPhone, "data-testid": "hh-helper-phone" });
  const el = h(
    "fieldset",
    { class: "card", "data-testid": "hh-details" },
    h("legend", {}, t("household.details")),
    field(t("household.doorNumber"), door),
    field(t("household.address"), address),
    field(t("household.phone"), phone),
    field(t("household.monitoredType"), type),
    h("fieldset", { class: "chips" }, h("legend", {}, t("household.risks")), risks.map((r) => r.label)),
    h("label", { class: "check" }, cleared, t("household.riskCleared")),
    field(t("household.riskClearedOn"), clearedOn),
    h("fieldset", {}, h("legend", {}, t("household.checks")), checks.map((x) => x.el)),
    field(t("household.incomePerHead"), income),
    field(t("household.helperName"), helperName),
    field(t("household.helperUnit"), helperUnit),
    field(t("household.helperPhone"), helperPhone),
  );
  const read = (): HouseholdDetailsInput => ({
    phone: phone.value,
    address: address.value,
    doorNumber: door.value,
    monitoredType: optCode(type.value),
    risks: risks.filter((r) => r.box.checked).map((r) => r.box.value),
    // Ticked without a day: cleared today (Beijing time).
    riskClearedOn: cleared.checked ? clearedOn.value || shanghaiParts(Date.now()).date : null,
    checks: checks.filter((x) => x.s.value !== "").map((x) => ({ code: x.code, ok: x.s.value === "ok" })),
    incomePerHeadYuan: optNumber(income.value),
    helperName: helperName.value,
    helperUnit: helperUnit.value,
    helperPhone: helperPhone.value,
  });
  return { el, read };
}

/** The form of one family member (`p` null: a new one); `save` gets the input. */
function familyForm(
  householdId: string,
  p: FamilyItem | null,
  c: HouseholdChoices,
  save: (input: FamilyMemberInput, btn: HTMLButtonElement) => void,
  cancel: () => void,
): HTMLElement {
  const name = h("input", { value: p?.name ?? "", "data-testid": "fm-name" });
  const relation = pick(c.relations, p?.relation ?? null, t("family.notGiven"), "fm-relation");
  const born = h("input", { type: "number", min: "1890", max: "2100", value: p?.birthYear ?? "", "data-testid": "fm-birth-year" });
  const health = pick(c.health, p?.health ?? null, t("family.notGiven"), "fm-health");
  const work = pick(c.workAbility, p?.workAbility ?? null, t("family.notGiven"), "fm-work");
  const school = pick(c.schooling, p?.schooling ?? null, t("family.notGiven"), "fm-schooling");
  const disability = h("input", { type: "number", min: "1", max: "4", value: p?.disabilityGrade ?? "", "data-testid": "fm-disability" });
  const medical = yesNo(p?.medicalInsurance ?? null, "fm-medical");
  const pension = yesNo(p?.pensionInsurance ?? null, "fm-pension");
  const idNumber = h("input", { value: p?.idNumber ?? "", autocomplete: "off", "data-testid": "fm-id" });
  const left = h("input", { type: "checkbox", "data-testid": "fm-left" });
  const btn = h("button", { class: "primary", "data-testid": "fm-save" }, t("common.save"));
  btn.onclick = () =>
    save(
      {
        id: p?.id ?? null,
        householdId,
        name: name.value,
        relation: relation.value,
        birthYear: optNumber(born.value),
        health: optCode(health.value),
        workAbility: optCode(work.value),
        schooling: optCode(school.value),
        disabilityGrade: optNumber(disability.value),
        medicalInsurance: optBool(medical.value),
        pensionInsurance: optBool(pension.value),
        idNumber: idNumber.value,
        left: left.checked,
      },
      btn,
    );
  const box = h(
    "div",
    { class: "card", "data-testid": "family-form" },
    h("h3", {}, t(p ? "family.editTitle" : "family.newTitle")),
    field(t("family.name"), name),
    field(t("family.relation"), relation),
    field(t("family.birthYear"), born),
    field(t("family.health"), health),
    field(t("family.workAbility"), work),
    field(t("family.schooling"), school),
    field(t("family.disability"), disability),
    field(t("family.medical"), medical),
    field(t("family.pension"), pension),
    field(t("family.idNumber"), idNumber),
    p ? h("label", { class: "check" }, left, t("family.left")) : null,
    h("div", { class: "row" }, btn, h("button", { onclick: cancel }, t("common.cancel"))),
  );
  // Kept on disk as it is typed (issue 16); the caller removes the draft once saved.
  void keepDraft(box, familyDraft(householdId, p?.id ?? null), cancel).then(({ banner }) => {
    if (banner) box.insertBefore(banner, box.children[1] ?? null);
  });
  return box;
}

export function householdExtras(
  d: HouseholdDetail,
  c: HouseholdChoices,
  saveMember: (input: FamilyMemberInput, btn: HTMLButtonElement) => void,
): HTMLElement {
  const zh = lang() === "zh";
  const householdId = d.household.id ?? "";
  const formSlot = h("div", {});
  const open = (p: FamilyItem | null) => {
    formSlot.replaceChildren(familyForm(householdId, p, c, saveMember, () => formSlot.replaceChildren()));
    formSlot.scrollIntoView({ block: "nearest" });
  };
  // A new member's form typed before the app was killed opens again with what was typed.
  void call("draft", familyDraft(householdId, null)).then((kept) => {
    if (kept.body && !formSlot.hasChildNodes()) open(null);
  });
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
              { "data-testid": "family-item" },
              h("b", {}, p.name),
              ` · ${zh ? p.relationZh : p.relationEn}`,
              p.age === null ? "" : ` · ${t("household.age", { n: p.age })}`,
              " ",
              h("button", { class: "small", "data-testid": "family-edit", onclick: () => open(p) }, t("family.edit")),
              p.idNumber ? h("div", { class: "small muted" }, `${t("household.idNumber")}：${p.idNumber}`) : null,
              (zh ? p.notesZh : p.notesEn) ? h("div", { class: "small" }, zh ? p.notesZh : p.notesEn) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, t("household.noFamily")),
    h("button", { "data-testid": "family-add", onclick: () => open(null) }, t("family.add")),
    formSlot,
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
