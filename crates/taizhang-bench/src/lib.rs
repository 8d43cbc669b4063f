//! The benchmarks' scenarios, shared by the `taizhang-bench` binary (which runs them and writes
//! the pages, on mimalloc like the sync server) and `taizhang-bench-probe` (the client's cold
//! start, list, search and visits in a fresh process, on the system allocator like the app).

pub mod am;
pub mod attach;
pub mod county;
pub mod data;
pub mod edit;
pub mod growth;
pub mod link;
pub mod load;
pub mod measure;
pub mod peer;
pub mod report;
pub mod roster;
pub mod setup;
pub mod shaper;

/// Milliseconds since the epoch (UTC) from the system clock.
pub fn now_ms() -> i64 {
    taizhang_sync_server::system_clock()
}
