// The field app's DOM helper; the county page's crates/taizhang-county-web/assets/js/dom.js has the same convention.
//
// h(tag, attrs, ...children) creates `<tag>`. attrs: an `on<event>` function becomes a listener;
// `value` and `checked` are set as properties; any other key is an attribute of that name
// (`class`, `data-testid`, `aria-label`…), true giving an empty attribute and null, undefined or
// false leaving it out. children: nodes, or strings and numbers, which always become text nodes
// (never parsed as HTML: record text goes through here); arrays, nested too, are flattened;
// null, undefined and false are skipped.
type Child = Node | string | number | null | undefined | false;
type Children = Child | Children[];
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = {},
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "value" && "value" in el) {
      (el as unknown as { value: string }).value = String(v);
    } else if (k === "checked" && el instanceof HTMLInputElement) {
      el.checked = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  appendAll(el, children);
  return el;
}

/** Removes every child of `el`. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Appends children to `el`, as h() does. */
export function add(el: Element, ...children: Children[]): void {
  appendAll(el, children);
}

function appendAll(el: Element, children: Children[]): void {
  for (const c of children) {
    if (Array.isArray(c)) appendAll(el, c);
    else if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
}
