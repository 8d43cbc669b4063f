// The county page's calls to its API (crates/taizhang-county-web/assets/API.md): relative URLs, so the page
// works under /county/; the session is the cookie. A 401 ends the session on the page: the
// handler main.js registers with onSessionLost shows the log-in screen.

import { t } from "./i18n.js";
import { periodParams } from "./state.js";

let sessionLostHandler = () => {};

/** Sets what a lost session does (main.js: back to the log-in screen). */
export function onSessionLost(handler) {
  sessionLostHandler = handler;
}

class ApiError extends Error {
  constructor(status, message, handled = false) {
    super(message);
    this.status = status;
    this.handled = handled; // already shown (the page went back to the log-in screen)
  }
}

/**
 * Calls `api/<path>`. Any 401 (except on the log-in call itself, where it means a wrong
 * password) ends the session on the page and shows the log-in screen.
 */
export async function api(path, { method = "GET", body, params, loginCall = false } = {}) {
  const query = params ? new URLSearchParams(cleanParams(params)).toString() : "";
  const url = "api/" + path + (query ? "?" + query : "");
  let res;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, t("networkError"));
  }
  const text = res.status === 204 ? "" : await res.text();
  const data = parseJson(text);
  if (res.status === 401 && !loginCall) {
    sessionLostHandler();
    throw new ApiError(401, t("sessionExpired"), true);
  }
  if (!res.ok) throw new ApiError(res.status, data?.error || plainError(text) || `HTTP ${res.status}`);
  return data;
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * A plain-text error body, shortened. Errors are JSON `{"error"}` by contract, but a body the
 * server's JSON reader refuses (a wrong type in an entry form) comes back as plain text, and
 * that text says what was wrong better than "HTTP 422".
 */
function plainError(text) {
  const s = String(text ?? "").trim();
  if (!s || s.startsWith("<") || s.startsWith("{")) return "";
  return s.length > 300 ? s.slice(0, 300) + "…" : s;
}

function cleanParams(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) if (v != null && v !== "") out[k] = String(v);
  return out;
}

export function exportHref(dataset, format, scope = {}) {
  const params = { dataset, format, ...periodParams(), village: scope.village, member: scope.member };
  return "api/export?" + new URLSearchParams(cleanParams(params)).toString();
}
