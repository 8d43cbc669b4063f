// What a command transport is: a command's name and request in, its answer (or a rejected
// CommandError) out. Tauri's invoke and the WebAssembly core both have this shape.
import type { Commands } from "../generated/contract";

export type Transport = (name: keyof Commands, req: unknown) => Promise<unknown>;
