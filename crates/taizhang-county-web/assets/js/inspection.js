// Random inspection (随机查) on a village's page: a uniform sample, without replacement, of the
// period's diary entries or households, drawn by the server; the seed reproduces a sample.
// Households come from the statuses the county's policy names (脱贫户 and 监测对象, 20 at a
// time by default: seed 004) unless the officer asks for every household. Entries and visits
// show their photos (issue 19, photos.js).

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { writeFindingButton } from "./findings.js";
import { lang, t } from "./i18n.js";
import { photoStrip, photosHeading } from "./photos.js";
import { periodParams, state } from "./state.js";
import { report } from "./ui.js";

export function inspectSection(villageId) {
  const n = h("input", { type: "number", min: 1, max: 50, value: state.sample?.asked ?? "", placeholder: t("samplePolicyN"), "data-testid": "sample-n", class: "narrow" });
  const scope = h(
    "select",
    { "data-testid": "sample-scope" },
    h("option", { value: "policy", selected: (state.sample?.scope ?? "policy") === "policy" }, t("sampleScopePolicy")),
    h("option", { value: "all", selected: state.sample?.scope === "all" }, t("sampleScopeAll")),
  );
  const seed = h("input", { type: "number", min: 0, placeholder: t("seedPlaceholder"), "data-testid": "sample-seed-input", class: "narrow" });
  const result = h("div", { class: "sample", "data-testid": "sample-result", hidden: !state.sample });
  const draw = (kind, seedValue) => drawSample(villageId, kind, n.value ? Number(n.value) : null, scope.value, seedValue, result, draw);
  if (state.sample) renderSample(result, state.sample, draw);
  return h(
    "section",
    { class: "card", "data-testid": "inspect" },
    h("div", { class: "section-head" }, h("h3", null, t("inspect")), h("span", { class: "muted small" }, t("inspectHint"))),
    h(
      "div",
      { class: "toolbar" },
      h("label", null, t("sampleN"), " ", n),
      h("label", null, t("sampleScope"), " ", scope),
      h("label", null, t("sampleSeed"), " ", seed),
      h("button", { type: "button", class: "btn btn-primary", "data-testid": "sample-diary", onclick: () => draw("diary", seed.value) }, t("sampleDiary")),
      h("button", { type: "button", class: "btn btn-primary", "data-testid": "sample-households", onclick: () => draw("households", seed.value) }, t("sampleHouseholds")),
    ),
    result,
  );
}

/** Draws a sample and shows it in `result`; `draw(kind, seed)` is what its buttons call. */
async function drawSample(villageId, kind, n, scope, seed, result, draw) {
  const ticket = state.ticket;
  try {
    result.hidden = false;
    fill(result, h("p", { class: "loading" }, t("loading")));
    const params = { kind, n, seed, ...periodParams(), ...(kind === "households" ? { scope } : {}) };
    const data = await api(`village/${encodeURIComponent(villageId)}/sample`, { params });
    if (ticket !== state.ticket) return;
    state.sample = {
      kind: data.kind ?? kind,
      asked: n ?? "",
      n: data.n,
      scope: data.scope ?? scope,
      statuses: data.statuses ?? [],
      pool: data.pool,
      seed: data.seed,
      items: data.items ?? [],
      village: villageId,
    };
    renderSample(result, state.sample, draw);
  } catch (err) {
    if (ticket === state.ticket) {
      result.hidden = true;
      report(err);
    }
  }
}

function renderSample(result, sample, draw) {
  const title = sample.kind === "households" ? t("sampleHouseholds") : t("sampleDiary");
  result.hidden = false;
  fill(
    result,
    h(
      "div",
      { class: "sample-head" },
      h("strong", null, title),
      h("span", { class: "muted" }, t("sampleCount", { n: sample.items.length })),
      h("span", null, `${t("seed")}: `, h("code", { "data-testid": "sample-seed" }, String(sample.seed ?? ""))),
      h("button", { type: "button", class: "btn btn-small", "data-testid": "sample-again", onclick: () => draw(sample.kind, "") }, t("sampleAgain")),
      h("button", { type: "button", class: "btn btn-small", "data-testid": "sample-reproduce", onclick: () => draw(sample.kind, String(sample.seed)) }, t("sampleReproduce")),
    ),
    sample.kind === "households" ? drawnFrom(sample) : null,
    !sample.items.length ? h("p", { class: "muted", "data-testid": "sample-empty" }, t("noItems")) : sample.kind === "households" ? householdSample(sample.items, sample.village) : diarySample(sample.items, sample.village),
  );
}

function diarySample(items, villageId) {
  return h(
    "table",
    { class: "grid", "data-testid": "sample-items" },
    h("thead", null, h("tr", null, h("th", null, t("dDate")), h("th", null, t("dMember")), h("th", null, t("dText")), h("th", null, photosHeading()), h("th", null, ""))),
    h(
      "tbody",
      null,
      items.map((x) =>
        h(
          "tr",
          { "data-testid": "sample-item", "data-id": x.id },
          h("td", { class: "nowrap" }, x.date ?? ""),
          h("td", { class: "nowrap" }, x.member_name ?? x.member ?? ""),
          h("td", { class: "text" }, x.text ?? ""),
          h("td", null, photoStrip(villageId, x.id)),
          h("td", null, villageId ? writeFindingButton(villageId, { diary: x.id }) : null),
        ),
      ),
    ),
  );
}

/** Which households the draw took from, in words: "从 脱贫户、监测对象 共 120 户中抽取 20 户". */
function drawnFrom(sample) {
  const names = [...new Set(sample.statuses.map((s) => (lang === "en" ? s.en : s.zh)))].join(lang === "en" ? ", " : "、");
  return h(
    "p",
    { class: "muted small", "data-testid": "sample-pool" },
    t(sample.scope === "all" ? "samplePoolAll" : "samplePoolPolicy", { statuses: names, pool: sample.pool ?? "?", n: sample.items.length }),
  );
}

function householdSample(items, villageId) {
  return h(
    "div",
    { class: "hh-sample", "data-testid": "sample-items" },
    items.map((x) =>
      h(
        "div",
        { class: "hh", "data-testid": "sample-item", "data-id": x.id },
        h(
          "div",
          { class: "hh-head" },
          h("strong", null, x.head ?? ""),
          h("span", { class: "muted" }, x.group ?? ""),
          h("span", { class: "badge", "data-testid": "sample-status" }, (lang === "en" ? x.status_en : x.status_zh) ?? ""),
          photoStrip(villageId, x.id),
        ),
        (x.visits ?? []).length ? h("ul", null, x.visits.map((vi) => visitLine(vi, villageId))) : h("p", { class: "muted small" }, t("notVisitedYet")),
        villageId ? writeFindingButton(villageId, { household: x.id }) : null,
      ),
    ),
  );
}

function visitLine(vi, villageId) {
  const findings = vi.findings ? [" · ", h("span", { class: "text" }, vi.findings)] : null;
  return h("li", null, h("span", { class: "nowrap" }, vi.date ?? ""), " · ", h("span", null, vi.member_name ?? ""), findings, " ", photoStrip(villageId, vi.id));
}
