// Phone-only extras of the Tauri app, loaded by api.ts on Android / iOS alone: the location comes
// from the geolocation plugin (the UI keeps calling navigator.geolocation, which this replaces),
// and the join screen gets a "scan the QR code" button (barcode-scanner plugin). Location stays
// optional evidence: a refusal or a time-out answers "no location", never blocks a check-in.
import { checkPermissions, getCurrentPosition, requestPermissions } from "@tauri-apps/plugin-geolocation";
import { Format, scan } from "@tauri-apps/plugin-barcode-scanner";
import { lang } from "../i18n";
import { parseEnrollQr } from "./enroll-qr";

const WORDS = {
  zh: { scan: "扫描入队二维码", notEnroll: "这不是台账入队二维码，请手动输入入队码。", failed: "无法扫码：" },
  en: { scan: "Scan the enrollment QR code", notEnroll: "That is not a Taizhang enrollment code; type the code instead.", failed: "Cannot scan: " },
} as const;

/** navigator.geolocation.getCurrentPosition answered by the plugin (permission asked once). */
function pluginGetCurrentPosition(
  ok: PositionCallback,
  fail?: PositionErrorCallback | null,
  options?: PositionOptions,
): void {
  const refuse = (code: number, message: string) =>
    fail?.({ code, message, PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError);
  void (async () => {
    try {
      let perm = await checkPermissions();
      if (perm.location === "prompt" || perm.location === "prompt-with-rationale") perm = await requestPermissions(["location"]);
      if (perm.location !== "granted") return refuse(1, "location permission refused");
      const p = await getCurrentPosition({
        enableHighAccuracy: options?.enableHighAccuracy ?? true,
        timeout: options?.timeout ?? 10_000,
        maximumAge: options?.maximumAge ?? 60_000,
      });
      ok({ coords: p.coords, timestamp: p.timestamp } as unknown as GeolocationPosition);
    } catch (e) {
      refuse(2, String(e));
    }
  })();
}

function installLocation(): void {
  const geo = navigator.geolocation as Geolocation | undefined;
  if (geo) {
    geo.getCurrentPosition = pluginGetCurrentPosition;
  } else {
    Object.defineProperty(navigator, "geolocation", {
      value: { getCurrentPosition: pluginGetCurrentPosition, watchPosition: () => 0, clearWatch: () => {} },
    });
  }
}

/** Adds the scan button under the join form's code field whenever the join screen is shown. */
function installScanButton(): void {
  const add = () => {
    const code = document.querySelector<HTMLInputElement>('[data-testid="setup-code"]');
    if (!code || document.querySelector('[data-testid="setup-scan"]')) return;
    const server = document.querySelector<HTMLInputElement>('[data-testid="setup-server"]');
    const w = WORDS[lang()];
    const note = document.createElement("p");
    note.className = "muted small";
    const btn = document.createElement("button");
    btn.type = "button";
    btn.dataset.testid = "setup-scan";
    btn.textContent = w.scan;
    btn.onclick = async () => {
      note.textContent = "";
      try {
        const r = await scan({ windowed: false, formats: [Format.QRCode] });
        const qr = parseEnrollQr(r.content);
        if (!qr) {
          note.textContent = w.notEnroll;
          return;
        }
        code.value = qr.code;
        if (qr.server && server) server.value = qr.server;
      } catch (e) {
        note.textContent = w.failed + String(e);
      }
    };
    (code.closest("label") ?? code).after(btn, note);
  };
  new MutationObserver(add).observe(document.body, { childList: true, subtree: true });
  add();
}

/** Installs the phone extras; called once by api.ts on Tauri mobile. */
export function installMobileExtras(): void {
  installLocation();
  if (document.body) installScanButton();
  else document.addEventListener("DOMContentLoaded", installScanButton, { once: true });
}
