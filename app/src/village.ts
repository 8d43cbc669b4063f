// The village situation (村情) and the plans (帮扶计划) on the ledger screen (issue 22): a year's
// register filled in offline beside last year's values and the registry's own counts (the two
// committees as rows added one by one), and the three-year goals, the yearly plan and the
// responsibility letter as items made, corrected and closed (已完成 / 未完成 with the result).
import { call } from "./api";
import { attachmentPicker, recordPhotos } from "./attachments";
import { add, h } from "./dom";
import type { CadreItem, PlanEntry, PlanKindCode, PlanStateCode, PlansView, SituationItem, SituationView } from "./generated/contract";
import { lang, t, type Key } from "./i18n";
import { numberIn, type LedgerHelpers } from "./ledger";
import { countOf, yuanOf } from "./logic";

export const PLAN_KINDS: PlanKindCode[] = ["three_year", "yearly", "letter"];
const planKindKey = (k: PlanKindCode) => `plan.kind.${k}` as Key;
const planStateKey = (s: PlanStateCode) => `plan.state.${s}` as Key;

/** The numeric parts of the register, their words and how to read them from the form. */
const COUNTS = [
  ["population", "situation.population"],
  ["households", "situation.households"],
  ["partyMembers", "situation.partyMembers"],
] as const;
const MONEY = [
  ["collectiveIncomeYuan", "situation.collectiveIncome"],
  ["incomePerHeadYuan", "situation.incomePerHead"],
] as const;
const TEXTS = [
  ["incomeSources", "situation.incomeSources"],
  ["industries", "situation.industries"],
  ["roads", "situation.roads"],
  ["water", "situation.water"],
  ["network", "situation.network"],
  ["problems", "situation.problems"],
] as const;

function num(n: number | null | undefined, money = false): string {
  if (n === null || n === undefined) return t("situation.notEntered");
  return money ? t("ledger.yuan", { n: n.toLocaleString("zh-CN") }) : n.toLocaleString("zh-CN");
}

function cadreRow(v: SituationView, c?: CadreItem): HTMLElement {
  const name = h("input", { type: "text", value: c?.name ?? "", placeholder: t("situation.cadreName"), "data-testid": "cadre-name" });
  const post = h("input", { type: "text", value: c?.post ?? "", placeholder: t("situation.cadrePost"), "data-testid": "cadre-post" });
  const born = h("input", {
    type: "number",
    inputmode: "numeric",
    min: "1900",
    max: String(v.thisYear),
    value: c?.birthYear == null ? "" : String(c.birthYear),
    placeholder: t("situation.cadreBorn"),
    "data-testid": "cadre-born",
  });
  const edu = h(
    "select",
    { "data-testid": "cadre-education" },
    h("option", { value: "" }, t("situation.cadreEducation")),
    v.educations.map((e) => h("option", { value: e.code, selected: c?.education === e.code }, lang() === "zh" ? e.zh : e.en)),
  );
  return h("div", { class: "row cadre", "data-testid": "cadre-row" }, name, post, born, edu);
}

