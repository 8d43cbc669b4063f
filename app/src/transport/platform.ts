// Where the UI runs: inside the Tauri app (desktop or phone) or in a plain browser (the web client).
import { isTauri } from "@tauri-apps/api/core";

export type Platform = "tauri-desktop" | "tauri-mobile" | "browser";

/** The platform of this page, from Tauri's injected globals and the user agent. */
export function platform(): Platform {
  if (!isTauri()) return "browser";
  return /Android|iPhone|iPad|iPod/i.test(navigator.userAgent) ? "tauri-mobile" : "tauri-desktop";
}
