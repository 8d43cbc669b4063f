// Typed calls to the Rust side: one function, checked against the generated command contract.
// The transport is chosen once: inside the Tauri app (desktop or phone) a command goes over
// Tauri's invoke; in a plain browser (the offline web client served at /app/) the same command
// runs in the WebAssembly build of the same Rust core (transport/web.ts, loaded on first use).
import type { Commands } from "./generated/contract";
import { platform } from "./transport/platform";
import { tauriCall } from "./transport/tauri";
import type { Transport } from "./transport/types";

type Name = keyof Commands;
type Req<N extends Name> = Commands[N]["req"];
type Res<N extends Name> = Commands[N]["res"];

const where = platform();
// Phones: the location from the geolocation plugin and the QR scanner on the join screen.
if (where === "tauri-mobile") void import("./transport/mobile").then((m) => m.installMobileExtras());

let web: Promise<Transport> | null = null;
function transport(): Transport | Promise<Transport> {
  if (where !== "browser") return tauriCall;
  web ??= import("./transport/web").then((m) => m.openWebCore());
  return web;
}

/** Calls command `name`; rejects with a `CommandError` ({ code, message, field }). */
export async function call<N extends Name>(name: N, ...req: Req<N> extends null ? [] : [Req<N>]): Promise<Res<N>> {
  const t = await transport();
  return (await t(name, req.length ? req[0] : null)) as Res<N>;
}
