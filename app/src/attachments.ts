// Photos and scans on a record (issue 19): the visit form's "添加照片" (a file input for photos
// and PDFs, each re-encoded and kept on this device by the core before the visit is saved, with
// its EXIF time and — when 保留位置 is ticked — place shown beside it as optional evidence), and
// the strip of thumbnails with each file's state in words on the household screen. Never a gate:
// a visit saves with no photo, and no hash, size or path is ever shown.
import { call } from "./api";
import { add, clear, h } from "./dom";
import type { AttachmentItem, RecordKindCode } from "./generated/contract";
import { lang, t } from "./i18n";
import { platform } from "./transport/platform";

/** The state in the current language (the core words both). */
export function stateWords(a: AttachmentItem): string {
  return lang() === "zh" ? a.wordsZh : a.wordsEn;
}

/** The optional evidence read from the photo: when, and where if the person kept it. */
export function evidenceWords(a: AttachmentItem): string {
  const parts: string[] = [];
  if (a.takenAt) parts.push(t("photo.takenAt", { at: a.takenAt }));
  if (a.place) parts.push(t("photo.place", { lat: a.place.lat.toFixed(4), lon: a.place.lon.toFixed(4) }));
  return parts.join(" · ");
}

function thumbBox(a: AttachmentItem): HTMLElement {
  const pic = a.thumb
    ? h("img", { src: a.thumb, alt: t("photo.alt"), class: "thumb", "data-testid": "photo-thumb" })
    : h("span", { class: "thumb placeholder", "data-testid": "photo-thumb" }, a.kind === "pdf" ? "PDF" : t("photo.noThumb"));
  pic.addEventListener("click", () => void showFull(a));
  return pic;
}

/** The whole file over the screen (a teammate's is fetched now); a tap closes it. */
async function showFull(a: AttachmentItem): Promise<void> {
  const full = await call("attachment_full", { id: a.id }).catch(() => null);
  if (!full?.dataUrl) return;
  const view =
    full.mime === "application/pdf"
      ? h("iframe", { src: full.dataUrl, title: t("photo.alt"), class: "photo-full" })
      : h("img", { src: full.dataUrl, alt: t("photo.alt"), class: "photo-full" });
  const overlay = h("div", { class: "overlay", "data-testid": "photo-full", onclick: () => overlay.remove() }, view);
  document.body.append(overlay);
}

