//! `taizhang-bench`: measures Taizhang against the limits of issue 6 in one run — sync over a
//! shaped 2G link (against the physical limit and Automerge's sync protocol), a county's load
//! on the server, the client's cold start, visit and search, and growth over three years —
//! and writes `bench/results.json` and `BENCHMARKS.md` from the figures.
//!
//! `cargo run --release -p taizhang-bench -- all` (the README's "Benchmarks" section).

/// mimalloc, as the `taizhang-sync-server` binary: the bench serves from this binary (in process,
/// and as the load scenario's child server). In a reconnect burst glibc trimmed its heaps and
/// grew them again, and the kernel zeroing the fresh pages took a fifth of the sync server's
/// samples (9 % with mimalloc; issue 23). The client's own rows are measured in
/// `taizhang-bench-probe`, which keeps the system allocator as the app does.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};

use taizhang_bench::shaper::LinkSpec;
use taizhang_bench::{attach, county, data, edit, growth, link, load, peer, report, roster, setup};

#[derive(Parser, Debug)]
#[command(name = "taizhang-bench", about = "Taizhang (台账) benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Runs every scenario and writes the JSON and the Markdown table.
    All(AllArgs),
    /// The county report (issue 5): 200 villages × 4 members × one year, timed over HTTP;
    /// writes bench/county.json and bench/COUNTY.md.
    County(CountyArgs),
    /// Attachments over a bad link (issue 19): photos uploaded in chunks while the link is cut
    /// every N seconds; writes bench/attachments.json and bench/ATTACHMENTS.md.
    Attachments(AttachArgs),
    /// Team sync with no network (issue 20): a week of three phones exchanged phone to phone,
    /// and the relay's cost at the server; writes bench/peer.json and bench/PEER.md.
    Peer(PeerArgs),
    /// A household edit's sync at 1,000 households (issue 23): warm, cold from the registry's
    /// changes, cold from its saved form; writes bench/household-edit.json and
    /// bench/HOUSEHOLD-EDIT.md.
    HouseholdEdit(EditArgs),
    /// The household list at 1,000 households with their rosters (issue 16): the app's
    /// commands (list, searches, filters, one household's screen) timed over a phone's store;
    /// writes bench/roster.json and bench/ROSTER.md.
    Roster(RosterArgs),
    /// (internal) The sync server in a child process, for the load scenario.
    #[command(hide = true)]
    Serve {
        #[arg(long)]
        db: String,
    },
}

