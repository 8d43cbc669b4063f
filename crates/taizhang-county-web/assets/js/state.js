// The county page's state and its place in the hash. Routes live in the hash: #/ (overview)
// and #/village/<id>, each with ?from=&to= so a reload or a shared link keeps the period.

export const state = {
  me: null,
  period: null, // {from, to} once known; null = ask the server for its default
  view: "boot", // boot | login | overview | village | township
  township: null, // {atPost, leave, filing}: the township screen's lists
  loginMessage: "",
  overview: null,
  village: null,
  sample: null, // {kind, n, seed, items}
  policy: null, // GET api/policy: the county's rules, for the entry forms (null: not loaded)
  grades: null, // {year, data} or {year, error}: the overview's yearly grades
  filter: { text: "", attentionOnly: false },
  ticket: 0, // bumps on each navigation; late answers for an old screen are dropped
};

export function parseHash() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const from = params.get("from");
  const to = params.get("to");
  const period = from && to ? { from, to } : null;
  const m = path.match(/^\/village\/([^/]+)$/);
  return { villageId: m ? decodeURIComponent(m[1]) : null, period, township: path === "/township" };
}

export function hashFor(villageId, period = state.period) {
  const path = villageId ? "#/village/" + encodeURIComponent(villageId) : "#/";
  return period ? `${path}?from=${period.from}&to=${period.to}` : path;
}

/** Goes to `hash`; main.js routes on hashchange, so an unchanged hash is announced by hand. */
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

/** The period as query parameters (none: the server's default period). */
export function periodParams() {
  return state.period ? { from: state.period.from, to: state.period.to } : {};
}