/** A form's photos (the visit's, the diary's): the picker and what was added. `ids()` are saved with the record. */
export function attachmentPicker(kind: RecordKindCode, initial: string[] = []): { node: HTMLElement; ids: () => string[] } {
  let items: AttachmentItem[] = [];
  const ids = new Set(initial);
  const list = h("div", { class: "photos", "data-testid": `${kind}-photos` });
  const error = h("p", { class: "warn small", hidden: true, "data-testid": "photo-error" });
  const draw = () => {
    clear(list);
    for (const a of items)
      add(
        list,
        h(
          "div",
          { class: "photo", "data-testid": "photo-item" },
          thumbBox(a),
          h("div", { class: "small" }, h("span", { "data-testid": "photo-state" }, stateWords(a))),
          evidenceWords(a) ? h("div", { class: "small muted", "data-testid": "photo-evidence" }, evidenceWords(a)) : null,
          h(
            "button",
            {
              class: "small",
              "data-testid": "photo-remove",
              onclick: () => {
                ids.delete(a.id);
                items = items.filter((x) => x.id !== a.id);
                draw();
              },
            },
            t("photo.remove"),
          ),
        ),
      );
  };
  // A draft (or the visit a correction starts from) holds the photos by id: their thumbnails
  // come back from the device; their state shows on the saved record.
  for (const id of initial)
    void call("attachment_thumb", { id })
      .then((d) => {
        items.push({ id, kind: d.mime === "application/pdf" ? "pdf" : "photo", thumb: d.dataUrl, takenAt: null, place: null, keepLocation: false, state: "waiting", percent: 0, receivedAt: null, wordsZh: "", wordsEn: "" });
        draw();
      })
      .catch(() => ids.delete(id));
  if (platform() === "browser") {
    // The browser keeps no files: photos are added in the app.
    return { node: h("p", { class: "muted small", "data-testid": `${kind}-photos-browser` }, t("photo.browser")), ids: () => [] };
  }
  const input = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,application/pdf", multiple: true, "data-testid": `${kind}-photo-file` });
  const keepPlace = h("input", { type: "checkbox", "data-testid": `${kind}-photo-place` });
  input.onchange = async () => {
    error.hidden = true;
    for (const file of Array.from(input.files ?? [])) {
      try {
        const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
        const a = await call("attach_file", { recordKind: kind, recordId: null, name: file.name, bytes, keepLocation: keepPlace.checked });
        if (!ids.has(a.id)) items.push(a);
        ids.add(a.id);
        draw();
      } catch (e) {
        error.textContent = (e as { message?: string }).message ?? String(e);
        error.hidden = false;
      }
    }
    input.value = "";
    list.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const node = h(
    "fieldset",
    { class: "photos-field" },
    h("legend", {}, t("photo.add")),
    h("label", { class: "file" }, t("photo.pick"), input),
    h("label", { class: "check" }, keepPlace, t("photo.keepPlace")),
    h("p", { class: "muted small" }, t("photo.hint")),
    error,
    list,
  );
  return { node, ids: () => [...ids] };
}

/** A saved record's photos: thumbnails and each one's state in words, redrawn every few seconds
 * while any is still on its way. */
export function attachmentStrip(kind: RecordKindCode, recordId: string, removable = false): HTMLElement {
  const strip = h("div", { class: "photos", "data-testid": "record-photos" });
  // 移除 takes a photo off the saved record (a wrong one is not stuck there); the first tap asks
  // 确认移除？, the second removes.
  const removeButton = (id: string) => {
    const btn = h("button", { class: "small", "data-testid": "record-photo-remove" }, t("photo.remove"));
    let armed = false;
    btn.onclick = async () => {
      if (!armed) {
        armed = true;
        btn.textContent = t("photo.removeConfirm");
        return;
      }
      btn.disabled = true;
      try {
        await call("remove_attachment", { recordKind: kind, recordId, id });
        await load();
      } catch (e) {
        btn.disabled = false;
        btn.textContent = (e as { message?: string }).message ?? String(e);
      }
    };
    return btn;
  };
  const load = async () => {
    const list = await call("attachments_for", { recordKind: kind, recordId }).catch(() => null);
    if (!list || !strip.isConnected && strip.childElementCount) return;
    clear(strip);
    for (const a of list.items)
      add(
        strip,
        h(
          "div",
          { class: "photo", "data-testid": "record-photo" },
          thumbBox(a),
          h("div", { class: "small", "data-testid": "record-photo-state" }, stateWords(a)),
          evidenceWords(a) ? h("div", { class: "small muted" }, evidenceWords(a)) : null,
          removable ? removeButton(a.id) : null,
        ),
      );
    if (list.items.some((a) => a.state === "waiting" || a.state === "uploading" || (a.state === "remote" && !a.thumb)))
      setTimeout(() => {
        if (strip.isConnected) void load();
      }, 3000);
  };
  void load();
  return strip;
}

/** A saved record's photos with 添加照片 beside them (a household, a follow-up item, a progress
 * update, the plan's letter): each file picked is kept on this device, then added to the record
 * (it joins those it has), and the strip is drawn again with each file's state in words. */
export function recordPhotos(kind: RecordKindCode, recordId: string, count: number, legend: string): HTMLElement {
  const box = h("div", { class: "record-photos", "data-testid": `${kind}-record-photos` });
  const removable = platform() !== "browser";
  let strip: HTMLElement = count ? attachmentStrip(kind, recordId, removable) : h("div", { class: "photos" });
  box.append(strip);
  if (!removable) return box;
  const error = h("p", { class: "warn small", hidden: true, "data-testid": "photo-error" });
  const done = h("p", { class: "ok small", hidden: true, "data-testid": "photo-added" }, t("photo.added"));
  const input = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,application/pdf", multiple: true, "data-testid": `${kind}-add-photo` });
  input.onchange = async () => {
    error.hidden = true;
    done.hidden = true;
    const ids: string[] = [];
    for (const file of Array.from(input.files ?? [])) {
      try {
        const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
        ids.push((await call("attach_file", { recordKind: kind, recordId, name: file.name, bytes, keepLocation: false })).id);
      } catch (e) {
        error.textContent = (e as { message?: string }).message ?? String(e);
        error.hidden = false;
      }
    }
    input.value = "";
    if (!ids.length) return;
    try {
      await call("add_attachments", { recordKind: kind, recordId, attachments: ids });
      done.hidden = false;
      const next = attachmentStrip(kind, recordId, removable);
      strip.replaceWith(next);
      strip = next;
    } catch (e) {
      error.textContent = (e as { message?: string }).message ?? String(e);
      error.hidden = false;
    }
  };
  box.append(h("label", { class: "file small" }, legend, input), error, done);
  return box;
}
