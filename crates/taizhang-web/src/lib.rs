//! The offline web client's core: the field app's command bodies (`taizhang-app-core`) compiled
//! to WebAssembly and run in a dedicated worker of the page (`app/src/transport/web-worker.ts`).
//! The ledger is the same SQLite store as on a phone, kept in the browser's Origin Private File
//! System through the opfs-sahpool VFS (each commit flushed before a command answers, so the UI
//! never says "saved" before the record is durable); sync and enrollment go over the browser's
//! `fetch` ([`FetchTransport`]). A native build of this crate is empty.

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::*;