#[derive(clap::Args, Debug)]
struct AllArgs {
    /// Tiny sizes and a fast link: checks that everything runs (CI); the figures mean nothing.
    #[arg(long)]
    quick: bool,
    /// Where the JSON goes.
    #[arg(long, default_value = "bench/results.json")]
    results: PathBuf,
    /// Where the Markdown goes.
    #[arg(long, default_value = "BENCHMARKS.md")]
    markdown: PathBuf,
    /// Scenarios to skip: link, load, growth (comma-separated).
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// The load scenario's database: `sqlite:<path>` (default: a temporary file) or, once the
    /// backend exists, a PostgreSQL URL.
    #[arg(long, env = "TAIZHANG_BENCH_DB")]
    db: Option<String>,
    /// Devices per village in the load scenario (3–5 in a real county).
    #[arg(long, default_value_t = 5)]
    devices_per_village: u32,
    /// Keep the databases here instead of a temporary directory.
    #[arg(long)]
    work_dir: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct AttachArgs {
    /// Reduced sizes (CI, or `CI=true`): 2 and 4 photos of a small camera on fast links.
    #[arg(long, env = "CI")]
    quick: bool,
    /// The link is cut every this many seconds.
    #[arg(long, default_value_t = 30)]
    cut_every_s: u64,
    /// A fixed chunk size in KiB (16 to 64); without it chunks are sized as the app sizes them,
    /// from the link as measured.
    #[arg(long)]
    chunk_kib: Option<usize>,
    /// Photos of "a visit" and of "a day".
    #[arg(long, default_value_t = 20)]
    visit_photos: usize,
    #[arg(long, default_value_t = 100)]
    day_photos: usize,
    /// Only these rows of the full set, `photos@rtt_ms:kbit_s` comma-separated (e.g.
    /// `20@600:40,100@600:40,20@1000:20`); the page names the rows left out.
    #[arg(long)]
    rows: Option<String>,
    #[arg(long, default_value = "bench/attachments.json")]
    results: PathBuf,
    #[arg(long, default_value = "bench/ATTACHMENTS.md")]
    markdown: PathBuf,
    /// Keep each row's database and checkpoint here: a run stopped at any moment (a row takes
    /// hours) is continued by running the same command again; a finished row is reported again
    /// without moving anything.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Stop each row after this many chunk requests, as if killed there (tests of `--state`).
    #[arg(long, hide = true)]
    stop_after_chunks: Option<u64>,
}

async fn attachments(args: AttachArgs) -> anyhow::Result<()> {
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let full: Vec<(String, usize, LinkSpec)> = if args.quick {
        let fast = LinkSpec::new(60, 4000);
        vec![("a visit".into(), 2, fast.clone()), ("a day".into(), 4, fast)]
    } else {
        let mut v = Vec::new();
        for link in [LinkSpec::new(600, 40), LinkSpec::new(1000, 20)] {
            v.push((format!("a visit with {} photos", args.visit_photos), args.visit_photos, link.clone()));
            v.push((format!("a day with {} photos", args.day_photos), args.day_photos, link));
        }
        v
    };
    let (rows, not_run): (Vec<_>, Vec<_>) = match &args.rows {
        None => (full, Vec::new()),
        Some(text) => {
            let wanted = attach::parse_rows(text).map_err(anyhow::Error::msg)?;
            let picked = |(_, n, l): &(String, usize, LinkSpec)| {
                wanted.iter().any(|(wn, wl)| wn == n && wl.rtt_ms == l.rtt_ms && wl.kbit_s == l.kbit_s)
            };
            let (run, left): (Vec<_>, Vec<_>) = full.into_iter().partition(|r| picked(r));
            anyhow::ensure!(!run.is_empty(), "--rows {text} picks none of the scenario's rows");
            (run, left)
        }
    };
    let p = attach::Params {
        rows,
        not_run,
        camera: if args.quick { (800, 600) } else { (4000, 3000) },
        cut_every_s: args.cut_every_s,
        chunk_bytes: args.chunk_kib.map(|k| k.clamp(16, 64) * 1024),
        partial: Some(args.results.with_extension("partial.jsonl")),
        stop_after_chunks: args.stop_after_chunks,
    };
    let dir = match &args.state {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating the state directory {}", d.display()))?;
            d.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    let (rows, memory) = attach::run(&dir, &p).await?;
    let m = report::machine(load_average_start);
    let header = page_header("attachments", args.quick, &m);
    let json = serde_json::json!({ "machine": m, "quick": args.quick, "attachments": rows, "memory": memory });
    write_page(&args.results, &args.markdown, &json, &attach::markdown(&rows, &memory, &p.not_run, &header))?;
    Ok(())
}

#[derive(clap::Args, Debug)]
struct EditArgs {
    /// Tiny sizes: checks that everything runs (CI); the figures mean nothing.
    #[arg(long)]
    quick: bool,
    #[arg(long, default_value_t = 1000)]
    households: usize,
    /// Household edits (one sync each) the registry gathers before the timed syncs.
    #[arg(long, default_value_t = 300)]
    history: usize,
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Also on this PostgreSQL database (a URL), besides SQLite.
    #[arg(long, env = "TAIZHANG_BENCH_POSTGRES")]
    postgres: Option<String>,
    #[arg(long, default_value = "bench/household-edit.json")]
    results: PathBuf,
    #[arg(long, default_value = "bench/HOUSEHOLD-EDIT.md")]
    markdown: PathBuf,
}

async fn household_edit(args: EditArgs) -> anyhow::Result<()> {
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let mut backends = vec![setup::Backend::sqlite_in(tmp.path(), "edit.sqlite3")];
    backends.extend(args.postgres.iter().map(|url| setup::Backend::Postgres(url.clone())));
    let mut rows = Vec::new();
    for backend in backends {
        let p = edit::Params {
            households: if args.quick { 30 } else { args.households },
            history: if args.quick { 5 } else { args.history },
            rounds: if args.quick { 3 } else { args.rounds },
            backend,
        };
        rows.push(edit::run(&p).await?);
    }
    let m = report::machine(load_average_start);
    let header = page_header("household-edit", args.quick, &m);
    let json = serde_json::json!({ "machine": m, "quick": args.quick, "household_edit": rows });
    write_page(&args.results, &args.markdown, &json, &edit::markdown(&rows, &header))?;
    Ok(())
}

#[derive(clap::Args, Debug)]
struct RosterArgs {
    /// Tiny sizes: checks that everything runs (CI); the figures mean nothing.
    #[arg(long)]
    quick: bool,
    #[arg(long, default_value_t = 1000)]
    households: usize,
    /// Visits over the year before (spread over the households, the newest today).
    #[arg(long, default_value_t = 3000)]
    visits: usize,
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    #[arg(long, default_value = "bench/roster.json")]
    results: PathBuf,
    #[arg(long, default_value = "bench/ROSTER.md")]
    markdown: PathBuf,
}

async fn roster(args: RosterArgs) -> anyhow::Result<()> {
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let p = roster::Params {
        households: if args.quick { 40 } else { args.households },
        visits: if args.quick { 60 } else { args.visits },
        rounds: if args.quick { 2 } else { args.rounds },
    };
    let f = roster::run(tmp.path(), &p).await.context("the household list with rosters")?;
    let m = report::machine(load_average_start);
    let header = page_header("roster", args.quick, &m);
    let json = serde_json::json!({ "machine": m, "quick": args.quick, "roster": f });
    write_page(&args.results, &args.markdown, &json, &roster::markdown(&f, &header))?;
    Ok(())
}

#[derive(clap::Args, Debug)]
struct PeerArgs {
    /// Reduced sizes (CI, or `CI=true`): two days, one visit a day; the figures mean little.
    #[arg(long, env = "CI")]
    quick: bool,
    /// Days the team works offline before meeting.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// `sqlite:<path>` (default: a temporary file) or a PostgreSQL URL.
    #[arg(long, env = "TAIZHANG_BENCH_DB")]
    db: Option<String>,
    #[arg(long, default_value = "bench/peer.json")]
    results: PathBuf,
    #[arg(long, default_value = "bench/PEER.md")]
    markdown: PathBuf,
}

async fn peer(args: PeerArgs) -> anyhow::Result<()> {
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let p = peer::Params {
        households: if args.quick { 20 } else { 300 },
        days: if args.quick { 2 } else { args.days },
        plan: if args.quick { data::DayPlan { visits: 1, weekends: true } } else { data::DayPlan::BUSY_WEEK },
        backend: match args.db.as_deref() {
            Some(db) => setup::Backend::parse(db),
            None => setup::Backend::sqlite_in(tmp.path(), "peer"),
        },
    };
    let f = peer::run(&p).await.context("team sync with no network")?;
    let m = report::machine(load_average_start);
    let header = page_header("peer", args.quick, &m);
    let json = serde_json::json!({ "machine": m, "quick": args.quick, "peer": f });
    write_page(&args.results, &args.markdown, &json, &peer::markdown(&f, &header))?;
    if !f.converged {
        anyhow::bail!("the phones did not converge: see {}", args.markdown.display());
    }
    Ok(())
}

#[derive(clap::Args, Debug)]
struct CountyArgs {
    /// Tiny sizes: checks that everything runs (CI); the figures mean nothing.
    #[arg(long)]
    quick: bool,
    #[arg(long, default_value_t = 200)]
    villages: usize,
    #[arg(long, default_value = "bench/county.json")]
    results: PathBuf,
    #[arg(long, default_value = "bench/COUNTY.md")]
    markdown: PathBuf,
    /// `sqlite:<path>` (default: a temporary file) or a PostgreSQL URL.
    #[arg(long, env = "TAIZHANG_BENCH_DB")]
    db: Option<String>,
}

async fn county(args: CountyArgs) -> anyhow::Result<()> {
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).context("date");
    let p = county::Params {
        villages: if args.quick { 3 } else { args.villages },
        members: 4,
        households: if args.quick { 10 } else { 60 },
        from: day(1, 1)?,
        to: if args.quick { day(2, 28)? } else { day(12, 31)? },
        backend: args.db.as_deref().map(setup::Backend::parse),
    };
    let r = county::run(tmp.path(), &p).await?;
    let m = report::machine(load_average_start);
    let mut command = "cargo run --release -p taizhang-bench -- county".to_string();
    if args.quick {
        command.push_str(" --quick");
    }
    let machine = format!(
        "Run {} · commit `{}` · {} build{} · {} ({} cores, {} MiB RAM) · load average {} → {}.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        report::git_commit(),
        m.build,
        if args.quick { " · **quick mode: tiny sizes, figures not meaningful**" } else { "" },
        m.cpu,
        m.cores,
        m.memory_mib,
        m.load_average_start,
        m.load_average_end
    );
    for path in [&args.results, &args.markdown] {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
    }
    let json = serde_json::json!({ "command": command, "machine": m, "quick": args.quick, "county": r });
    std::fs::write(&args.results, serde_json::to_string_pretty(&json)? + "\n")
        .with_context(|| format!("writing {}", args.results.display()))?;
    let md = county::markdown(&r, &command, &machine);
    std::fs::write(&args.markdown, &md).with_context(|| format!("writing {}", args.markdown.display()))?;
    print!("{md}");
    Ok(())
}

/// The first lines of a generated bench page: which command made it, when, at which commit, on
/// what machine and under what load.
fn page_header(command: &str, quick: bool, m: &report::Machine) -> String {
    format!(
        "<!-- Generated by `cargo run --release -p taizhang-bench -- {command}`; do not edit by hand. -->\n\
         Run {} · commit `{}` · {} build{} · {} ({} cores, {} MiB RAM) · load average {} → {}.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        report::git_commit(),
        m.build,
        if quick { " · **quick mode: reduced sizes, figures not meaningful**" } else { "" },
        m.cpu,
        m.cores,
        m.memory_mib,
        m.load_average_start,
        m.load_average_end
    )
}

/// Writes a scenario's figures (JSON) and its page (Markdown), making their folders, and prints
/// the page.
fn write_page(results: &Path, markdown: &Path, json: &serde_json::Value, md: &str) -> anyhow::Result<()> {
    for path in [results, markdown] {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
    }
    std::fs::write(results, serde_json::to_string_pretty(json)? + "\n")?;
    std::fs::write(markdown, md)?;
    print!("{md}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = match &cli.cmd {
        // The load scenario's child server runs on the server binary's runtime.
        Cmd::Serve { .. } => taizhang_sync_server::runtime(taizhang_sync_server::BLOCKING_THREADS)?,
        _ => tokio::runtime::Builder::new_multi_thread().enable_all().build()?,
    };
    match cli.cmd {
        Cmd::Serve { db } => rt.block_on(setup::run_child_server(&setup::Backend::parse(&db))),
        Cmd::All(args) => rt.block_on(all(args)),
        Cmd::County(args) => rt.block_on(county(args)),
        Cmd::Attachments(args) => rt.block_on(attachments(args)),
        Cmd::Roster(args) => rt.block_on(roster(args)),
        Cmd::Peer(args) => rt.block_on(peer(args)),
        Cmd::HouseholdEdit(args) => rt.block_on(household_edit(args)),
    }
}

async fn all(args: AllArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let load_average_start = report::load_average();
    let tmp = tempfile::tempdir()?;
    let dir = match &args.work_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    let quick = args.quick;
    let skip = |s: &str| args.skip.iter().any(|x| x == s);
    let links =
        if quick { vec![LinkSpec::new(40, 2_000)] } else { vec![LinkSpec::new(600, 40), LinkSpec::new(1000, 20)] };

    let link = if skip("link") {
        None
    } else {
        let p = link::Params {
            links: links.clone(),
            week_households: if quick { 20 } else { 300 },
            week_base_days: if quick { 3 } else { 14 },
            fresh_households: if quick { 20 } else { 300 },
            fresh_months: if quick { 1 } else { 2 },
        };
        Some(link::run(&dir, &p).await.context("scenario 1, sync over a bad link")?)
    };
    let load = if skip("load") {
        None
    } else {
        let p = load::Params {
            villages: if quick { 4 } else { 200 },
            devices_per_village: if quick { 3 } else { args.devices_per_village },
            households: if quick { 10 } else { 50 },
            concurrency: if quick { 4 } else { 32 },
            arrivals_per_s: if quick { 100.0 } else { 20.0 },
            backend: args.db.as_deref().map(setup::Backend::parse),
        };
        Some(load::run(&dir, &p).await.context("scenario 2, server load")?)
    };
    let growth = if skip("growth") {
        None
    } else {
        let p = growth::Params {
            households: if quick { 20 } else { 1000 },
            checkpoints_months: if quick { vec![1, 2] } else { vec![1, 3, 6, 12, 24, 36] },
            client_months: if quick { 2 } else { 12 },
            probe_visits: if quick { 3 } else { 50 },
            link: links[0].clone(),
        };
        Some(growth::run(&dir, &p).await.context("scenarios 3 and 4, client and growth")?)
    };

    let mut command = "cargo run --release -p taizhang-bench -- all".to_string();
    if quick {
        command.push_str(" --quick");
    }
    // The page says how it was made: a partial run (a backend's own page) names its options.
    if !args.skip.is_empty() {
        command.push_str(&format!(" --skip {}", args.skip.join(",")));
    }
    if let Some(db) = &args.db {
        // The scheme only: a URL may hold a password.
        let shown = db.split_once("://").map_or("sqlite:…".to_string(), |(scheme, _)| format!("{scheme}://…"));
        command.push_str(&format!(" --db {shown}"));
    }
    if args.results != std::path::Path::new("bench/results.json") {
        command.push_str(&format!(" --results {}", args.results.display()));
    }
    if args.markdown != std::path::Path::new("BENCHMARKS.md") {
        command.push_str(&format!(" --markdown {}", args.markdown.display()));
    }
    let results = report::Results {
        raw: args.results.display().to_string(),
        date_utc: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        git_commit: report::git_commit(),
        command,
        quick,
        machine: report::machine(load_average_start),
        link,
        load,
        growth,
        total_s: started.elapsed().as_secs_f64(),
    };
    for path in [&args.results, &args.markdown] {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
    }
    std::fs::write(&args.results, serde_json::to_string_pretty(&results)? + "\n")
        .with_context(|| format!("writing {}", args.results.display()))?;
    let md = report::markdown(&results);
    std::fs::write(&args.markdown, &md).with_context(|| format!("writing {}", args.markdown.display()))?;
    print!("{md}");
    eprintln!("wrote {} and {}", args.results.display(), args.markdown.display());
    Ok(())
}
