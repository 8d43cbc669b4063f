//! The desktop entry point of the Taizhang field app: everything is in the library (`lib.rs`),
//! which phones enter through Tauri's mobile entry point instead.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    taizhang_app_lib::run();
}
