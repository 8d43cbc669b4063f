// Drafts of the household and family forms kept on disk as they are typed (issue 16), like the
// visit form's: every control of a form that has a name of its own (its data-testid; a
// checkbox by its value) is written to the store 300 ms after a change and put back when the
// form opens again after the app was killed or restarted; saving the form removes the draft.
import { call } from "./api";
import { h } from "./dom";
import { t } from "./i18n";
import { debounce, formatDateTime } from "./logic";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
export type FormValues = Record<string, string | boolean>;

/** The draft name of a family member's form (`personId` null: a new member). */
export function familyDraft(householdId: string, personId: string | null): string {
  return `family:${householdId}:${personId ?? "new"}`;
}

/** The draft name of the household form (`id` null: a new household). */
export function householdDraft(id: string | null): string {
  return id ? `household-edit:${id}` : "household-new";
}

function keyOf(c: Control): string | null {
  const id = c.dataset.testid ?? "";
  if (c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio")) {
    // Several ticks may share a test id: each is told apart by its value.
    return c.value && c.value !== "on" ? `${id || c.type}:${c.value}` : id || null;
  }
  return id || null;
}

function controls(box: HTMLElement): Control[] {
  return [...box.querySelectorAll<Control>("input, select, textarea")].filter((c) => !(c instanceof HTMLInputElement && c.type === "file"));
}

/** What the form holds, by each control's name. */
export function readForm(box: HTMLElement): FormValues {
  const out: FormValues = {};
  for (const c of controls(box)) {
    const k = keyOf(c);
    if (k === null) continue;
    out[k] = c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio") ? c.checked : c.value;
  }
  return out;
}

/** Puts `values` back into the form; a control the draft does not name keeps its value. The
 * number of controls filled. */
export function fillForm(box: HTMLElement, values: FormValues): number {
  let n = 0;
  for (const c of controls(box)) {
    const k = keyOf(c);
    if (k === null || !(k in values)) continue;
    const v = values[k];
    if (c instanceof HTMLInputElement && (c.type === "checkbox" || c.type === "radio")) c.checked = v === true;
    else c.value = String(v);
    c.dispatchEvent(new Event("change"));
    n += 1;
  }
  return n;
}

/** Keeps the draft of `box` under `form`: restores a kept one (the banner says so and offers to
 * discard it: `discarded` then shows the form afresh) and saves every change. `clear` removes the
 * draft once the form is saved. */
export async function keepDraft(
  box: HTMLElement,
  form: string,
  discarded: () => void,
): Promise<{ banner: HTMLElement | null; clear: () => Promise<void> }> {
  const kept = await call("draft", form);
  let banner: HTMLElement | null = null;
  if (kept.body && kept.savedAt !== null) {
    let values: FormValues | null = null;
    try {
      values = JSON.parse(kept.body) as FormValues;
    } catch {
      values = null;
    }
    if (values && fillForm(box, values) > 0) {
      banner = h(
        "div",
        { class: "card", "data-testid": "draft-restored" },
        t("visit.draftRestored", { at: formatDateTime(kept.savedAt) }),
        " ",
        h(
          "button",
          {
            type: "button",
            "data-testid": "draft-discard",
            onclick: async () => {
              await call("save_draft", { form, body: "" });
              discarded();
            },
          },
          t("visit.draftDiscard"),
        ),
      );
    }
  }
  const save = debounce(() => void call("save_draft", { form, body: JSON.stringify(readForm(box)) }), 300);
  box.addEventListener("input", save);
  box.addEventListener("change", save);
  return { banner, clear: async () => void (await call("save_draft", { form, body: "" })) };
}
