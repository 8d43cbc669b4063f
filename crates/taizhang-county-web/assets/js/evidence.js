// The evidence calendar on a village's page (issue 17): for each member, every day with a
// check-in or a visit, coloured by how strong its evidence is (记录及时 / 补录 / 时间存疑); a
// click lists the day's records with their claimed time, the server's receipt, the floor the
// server can prove, the place, and every doubt's reason; 查看来源 on a record shows which enrolled
// device made it, when the server first saw it, and whether its signature still verifies; a
// visit's photos (issue 19) show beside it as thumbnails (photos.js).
// Members in roster order: never ranked.

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { t } from "./i18n.js";
import { photoStrip, photosHeading } from "./photos.js";
import { periodParams, state } from "./state.js";
import { report } from "./ui.js";

const STRENGTH_CLASS = { timely: "ev-timely", backfilled: "ev-backfilled", doubtful: "ev-doubtful" };
const STRENGTH_KEY = { timely: "evTimely", backfilled: "evBackfilled", doubtful: "evDoubtful" };

// The village whose calendar is shown (one page shows one village).
let shownVillage = null;

export function evidenceSection(villageId) {
  shownVillage = villageId;
  const body = h("div", { "data-testid": "evidence-body" }, h("p", { class: "loading" }, t("loading")));
  const detail = h("div", { class: "ev-detail", "data-testid": "evidence-detail", hidden: true });
  const only = h("input", { type: "checkbox", "data-testid": "evidence-doubtful-only" });
  // Only the latest load is shown: the whole calendar asked first may answer after the
  // doubtful days asked next, and must not replace them.
  let latest = 0;
  const load = () => {
    const mine = ++latest;
    return loadEvidence(villageId, only.checked, body, detail, () => mine === latest);
  };
  only.addEventListener("change", load);
  load();
  return h(
    "section",
    { class: "card", "data-testid": "evidence" },
    h("div", { class: "section-head" }, h("h3", null, t("evidence")), h("span", { class: "muted small" }, t("evidenceHint"))),
    h(
      "div",
      { class: "toolbar" },
      h("label", null, only, " ", t("evDoubtfulOnly")),
      h("span", { class: "ev-legend" }, ["timely", "backfilled", "doubtful"].map((s) => h("span", { class: `ev-chip ${STRENGTH_CLASS[s]}` }, t(STRENGTH_KEY[s])))),
    ),
    body,
    detail,
  );
}

async function loadEvidence(villageId, doubtfulOnly, body, detail, isLatest) {
  const ticket = state.ticket;
  try {
    const params = { ...periodParams(), ...(doubtfulOnly ? { doubtful: 1 } : {}) };
    const data = await api(`village/${encodeURIComponent(villageId)}/evidence`, { params });
    if (ticket !== state.ticket || !isLatest()) return;
    renderEvidence(data, body, detail);
    // What the calendar shows now (the browser test waits for it after ticking the box).
    body.dataset.shown = doubtfulOnly ? "doubtful" : "all";
  } catch (err) {
    if (ticket === state.ticket && isLatest()) {
      fill(body);
      report(err);
    }
  }
}

function renderEvidence(data, body, detail) {
  detail.hidden = true;
  const rows = (data.members ?? []).map((m) =>
    h(
      "tr",
      { "data-testid": "evidence-member", "data-member": m.member },
      h("th", null, m.name),
      h("td", { class: "num" }, String(m.timely_days)),
      h("td", { class: "num" }, String(m.backfilled_days)),
      h("td", { class: "num", "data-testid": "evidence-doubtful-count" }, String(m.doubtful_days)),
      h(
        "td",
        { class: "ev-days" },
        (m.days ?? []).map((d) =>
          h(
            "button",
            {
              type: "button",
              class: `ev-day ${STRENGTH_CLASS[d.strength] ?? ""}`,
              title: `${d.date} · ${t(STRENGTH_KEY[d.strength] ?? "evDoubtful")}`,
              "data-testid": "evidence-day",
              "data-strength": d.strength,
              "data-date": d.date,
              "data-checked": m.checks?.[d.date] ? String(m.checks[d.date].counts) : undefined,
              onclick: () => showDay(m, d, detail),
            },
            d.date.slice(5) + (m.checks?.[d.date] ? (m.checks[d.date].counts ? " ✓" : " ✗") : ""),
          ),
        ),
      ),
    ),
  );
  fill(
    body,
    h("p", { class: "muted small" }, data.doubtful_rule ?? "", data.fence_known ? "" : ` · ${t("evNoFence")}`),
    h(
      "table",
      { class: "table" },
      h("thead", null, h("tr", null, h("th", null, t("evMember")), h("th", null, t("evTimely")), h("th", null, t("evBackfilled")), h("th", null, t("evDoubtful")), h("th", null, t("evDays")))),
      h("tbody", null, rows),
    ),
  );
}

