// The web client's transport (the page served at /app/): each command runs in the WebAssembly
// build of the same Rust core (crates/taizhang-web), inside a dedicated worker that keeps the
// ledger in the browser's Origin Private File System. A command resolves only once its record is
// committed and flushed there, so "saved" on screen means durable in this browser. This file
// also registers the service worker (the page opens with no network after the first visit),
// asks the browser to keep the storage (navigator.storage.persist) and says in words when it
// refuses, and syncs in the background when the network is there. The ledger there is encrypted
// with the PIN (issue 21): the core answers `lock_status` with a PIN to set or to enter, and the
// page shows the same lock screen as the app (app/src/lock.ts) before anything else.
import { lang } from "../i18n";
import type { CommandError } from "../generated/contract";
import type { Transport } from "./types";

type Answer = { id: number; ok: true; value: string } | { id: number; ok: false; error: string };

const WORDS = {
  zh: {
    notPersisted:
      "浏览器没有答应长期保存本机数据：清理浏览器数据或空间不足时，还没同步的记录可能丢失。请有信号时及时同步；把本页“添加到主屏幕”后再试一次。",
    noCore: "网页版无法启动：",
  },
  en: {
    notPersisted:
      "The browser did not agree to keep this device's data: clearing browsing data or running out of space could lose records not yet synced. Sync whenever you have signal; adding this page to the home screen may help.",
    noCore: "The web client cannot start: ",
  },
} as const;

function asCommandError(raw: string): CommandError {
  try {
    const e = JSON.parse(raw) as CommandError;
    if (e && typeof e.code === "string" && typeof e.message === "string") return e;
  } catch {
    /* not JSON: a start-up failure in words */
  }
  return { code: "STORAGE", message: raw, field: null } as CommandError;
}

/** A banner at the top of the page (the storage warning); stays until the page reloads. */
function banner(testid: string, text: string): void {
  if (document.querySelector(`[data-testid="${testid}"]`)) return;
  const p = document.createElement("p");
  p.dataset.testid = testid;
  p.setAttribute("role", "status");
  p.style.cssText = "margin:0;padding:8px 12px;background:#fff4d6;color:#5a4100;font-size:14px;line-height:1.4";
  p.textContent = text;
  document.body.prepend(p);
}

/** Asks the browser to keep this origin's storage; tells the user in words when it will not. */
async function askToPersist(): Promise<void> {
  const storage = navigator.storage;
  if (!storage?.persist) return banner("storage-warning", WORDS[lang()].notPersisted);
  const kept = (await storage.persisted?.()) || (await storage.persist());
  (window as unknown as { taizhangPersisted?: boolean }).taizhangPersisted = kept;
  if (!kept) banner("storage-warning", WORDS[lang()].notPersisted);
}

function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  void navigator.serviceWorker.register(new URL("sw.js", document.baseURI).href, { scope: "./" }).catch(() => {
    /* without it the page still works online; the README says why (https needed) */
  });
}

/** Loads the WebAssembly core in its worker and opens the ledger. */
export async function openWebCore(): Promise<Transport> {
  registerServiceWorker();
  void askToPersist();
  const worker = new Worker(new URL("core-worker.js", document.baseURI).href, { type: "module" });
  let next = 1;
  const waiting = new Map<number, { ok: (v: string) => void; fail: (e: string) => void }>();
  worker.onmessage = (ev: MessageEvent<Answer>) => {
    const a = ev.data;
    const w = waiting.get(a.id);
    if (!w) return;
    waiting.delete(a.id);
    if (a.ok) w.ok(a.value);
    else w.fail(a.error);
  };
  const post = (msg: Record<string, unknown>) =>
    new Promise<string>((ok, fail) => {
      const id = next++;
      waiting.set(id, { ok, fail });
      worker.postMessage({ id, ...msg });
    });
  try {
    await post({ open: true, pkg: new URL("pkg/taizhang_web.js", document.baseURI).href, server: location.origin });
  } catch (e) {
    banner("core-error", WORDS[lang()].noCore + String(e));
    throw asCommandError(String(e));
  }
  // Background sync: now and then while the network is there, and as soon as it comes back.
  const tick = () => {
    if (navigator.onLine) void post({ autoSync: true }).catch(() => {});
  };
  setInterval(tick, 20_000);
  window.addEventListener("online", tick);
  return async (name, req) => {
    try {
      return JSON.parse(await post({ name, req: JSON.stringify(req) }));
    } catch (e) {
      throw typeof e === "string" ? asCommandError(e) : e;
    }
  };
}