function readCadres(box: HTMLElement): CadreItem[] {
  return [...box.querySelectorAll<HTMLElement>("[data-testid=cadre-row]")].map((row) => {
    const q = (id: string) => row.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid=${id}]`)!.value;
    const born = countOf(q("cadre-born"));
    return { name: q("cadre-name"), post: q("cadre-post"), birthYear: numberIn(born, "committee"), education: q("cadre-education") || null };
  });
}

/** One part of last year's register, shown under this year's box. */
function lastYear(prev: SituationItem | null, text: string): HTMLElement | null {
  return prev ? h("div", { class: "small muted", "data-testid": "situation-previous" }, t("situation.lastYear", { year: prev.year, value: text })) : null;
}

/** The register of `v.year`: the form, filled in with what is saved, last year beside each part. */
function situationForm(v: SituationView, x: LedgerHelpers): HTMLElement {
  const cur = v.current;
  const prev = v.previous;
  const box = h("div", { class: "card", "data-testid": "situation-form" });
  const inputs: Record<string, HTMLInputElement | HTMLTextAreaElement> = {};
  const parts: HTMLElement[] = [];
  for (const [k, key] of COUNTS) {
    const value = cur ? (cur[k] as number | null) : null;
    inputs[k] = h("input", { type: "number", min: "0", inputmode: "numeric", value: value === null ? "" : String(value), placeholder: t("situation.notEntered"), "data-testid": `situation-${k}` });
    parts.push(x.field(t(key), inputs[k]), ...[lastYear(prev, num(prev ? (prev[k] as number | null) : null))].filter((e): e is HTMLElement => e !== null));
  }
  parts.push(h("div", { class: "small muted", "data-testid": "situation-registry" }, t("situation.registry", { households: v.registryHouseholds, people: v.registryPeople })));
  for (const [k, key] of MONEY) {
    const value = cur ? cur[k] : null;
    inputs[k] = h("input", { type: "number", min: "0", inputmode: "numeric", value: value === null ? "" : String(value), placeholder: t("situation.notEntered"), "data-testid": `situation-${k}` });
    parts.push(x.field(t(key), inputs[k]), ...[lastYear(prev, num(prev ? prev[k] : null, true))].filter((e): e is HTMLElement => e !== null));
  }
  for (const [k, key] of TEXTS) {
    const area = h("textarea", { rows: "2", "data-testid": `situation-${k}` });
    area.value = cur ? cur[k] : "";
    inputs[k] = area;
    parts.push(x.field(t(key), area), ...[lastYear(prev, prev?.[k] || t("situation.notEntered"))].filter((e): e is HTMLElement => e !== null));
  }
  const cadres = h("div", { "data-testid": "cadres" }, (cur?.committee.length ? cur.committee : prev?.committee.length ? prev.committee : [undefined]).map((c) => cadreRow(v, c)));
  const more = h("button", { type: "button", "data-testid": "cadre-add" }, t("situation.cadreAdd"));
  more.onclick = () => cadres.append(cadreRow(v));
  const save = h("button", { class: "primary", "data-testid": "situation-save" }, t("situation.save"));
  save.onclick = () =>
    void x.act(save, box, async () => {
      const n = (k: string) => numberIn(countOf(inputs[k].value), k);
      const y = (k: string) => numberIn(yuanOf(inputs[k].value), k);
      await call("save_situation", {
        year: v.year,
        population: n("population"),
        households: n("households"),
        partyMembers: n("partyMembers"),
        collectiveIncomeYuan: y("collectiveIncomeYuan"),
        incomePerHeadYuan: y("incomePerHeadYuan"),
        committee: readCadres(cadres),
        incomeSources: inputs.incomeSources.value,
        industries: inputs.industries.value,
        roads: inputs.roads.value,
        water: inputs.water.value,
        network: inputs.network.value,
        problems: inputs.problems.value,
      });
      x.toast(t("situation.saved"));
      x.redraw();
    });
  box.append(
    ...parts.slice(0, 7),
    h("fieldset", {}, h("legend", {}, t("situation.committee")), cadres, more),
    ...parts.slice(7),
    save,
  );
  return box;
}

/** The 村情 section: a year to pick (this year first), how much is filled in, the form. */
export async function situationSection(x: LedgerHelpers, year?: number): Promise<HTMLElement> {
  const v = await call("village_situation", { year: year ?? null });
  const section = h("section", { "data-testid": "situation" });
  const pick = h(
    "select",
    { "data-testid": "situation-year" },
    [0, 1, 2, 3, 4].map((d) => h("option", { value: String(v.thisYear - d), selected: v.year === v.thisYear - d }, t("situation.year", { year: v.thisYear - d }))),
  );
  pick.onchange = () =>
    void situationSection(x, Number(pick.value)).then((s) => {
      section.replaceWith(s);
    });
  const filled = v.current
    ? t("situation.filled", { filled: v.current.filled, parts: v.current.parts, who: v.current.updatedByName })
    : t("situation.empty");
  section.append(
    h("h2", {}, t("situation.title")),
    h("div", { class: "row" }, pick, h("span", { class: "small muted", "data-testid": "situation-filled" }, filled)),
    h("details", { "data-testid": "situation-edit" }, h("summary", {}, t(v.current ? "situation.edit" : "situation.fill")), situationForm(v, x)),
  );
  return section;
}

/** The plan item form: a new item of `kind`, or the correction of `was`. */
function planForm(v: PlansView, x: LedgerHelpers, kind: PlanKindCode, was?: PlanEntry): HTMLElement {
  const box = h("div", { class: "card", "data-testid": "plan-form" });
  const kindSel = h("select", { "data-testid": "plan-kind" }, PLAN_KINDS.map((k) => h("option", { value: k, selected: (was?.kind ?? kind) === k }, t(planKindKey(k)))));
  const year = h("input", { type: "number", inputmode: "numeric", value: String(was?.year ?? v.year), "data-testid": "plan-year" });
  const title = h("input", { type: "text", value: was?.title ?? "", placeholder: t("plan.titleHint"), "data-testid": "plan-title" });
  const target = h("textarea", { rows: "2", placeholder: t("plan.targetHint"), "data-testid": "plan-target" });
  target.value = was?.target ?? "";
  const due = h("input", { type: "date", value: was?.due ?? "", "data-testid": "plan-due" });
  // The signed letter as a photo or a PDF (issue 19), optional; added to those the item has.
  const photos = attachmentPicker("plan");
  const save = h("button", { class: "primary", "data-testid": "plan-save" }, t("plan.save"));
  save.onclick = () =>
    void x.act(save, box, async () => {
      await call("save_plan_item", {
        id: was?.id ?? null,
        kind: kindSel.value as PlanKindCode,
        year: numberIn(countOf(year.value), "year") ?? v.year,
        title: title.value,
        target: target.value,
        due: due.value || null,
        state: was?.state ?? "open",
        result: was?.result ?? "",
        closedOn: was?.closedOn ?? null,
        attachments: photos.ids(),
      });
      x.toast(t(was ? "ledger.corrected" : "plan.saved"));
      x.redraw();
    });
  box.append(
    x.field(t("plan.kind"), kindSel),
    x.field(t("plan.year"), year),
    x.field(t("plan.item"), title),
    x.field(t("plan.target"), target),
    x.field(t("plan.due"), due),
    photos.node,
    save,
  );
  return box;
}

function planRow(p: PlanEntry, v: PlansView, x: LedgerHelpers): HTMLElement {
  const li = h("li", { "data-testid": "plan-item", "data-state": p.state, "data-kind": p.kind, "data-id": p.id });
  const years = p.kind === "three_year" ? `${p.year}–${p.year + 2}` : String(p.year);
  add(li, [
    h("b", {}, p.title),
    h(
      "small",
      { class: p.overdue ? "warn" : "muted", "data-testid": "plan-state-shown" },
      ` · ${t(planKindKey(p.kind))} ${years} · ${p.overdue ? t("plan.overdue") : t(planStateKey(p.state))}`,
    ),
    p.target ? h("div", { class: "small" }, `${t("plan.target")}：${p.target}`) : null,
    p.due ? h("div", { class: "small muted" }, `${t(p.kind === "letter" ? "plan.signedOn" : "plan.due")}：${p.due}`) : null,
    p.closedOn ? h("div", { class: "small", "data-testid": "plan-result" }, `${t("ledger.closedOn", { day: p.closedOn })}：${p.result}`) : null,
    p.kind === "letter" || p.photos ? recordPhotos("plan", p.id, p.photos, t(p.kind === "letter" ? "photo.letter" : "photo.addFile")) : null,
    h("details", { "data-testid": "plan-edit" }, h("summary", {}, t("ledger.correct")), planForm(v, x, p.kind, p)),
  ]);
  if (p.state === "open" && p.kind !== "letter") {
    const state = h("select", { "data-testid": "plan-close-state" }, (["done", "missed"] as PlanStateCode[]).map((s) => h("option", { value: s }, t(planStateKey(s)))));
    const day = h("input", { type: "date", value: v.today, max: v.today, "data-testid": "plan-close-day" });
    const result = h("input", { type: "text", placeholder: t("plan.resultHint"), "data-testid": "plan-close-result" });
    const btn = h("button", { "data-testid": "plan-close-save" }, t("plan.close"));
    btn.onclick = () =>
      void x.act(btn, li, async () => {
        await call("save_plan_item", {
          id: p.id,
          kind: p.kind,
          year: p.year,
          title: p.title,
          target: p.target,
          due: p.due,
          state: state.value as PlanStateCode,
          result: result.value,
          closedOn: day.value || null,
          attachments: [],
        });
        x.toast(t("plan.closed"));
        x.redraw();
      });
    li.append(h("details", { "data-testid": "plan-close" }, h("summary", {}, t("plan.close")), h("div", { class: "row" }, state, day, result, btn)));
  }
  return li;
}

/** The plans section: the items covering this year, how the plan stands, a form for each kind. */
export async function plansSection(x: LedgerHelpers): Promise<HTMLElement> {
  const v = await call("plans", { year: null });
  const standing = t("plan.standing", { total: v.total, done: v.done, missed: v.missed, open: v.open, overdue: v.overdue });
  return h(
    "section",
    { "data-testid": "plans" },
    h("h2", {}, t("plan.title", { year: v.year })),
    h("p", { class: "small", "data-testid": "plan-standing" }, standing, " · ", v.letter ? t("plan.letterYes") : t("plan.letterNo")),
    v.items.length ? h("ul", { class: "list", "data-testid": "plan-list" }, v.items.map((p) => planRow(p, v, x))) : h("p", { class: "muted", "data-testid": "plan-list" }, t("plan.none")),
    h("details", { "data-testid": "plan-new" }, h("summary", {}, t("plan.new")), planForm(v, x, "yearly")),
  );
}
