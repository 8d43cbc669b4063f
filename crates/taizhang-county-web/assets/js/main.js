// The county view (县级查看) of Taizhang, in plain JavaScript modules with no build step: county
// organisation-department staff log in, see every village of the county at a glance and the
// first secretaries' yearly grades, open a village (team figures, presence calendar, members,
// monthly scores, household visits), enter the scores the records cannot give (scheme A's
// results / evaluation / assessment, training days, seven ones, scheme B's monthly items), draw
// random inspections (随机查) and download exports. Built against crates/taizhang-county-web/assets/API.md.
//
// This module boots the page, routes on the hash, and draws the header and the log-in screen;
// the screens are overview.js and village.js (with entry.js and inspection.js), the words
// i18n.js, the API api.js, the DOM helper dom.js. Every string that comes from the API (names,
// notes, diary text typed on field devices) goes into the page as text nodes or attribute
// values via h(); nothing here assigns innerHTML.

import { api, onSessionLost } from "./api.js";
import { $, fill, h } from "./dom.js";
import { applyLang, lang, setLang, t } from "./i18n.js";
import { renderOverview, showOverview } from "./overview.js";
import { parseHash, state } from "./state.js";
import { banner, closeDialogs } from "./ui.js";
import { renderTownship, showTownship } from "./township.js";
import { renderVillage, showVillage } from "./village.js";

function route() {
  if (!state.me) return;
  const { villageId, period, township } = parseHash();
  if (period && (period.from !== state.period?.from || period.to !== state.period?.to)) {
    state.period = period;
    state.sample = null; // a sample belongs to the period it was drawn from
  }
  if (villageId) showVillage(villageId);
  // A township officer starts on the township screen (at post, leave, filing).
  else if (township || (state.me.scope === "township" && !location.hash.startsWith("#/?") && location.hash !== "#/"))
    showTownship();
  else showOverview();
}

function rerender() {
  renderHeader();
  if (state.view === "login") renderLogin();
  else if (state.view === "overview" && state.overview) renderOverview(state.overview);
  else if (state.view === "village" && state.village) renderVillage(state.village);
  else if (state.view === "township" && state.township) renderTownship(state.township);
}

function sessionLost() {
  const wasIn = state.me != null;
  state.me = null;
  state.overview = null;
  state.village = null;
  state.sample = null;
  state.policy = null;
  state.grades = null;
  showLogin(wasIn ? t("sessionExpired") : "");
}

// ---------------------------------------------------------------------------------------------
// Header: title, who is logged in, language switch, log-out.

function renderHeader() {
  const me = state.me;
  fill(
    $("#top"),
    h("h1", { class: "brand", "data-testid": "page-title" }, t("title")),
    h(
      "div",
      { class: "top-right" },
      me ? h("a", { class: "btn btn-ghost", href: "#/", "data-testid": "nav-overview" }, lang === "en" ? "Villages" : "各村概况") : null,
      me ? h("a", { class: "btn btn-ghost", href: "#/township", "data-testid": "nav-township" }, lang === "en" ? "At post & leave" : "在岗与审批") : null,
      me ? h("span", { class: "whoami", "data-testid": "whoami" }, `${me.township_name ?? me.county_name ?? ""} · ${me.name ?? ""}`) : null,
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": "lang-switch", onclick: switchLang }, t("langSwitch")),
      me ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "logout", onclick: logout }, t("logout")) : null,
    ),
  );
}

function switchLang() {
  setLang(lang === "zh" ? "en" : "zh");
  rerender();
}

async function logout() {
  try {
    await api("logout", { method: "POST", loginCall: true });
  } catch (err) {
    console.warn("logout", err);
  }
  state.me = null;
  state.overview = null;
  state.village = null;
  state.sample = null;
  state.policy = null;
  state.grades = null;
  showLogin("");
}

// ---------------------------------------------------------------------------------------------
// Log-in screen.

function showLogin(message) {
  state.view = "login";
  state.ticket += 1;
  state.loginMessage = message ?? "";
  banner("");
  closeDialogs(); // an open form or explanation belongs to the screen being left
  renderHeader();
  renderLogin();
}

function renderLogin() {
  const typed = $('[data-testid="login-name"]')?.value ?? ""; // kept across a language switch
  const error = h("p", { class: "login-error", "data-testid": "login-error", role: "alert", hidden: !state.loginMessage }, state.loginMessage);
  const name = h("input", { name: "login", autocomplete: "username", required: true, value: typed, "data-testid": "login-name" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true, "data-testid": "login-password" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "login-submit" }, t("login"));
  const form = h(
    "form",
    { class: "card login", "data-testid": "login-form" },
    h("h2", null, t("loginTitle")),
    h("p", { class: "muted" }, t("loginHint")),
    h("label", null, h("span", null, t("loginName")), name),
    h("label", null, h("span", null, t("password")), password),
    error,
    submit,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    login(name.value.trim(), password.value, submit, error);
  });
  fill($("#view"), form);
  name.focus();
}

async function login(loginName, password, submit, error) {
  submit.disabled = true;
  submit.textContent = t("loggingIn");
  try {
    const me = await api("login", { method: "POST", body: { login: loginName, password }, loginCall: true });
    state.me = me;
    state.loginMessage = "";
    renderHeader();
    route();
  } catch (err) {
    state.loginMessage = err.message;
    error.textContent = err.message;
    error.hidden = false;
    submit.disabled = false;
    submit.textContent = t("login");
  }
}

// ---------------------------------------------------------------------------------------------
// Start: who is logged in? Then the route in the hash.

async function boot() {
  applyLang();
  renderHeader();
  onSessionLost(sessionLost);
  window.addEventListener("hashchange", route);
  try {
    const res = await fetch("api/me", { credentials: "same-origin" });
    if (res.ok) {
      state.me = await res.json();
      renderHeader();
      route();
    } else {
      showLogin("");
    }
  } catch {
    showLogin(t("networkError"));
  }
}

boot();