const time = (ms) => (ms == null ? "—" : new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }));

function place(p) {
  if (!p || p.code === "no_location") return t("evNoLocation");
  const where = p.code === "inside" ? t("evInside") : t("evOutside");
  const acc = p.accuracy_m == null ? "" : ` ±${Math.round(p.accuracy_m)} m`;
  return `${where} · ${t("evDistance")} ${Math.round(p.distance_m)} m${acc}`;
}

function showDay(member, day, detail) {
  detail.hidden = false;
  const doubtful = (day.records ?? []).some((r) => r.strength === "doubtful");
  fill(
    detail,
    h("h4", null, `${member.name} · ${day.date} · ${t(STRENGTH_KEY[day.strength])}`),
    doubtful ? dayCheck(member, day) : null,
    h(
      "table",
      { class: "table" },
      h("thead", null, h("tr", null, h("th", null, t("evClaimed")), h("th", null, t("evReceived")), h("th", null, t("evPlace")), h("th", null, t("evStrength")), h("th", null, t("evReasons")), h("th", null, photosHeading()), h("th", null, t("evOrigin")))),
      h(
        "tbody",
        null,
        (day.records ?? []).map((r) =>
          h(
            "tr",
            { "data-testid": "evidence-record", "data-record": r.record },
            h("td", null, time(r.claimed)),
            h("td", null, time(r.received)),
            h("td", null, place(r.place)),
            h("td", null, h("span", { class: `ev-chip ${STRENGTH_CLASS[r.strength] ?? ""}` }, t(STRENGTH_KEY[r.strength]))),
            h("td", { "data-testid": "evidence-reasons" }, (r.reasons ?? []).join("；") || "—"),
            h("td", null, photoStrip(shownVillage, r.record)),
            originCell(r.record),
          ),
        ),
      ),
    ),
  );
}

// The origin of one record, fetched on demand (it reads the stored change and its signature).
function originCell(record) {
  const cell = h("td", { "data-testid": "evidence-origin" });
  const button = h("button", { type: "button", class: "link", "data-testid": "evidence-origin-show" }, t("evOriginShow"));
  button.addEventListener("click", async () => {
    try {
      const o = await api(`village/${encodeURIComponent(shownVillage ?? "")}/record/${encodeURIComponent(record)}/origin`);
      const device = o.device
        ? `${o.device.name}${o.device.revoked_at ? ` (${t("evRevoked")})` : ""}`
        : t("evUnknownDevice");
      fill(
        cell,
        h(
          "div",
          { class: `small ev-origin ev-sig-${o.signature}`, "data-testid": "evidence-origin-detail", "data-signature": o.signature },
          h("div", null, `${t("evDevice")}：${device}`),
          h("div", null, `${t("evFirstSeen")}：${time(o.received)}`),
          h("div", null, `${t("evDeviceClock")}：${o.device_time ? time(o.device_time) : "—"}`),
          h("div", null, `${t("evAnchor")}：${time(o.anchor_estimate)}`),
          h("div", null, o.words),
        ),
      );
    } catch (err) {
      report(err);
    }
  });
  fill(cell, button);
  return cell;
}

// A person's decision on a doubtful day (核实计入 / 不予计入), with what was checked. The
// member's days in the village follow the decision; honest records of the day always count.
function dayCheck(member, day) {
  const box = h("div", { class: "ev-check", "data-testid": "evidence-check" });
  const existing = member.checks?.[day.date];
  const note = h("input", { type: "text", maxlength: 500, placeholder: t("evCheckNote"), "data-testid": "evidence-check-note" });
  const decide = (counts) => async () => {
    try {
      const saved = await api(
        `village/${encodeURIComponent(shownVillage ?? "")}/member/${encodeURIComponent(member.member)}/evidence/${day.date}`,
        { method: "PUT", body: { counts, note: note.value } },
      );
      member.checks = { ...(member.checks ?? {}), [day.date]: saved };
      fill(box, said(saved));
    } catch (err) {
      report(err);
    }
  };
  const said = (c) =>
    h("p", { class: "small", "data-testid": "evidence-check-said", "data-counts": String(c.counts) },
      `${c.counts ? t("evCheckCounts") : t("evCheckNotCounts")} · ${c.by} · ${time(c.at)} · ${c.note}`);
  fill(
    box,
    existing ? said(existing) : null,
    h("span", { class: "muted small" }, t("evCheckHint")),
    note,
    h("button", { type: "button", "data-testid": "evidence-check-counts", onclick: decide(true) }, t("evCheckCounts")),
    h("button", { type: "button", "data-testid": "evidence-check-not", onclick: decide(false) }, t("evCheckNotCounts")),
  );
  return box;
}
