// The photos and scans of a village's records on the county and township pages (issue 19):
// wherever a visit, a diary entry, a household, a project's progress or the plan's signed
// letter is listed (the evidence calendar's day, the random inspection, the village ledger),
// its attachments show as thumbnails that open the full image on a click, a PDF
// as a link, and a file the phone has not sent whole yet as words (照片尚未上传), never as a
// broken image. One request per village page (api/village/{id}/photos) says which records have
// which files and whether the server holds them; the files come from
// api/village/{id}/blob/{hash} and .../thumb. The section's words are kept here.

import { api } from "./api.js";
import { fill, h } from "./dom.js";
import { lang } from "./i18n.js";
import { state } from "./state.js";

const WORDS = {
  zh: {
    photos: "照片",
    photo: "照片",
    pending: "照片尚未上传",
    pendingTip: "手机同步后会自动补传",
    pdf: "PDF 文件",
    open: "点击查看原图",
    openNew: "在新窗口打开",
    close: "关闭",
    failed: "原图暂时无法显示",
  },
  en: {
    photos: "Photos",
    photo: "photo",
    pending: "not uploaded yet",
    pendingTip: "the phone sends it after its next sync",
    pdf: "PDF file",
    open: "click for the full image",
    openNew: "open in a new window",
    close: "Close",
    failed: "the full image cannot be shown right now",
  },
};

function w(key) {
  return WORDS[lang]?.[key] ?? WORDS.zh[key] ?? key;
}

/** The column heading for a record's photos. */
export const photosHeading = () => w("photos");

// The photos of the village shown (one request per village and page load).
let loaded = { village: null, ticket: null, promise: null };

function villagePhotos(villageId) {
  if (loaded.village !== villageId || loaded.ticket !== state.ticket || !loaded.promise) {
    // A failure leaves the records without photos on the page (the rest of it still works).
    const promise = api(`village/${encodeURIComponent(villageId)}/photos`).catch(() => null);
    loaded = { village: villageId, ticket: state.ticket, promise };
  }
  return loaded.promise;
}

const fileUrl = (villageId, hash, thumb) => `api/village/${encodeURIComponent(villageId)}/blob/${encodeURIComponent(hash)}${thumb ? "/thumb" : ""}`;

const pendingWords = (hash) => h("span", { class: "photo-pending", title: w("pendingTip"), "data-testid": "photo-pending", "data-hash": hash }, w("pending"));

/**
 * The photos of one record (`recordId`, as the village's records name it): filled in once the
 * village's list has arrived; empty for a record without any.
 */
export function photoStrip(villageId, recordId) {
  const box = h("span", { class: "photos", "data-testid": "photos", "data-record": recordId });
  if (!villageId || !recordId) return box;
  villagePhotos(villageId).then((view) => {
    const rec = view?.records?.[recordId];
    if (rec?.photos?.length) fill(box, rec.photos.map((p) => photoItem(villageId, p)));
  });
  return box;
}

function photoItem(villageId, p) {
  if (p.state !== "stored") return pendingWords(p.hash);
  if (!p.thumb) {
    return h("a", { class: "photo-file", href: fileUrl(villageId, p.hash, false), target: "_blank", rel: "noopener", "data-testid": "photo-pdf" }, w("pdf"));
  }
  const img = h("img", { class: "photo-thumb", src: fileUrl(villageId, p.hash, true), alt: w("photo"), loading: "lazy", "data-testid": "photo-thumb", "data-hash": p.hash });
  const button = h("button", { type: "button", class: "photo-open", title: w("open"), "data-testid": "photo-open", onclick: () => openViewer(villageId, p.hash) }, img);
  // A thumbnail the server cannot give after all (collected, a race with an upload) is words.
  img.addEventListener("error", () => button.replaceWith(pendingWords(p.hash)));
  return button;
}

/** The full image over the page; a click outside it, 关闭 or Escape closes it. */
function openViewer(villageId, hash) {
  document.querySelector('[data-testid="photo-viewer"]')?.remove();
  const url = fileUrl(villageId, hash, false);
  const full = h("img", { class: "photo-full", src: url, alt: w("photo"), "data-testid": "photo-full", "data-hash": hash });
  const onKey = (e) => {
    if (e.key === "Escape") close();
  };
  const close = () => {
    overlay.remove();
    document.removeEventListener("keydown", onKey);
  };
  const closeButton = h("button", { type: "button", class: "btn", "data-testid": "photo-close", onclick: close }, w("close"));
  const overlay = h(
    "div",
    { class: "photo-viewer", role: "dialog", "aria-modal": "true", "data-testid": "photo-viewer", onclick: (e) => e.target === overlay && close() },
    h("div", { class: "photo-viewer-box" }, full, h("div", { class: "toolbar" }, h("a", { href: url, target: "_blank", rel: "noopener" }, w("openNew")), closeButton)),
  );
  full.addEventListener("error", () => full.replaceWith(h("p", { class: "photo-pending", "data-testid": "photo-failed" }, w("failed"))));
  document.addEventListener("keydown", onKey);
  document.body.append(overlay);
  closeButton.focus();
}
