// Typed calls to the Rust side: one function, checked against the generated command contract.
import { invoke } from "@tauri-apps/api/core";
import type { Commands } from "./generated/contract";

type Name = keyof Commands;
type Req<N extends Name> = Commands[N]["req"];
type Res<N extends Name> = Commands[N]["res"];

/** Calls command `name`; rejects with a `CommandError` ({ code, message, field }). */
export function call<N extends Name>(name: N, ...req: Req<N> extends null ? [] : [Req<N>]): Promise<Res<N>> {
  return invoke<Res<N>>(name, req.length ? { req: req[0] } : {});
}
