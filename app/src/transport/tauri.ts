// The Tauri transport: a command over invoke (the request, when there is one, as argument `req`).
import { invoke } from "@tauri-apps/api/core";
import type { Transport } from "./types";

export const tauriCall: Transport = (name, req) => invoke(name, req === null ? {} : { req });
