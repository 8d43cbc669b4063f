//! `taizhang-bench-probe`: the client's cold start, household list, search and visits on one
//! store, in a fresh process (the growth scenario runs it at each checkpoint). It keeps the
//! system allocator, as the app does, so that the client's rows of BENCHMARKS.md are measured
//! on the app's allocator; `taizhang-bench` itself runs on mimalloc, like the sync server.

use std::path::PathBuf;

use clap::Parser;
use taizhang_bench::{data, growth};

#[derive(Parser, Debug)]
#[command(name = "taizhang-bench-probe", about = "Taizhang (台账) benchmark: a store's cold start, in its own process")]
struct Args {
    #[arg(long)]
    store: PathBuf,
    #[arg(long)]
    village_index: u32,
    #[arg(long)]
    households: usize,
    #[arg(long)]
    visits: u32,
    #[arg(long)]
    at: i64,
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let spec = data::VillageSpec::new(a.village_index, a.households);
    let p = growth::run_probe(&a.store, &spec, a.visits, a.at)?;
    println!("{}", serde_json::to_string(&p)?);
    Ok(())
}
