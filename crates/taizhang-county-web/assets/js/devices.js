// A village team's devices on the village page (issue 21), county staff only: each phone's state
// (在用 / 已停用 / 已下令清除) and the wipe order for a lost one, after a confirm dialog. At its
// next contact the phone pushes what it has not synced, then erases its store and keys.

import { api } from "./api.js";
import { $, fill, h } from "./dom.js";
import { t } from "./i18n.js";
import { state } from "./state.js";
import { closeDialogs } from "./ui.js";

const time = (ms) => (ms == null ? "—" : new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }));

/** The section, or null for township staff (the wipe order is the county's). */
export function devicesSection(villageId) {
  if (state.me?.scope !== "county") return null;
  const body = h("div", { "data-testid": "devices-list" }, h("p", { class: "loading" }, t("loading")));
  const section = h(
    "section",
    { class: "card", "data-testid": "devices" },
    h("div", { class: "section-head" }, h("h3", null, t("devices")), h("span", { class: "muted small" }, t("devicesHint"))),
    body,
  );
  void loadDevices(villageId, body);
  return section;
}

async function loadDevices(villageId, body) {
  const ticket = state.ticket;
  try {
    const data = await api(`village/${encodeURIComponent(villageId)}/devices`);
    if (ticket !== state.ticket) return;
    renderDevices(villageId, body, data.devices ?? []);
  } catch (err) {
    // Shown in the panel: the rest of the village page stays as it is.
    if (ticket === state.ticket && !err.handled) fill(body, h("p", { class: "error", role: "alert", "data-testid": "devices-error" }, err.message));
  }
}

function renderDevices(villageId, body, devices) {
  if (!devices.length) return fill(body, h("p", { class: "muted" }, t("devicesNone")));
  const row = (d) =>
    h(
      "tr",
      { "data-testid": `device-${d.id}`, "data-state": d.state },
      h("td", null, d.account_name),
      h("td", null, d.name),
      h("td", null, time(d.enrolled_at)),
      h(
        "td",
        { "data-testid": "device-state" },
        d.state === "wipe_ordered" ? `${t("deviceWipeOrdered")} ${time(d.wipe_ordered_at)}` : d.state === "revoked" ? t("deviceRevoked") : t("deviceActive"),
      ),
      h(
        "td",
        null,
        d.state === "wipe_ordered"
          ? null
          : h("button", { type: "button", class: "btn btn-danger", "data-testid": "device-wipe", onclick: () => confirmWipe(villageId, d, body) }, t("deviceWipe")),
      ),
    );
  fill(
    body,
    h(
      "table",
      { class: "grid" },
      h("thead", null, h("tr", null, [t("deviceMember"), t("deviceName"), t("deviceEnrolled"), t("deviceState"), ""].map((c) => h("th", null, c)))),
      h("tbody", null, devices.map(row)),
    ),
  );
}

/** The confirm dialog; on yes the order goes to the server and the list is read again. */
function confirmWipe(villageId, d, body) {
  const dialog = $("#entry");
  const error = h("p", { class: "entry-error", "data-testid": "wipe-error", role: "alert", hidden: true });
  const yes = h("button", { type: "submit", class: "btn btn-danger", "data-testid": "wipe-confirm" }, t("deviceWipeConfirm"));
  const no = h("button", { type: "button", class: "btn", "data-testid": "wipe-cancel", onclick: () => dialog.close() }, t("cancel"));
  const form = h(
    "form",
    { class: "entry-form", "data-testid": "wipe-dialog" },
    h("h3", null, t("deviceWipeTitle", { name: d.name, member: d.account_name })),
    h("p", null, t("deviceWipeText")),
    error,
    h("div", { class: "entry-actions" }, no, yes),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    yes.disabled = true;
    try {
      await api(`village/${encodeURIComponent(villageId)}/device/${encodeURIComponent(d.id)}/wipe`, { method: "POST", body: {} });
      dialog.close();
      await loadDevices(villageId, body);
    } catch (err) {
      if (!err.handled) {
        error.textContent = err.message;
        error.hidden = false;
      }
    } finally {
      yes.disabled = false;
    }
  });
  fill(dialog, form);
  closeDialogs();
  dialog.showModal();
}
