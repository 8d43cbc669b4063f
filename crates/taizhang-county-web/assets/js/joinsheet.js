// The join sheet on a village's page (issue 21), county and township staff: one-time join codes
// (加入码) with their QR codes for the team members who have no working phone yet (or for one
// member whose phone was replaced), to print and hand out. The app reads the QR by camera, from
// a picture, or as a pasted join link; the address in it is this page's server.

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { t } from "./i18n.js";

const day = (ms) => new Date(ms).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });

/** The section with its button; the sheet opens below it, ready to print. */
export function joinSheetSection(villageId) {
  const sheet = h("div", { "data-testid": "join-sheet" });
  const all = h("input", { type: "checkbox", "data-testid": "join-sheet-all" });
  const button = h("button", { type: "button", "data-testid": "join-sheet-make" }, t("joinSheetMake"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const body = { server: location.origin };
      if (all.checked) body.members = await teamIds(villageId);
      const data = await api(`village/${encodeURIComponent(villageId)}/join-sheet`, { method: "POST", body });
      renderSheet(sheet, data);
    } catch (err) {
      if (!err.handled) fill(sheet, h("p", { class: "error", role: "alert", "data-testid": "join-sheet-error" }, err.message));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card", "data-testid": "join-sheet-section" },
    h("div", { class: "section-head" }, h("h3", null, t("joinSheet")), h("span", { class: "muted small" }, t("joinSheetHint"))),
    h("label", { class: "small" }, all, " ", t("joinSheetAll")),
    " ",
    button,
    sheet,
  );
}

/** Every member of the team (a new code for each, phones or not). */
async function teamIds(villageId) {
  const v = await api(`village/${encodeURIComponent(villageId)}`);
  return (v.members ?? []).map((m) => m.id);
}

function renderSheet(sheet, data) {
  if (!data.entries?.length) return fill(sheet, h("p", { class: "muted", "data-testid": "join-sheet-none" }, t("joinSheetNone")));
  const cards = data.entries.map((e) =>
    h(
      "div",
      { class: "join-card", "data-testid": "join-card", "data-member": e.member },
      h("h4", null, `${data.village_name} · ${e.name}`),
      h("p", { class: "small muted" }, e.role === "first_secretary" ? t("roleFirstSecretary") : t("roleMember")),
      // The server's SVG goes in as an image (data: URL), never as markup in the page.
      h("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(e.qr_svg)}`, alt: e.code, width: 180, height: 180, "data-testid": "join-qr" }),
      h("p", { class: "join-code" }, t("joinSheetCode"), " ", h("b", { "data-testid": "join-code" }, e.code)),
      h("p", { class: "small muted" }, t("joinSheetUntil", { day: day(e.valid_until) })),
      h("p", { class: "small" }, t("joinSheetSteps")),
    ),
  );
  fill(
    sheet,
    h("p", { class: "small" }, t("joinSheetIssued", { n: data.entries.length }), " ",
      h("button", { type: "button", "data-testid": "join-sheet-print", onclick: () => window.print() }, t("joinSheetPrint"))),
    h("div", { class: "join-cards print-area" }, cards),
  );
}
