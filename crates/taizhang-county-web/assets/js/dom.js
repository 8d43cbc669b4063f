// The county page's DOM helper; the field app's app/src/dom.ts follows the same convention.
//
// h(tag, attrs, ...children) creates `<tag>`. attrs: an `on<event>` function becomes a listener;
// `value` and `checked` are set as properties; any other key is an attribute of that name
// (`class`, `data-testid`, `data-village-id`, `aria-label`…), true giving an empty attribute and
// null, undefined or false leaving it out. children: nodes, or strings and numbers, which always
// become text nodes (never parsed as HTML: record text typed on field devices goes through
// here); arrays, nested too, are flattened; null, undefined and false are skipped.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value" && "value" in el) el.value = String(v);
    else if (k === "checked" && el instanceof HTMLInputElement) el.checked = Boolean(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  appendAll(el, children);
  return el;
}

/** Removes every child of `el`. */
export function clear(el) {
  el.replaceChildren();
}

/** Appends children to `el`, as h() does. */
export function add(el, ...children) {
  appendAll(el, children);
}

function appendAll(el, children) {
  for (const c of children) {
    if (Array.isArray(c)) appendAll(el, c);
    else if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces the children of `el` with `children`; returns `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  appendAll(el, children);
  return el;
}

/** The first element matching `selector`. */
export const $ = (selector) => document.querySelector(selector);
