//! `taizhang-sync-server`: runs the sync server on an embedded SQLite file (the default) or on
//! PostgreSQL (`--db postgres://...`); with `--demo` seeds the demo village (石门村) and writes fresh enrollment codes for its demo
//! accounts next to the database; `taizhang-sync-server admin ...` manages places, accounts,
//! enrollment codes and devices directly in the database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use taizhang_auth::Role;
use taizhang_domain::GeoPoint;
use taizhang_server_db::ServerBackend;
use taizhang_sync_server::{
    admin, blobgc, demo, describe_db, open_store, router, seed_demo_village, serve_with, system_clock, AppState,
    ServeConfig,
};
use uuid::Uuid;

/// mimalloc, not glibc's malloc: in a reconnect burst glibc trimmed its heaps and grew them
/// again, and the kernel zeroing the fresh pages took a fifth of the sync server's samples (9 %
/// with mimalloc; issue 23, README "Not done yet").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(name = "taizhang-sync-server", about = "Taizhang (台账) sync server")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:8620")]
    listen: String,
    /// The database: a PostgreSQL URL (`postgres://user:password@host/db`) or the path of the
    /// SQLite file (created if missing). Also read from `TAIZHANG_DB`. Default:
    /// `taizhang-server.sqlite3` (the binary's former name, kept so an updated server opens the
    /// same file).
    #[arg(long, env = "TAIZHANG_DATABASE_URL", global = true)]
    db: Option<String>,
    /// Seed the demo village (石门村) with its accounts, and write fresh enrollment codes for
    /// them to `<db>.demo-codes.txt` (`taizhang-demo-codes.txt` for PostgreSQL).
    #[arg(long)]
    demo: bool,
    #[arg(long, default_value_t = 60)]
    demo_households: usize,
    /// With --demo: also generate this many villages of the demo county (惠水县), four members
    /// and this year's work each, for the county page; and set a fresh web password for the
    /// demo county officer, written to `<db>.demo-logins.txt`.
    #[arg(long, default_value_t = 0)]
    demo_county: usize,
    /// The county's rules (TOML; see crates/taizhang-rules/policy.default.toml). Default: the
    /// values of the seed articles.
    #[arg(long, env = "TAIZHANG_POLICY")]
    policy: Option<PathBuf>,
    /// A county's own rules, as COUNTY_ID=FILE (repeatable): a provincial server judges each
    /// county by its policy; counties not listed use --policy.
    #[arg(long, value_parser = county_policy_arg)]
    county_policy: Vec<(Uuid, PathBuf)>,
    /// Longest text a pushed record may hold, in characters (the field app's own limit is
    /// 10,000; set it no lower than the app's, or records the app saves would be refused).
    #[arg(long, env = "TAIZHANG_MAX_TEXT_CHARS", default_value_t = taizhang_domain::Limits::default().max_text_chars)]
    max_text_chars: usize,
    /// Most connections open at once (one more is answered 503). Default: fitted under the
    /// process's open-file limit, which the server first raises to its hard limit.
    #[arg(long, env = "TAIZHANG_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Villages of the county projection held in memory (the rest are read from the database
    /// when a county or township page asks for them). About a county's villages is enough.
    #[arg(long, env = "TAIZHANG_COUNTY_CACHE", default_value_t = taizhang_county_web::readmodel::DEFAULT_CAPACITY)]
    county_cache: usize,
    /// Threads of the blocking pool, where every storage call and county computation runs
    /// (see `taizhang_sync_server::BLOCKING_THREADS` for the measurement behind the default).
    #[arg(long, env = "TAIZHANG_BLOCKING_THREADS", default_value_t = taizhang_sync_server::BLOCKING_THREADS)]
    blocking_threads: usize,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Manage places, accounts, enrollment codes and devices (works on the database).
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand, Debug)]
enum Admin {
    /// Create a county; prints its id.
    CreateCounty {
        #[arg(long)]
        name: String,
    },
    /// Create a township of a county; prints its id.
    CreateTownship {
        #[arg(long)]
        county: Uuid,
        #[arg(long)]
        name: String,
    },
    /// Create a village of a township with its geofence; prints its id.
    CreateVillage {
        #[arg(long)]
        township: Uuid,
        #[arg(long)]
        name: String,
        #[arg(long)]
        lat: f64,
        #[arg(long)]
        lon: f64,
        #[arg(long, default_value_t = 1500.0)]
        radius: f64,
    },
    /// Create an account: role member or first_secretary with --scope VILLAGE, township with
    /// --scope TOWNSHIP, county with --scope COUNTY, admin without scope; prints its id.
    CreateMember {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: Role,
        #[arg(long)]
        scope: Option<Uuid>,
        /// 帮扶单位 (team roles).
        #[arg(long, default_value = "")]
        unit: String,
    },
    /// A new one-time enrollment code for an account (printed; also as a QR code PNG).
    EnrollmentCode {
        #[arg(long)]
        account: Uuid,
        #[arg(long, default_value_t = admin::CODE_VALID_DAYS)]
        days: i64,
        /// Write a QR code of the code to this PNG file.
        #[arg(long)]
        qr: Option<PathBuf>,
        /// The server address to put in the QR code.
        #[arg(long)]
        server: Option<String>,
    },
    /// Set the password a county officer logs in to the county page (/county/) with. Reads it
    /// from --password-file (first line) or generates one and prints it.
    SetPassword {
        #[arg(long)]
        account: Uuid,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Revoke a device: its next request is denied; what it synced is kept. With --wipe (a lost
    /// or handed-on phone): at its next contact it first pushes what it has not synced (while
    /// its account may write), then erases its store and keys and shows why.
    RevokeDevice {
        #[arg(long)]
        device: Uuid,
        #[arg(long)]
        wipe: bool,
    },
    /// Rotate the token / session key: a new key issues everything from now on, what the old
    /// one issued stays valid until it expires; restart the running server afterwards.
    RotateKey {
        /// Rotate even when the previous key's sessions may still be in use (they end).
        #[arg(long)]
        force: bool,
    },
    /// List places, accounts and devices.
    List,
    /// Changes of a village whose device time is not to be trusted (clock ahead, far behind,
    /// or set back), against the server's own receipt time.
    ClockReport {
        #[arg(long)]
        village: Uuid,
    },
    /// Remove attachments no record refers to (issue 19): of one village, or of every village.
    /// Uploads younger than the grace period are kept (a photo may arrive before its record).
    /// The running server does the same once a day.
    CollectBlobs {
        #[arg(long)]
        village: Option<Uuid>,
        /// Days an upload nothing refers to is kept.
        #[arg(long, default_value_t = 7)]
        grace_days: i64,
    },
}

/// `<db>.demo-<what>.txt` next to a SQLite file, `taizhang-demo-<what>.txt` for PostgreSQL.
fn demo_file(db: &str, what: &str) -> PathBuf {
    if taizhang_sync_server::is_postgres_url(db) {
        return PathBuf::from(format!("taizhang-demo-{what}.txt"));
    }
    let db = Path::new(db);
    let name =
        db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "taizhang-sync-server".into());
    db.with_file_name(format!("{name}.demo-{what}.txt"))
}

async fn run_admin(store: &dyn ServerBackend, cmd: Admin) -> anyhow::Result<()> {
    let now = system_clock();
    match cmd {
        Admin::CreateCounty { name } => println!("{}", admin::create_county(store, &name, now).await?),
        Admin::CreateTownship { county, name } => {
            println!("{}", admin::create_township(store, county, &name, now).await?)
        }
        Admin::CreateVillage { township, name, lat, lon, radius } => {
            let id = admin::create_village(store, Uuid::now_v7(), township, &name, GeoPoint { lat, lon }, radius, now)
                .await?;
            println!("{id}");
        }
        Admin::CreateMember { name, role, scope, unit } => {
            let scope = match (role, scope) {
                (Role::Admin, _) => scope.unwrap_or_else(Uuid::nil),
                (_, Some(s)) => s,
                (_, None) => bail!("--scope is required for a {role}: the village, township or county id"),
            };
            let a = admin::create_account(store, Uuid::now_v7(), &name, role, scope, &unit, now).await?;
            println!("{}", a.id);
        }
        Admin::EnrollmentCode { account, days, qr, server } => {
            let Some(a) = store.account(account).await? else { bail!("account {account} does not exist") };
            let code = admin::new_enrollment_code(store, account, now, days).await?;
            println!("{}", code.display());
            eprintln!("one-time enrollment code for {} ({}), valid {days} days", a.name, a.role.label_zh());
            if let Some(path) = qr {
                let png = admin::qr_png(&admin::qr_text(&code, server.as_deref())).map_err(anyhow::Error::msg)?;
                std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
                eprintln!("QR code written to {}", path.display());
            }
        }
        Admin::SetPassword { account, password_file } => {
            let (password, generated) = match password_file {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                    (text.lines().next().unwrap_or_default().to_string(), false)
                }
                None => (admin::random_password(), true),
            };
            admin::set_password(store, account, &password, now).await?;
            if generated {
                println!("{password}");
            }
            eprintln!("password set: log in at /county/ with the account id {account} or its name");
        }
        Admin::RotateKey { force } => {
            admin::rotate_key(store, now, force).await?;
            println!(
                "token key rotated: new tokens and sessions use the new key, what the old one issued stays valid until it expires; \
                 restart the running server instances so they read it"
            );
        }
        Admin::RevokeDevice { device, wipe } => {
            let done = match wipe {
                true => store.order_wipe(device, now).await?,
                false => store.revoke_device(device, now).await?,
            };
            if !done {
                bail!("device {device} does not exist (see `taizhang-sync-server admin list`)");
            }
            match wipe {
                true => println!(
                    "device {device} revoked and ordered to erase itself: at its next contact it pushes what it has not synced, then erases its store and keys"
                ),
                false => println!("device {device} revoked; what it synced is kept"),
            }
        }
        Admin::ClockReport { village } => {
            let times = store.change_times(village).await?;
            let flags = taizhang_sync::clock_flags(&times, &taizhang_sync::SkewLimits::default());
            let day = 86_400_000.0;
            for (i, flag) in &flags {
                let c = &times[*i];
                let what = match flag {
                    taizhang_sync::ClockFlag::Ahead { by_ms } => format!("设备时钟超前 {:.1} 天", *by_ms as f64 / day),
                    taizhang_sync::ClockFlag::Behind { by_ms } => {
                        format!("设备时间比收到时间早 {:.1} 天", *by_ms as f64 / day)
                    }
                    taizhang_sync::ClockFlag::SetBack { by_ms } => {
                        format!("设备时钟被回拨 {:.1} 天", *by_ms as f64 / day)
                    }
                };
                println!("{}  {}  actor {}  {what}", c.seq, c.doc, hex::encode(&c.actor));
            }
            eprintln!("{} of {} changes flagged", flags.len(), times.len());
        }
        Admin::CollectBlobs { village, grace_days } => {
            if grace_days < 1 {
                bail!("--grace-days must be at least 1: a photo may upload before the record that names it syncs");
            }
            let grace = grace_days * 24 * 60 * 60 * 1000;
            let done = match village {
                Some(v) => {
                    if !store.village_exists(v).await? {
                        bail!("village {v} is not on this server (see `taizhang-sync-server admin list`)");
                    }
                    vec![(v, blobgc::collect_village(store, v, now, grace).await?)]
                }
                None => blobgc::collect_all(store, now, grace).await?,
            };
            for (v, c) in done {
                match c {
                    blobgc::Collected::Removed { removed, referenced } => {
                        println!("village {v}: {removed} attachments removed, {referenced} referred to by records")
                    }
                    blobgc::Collected::Skipped { doc, reason } => {
                        println!("village {v}: nothing removed, document {doc} does not load whole ({reason})")
                    }
                }
            }
        }
        Admin::List => {
            for p in store.places().await? {
                let parent = p.parent.map(|u| u.to_string()).unwrap_or_default();
                println!("{:<8} {}  {}  {}", p.kind, p.id, p.name, parent);
            }
            for a in store.accounts().await? {
                let scope = a.village.or(a.township).or(a.county).map(|u| u.to_string()).unwrap_or_default();
                println!("account  {}  {}  {}  {}", a.id, a.role, a.name, scope);
            }
            for d in store.devices().await? {
                let state = match (d.revoked_at, d.wipe_ordered_at) {
                    (_, Some(_)) => "revoked, wipe ordered",
                    (Some(_), None) => "revoked",
                    (None, None) => "active",
                };
                println!("device   {}  {}  {}  {}", d.id, d.account, d.name, state);
            }
        }
    }
    Ok(())
}

fn read_policy(path: &Path) -> anyhow::Result<taizhang_rules::Policy> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    taizhang_rules::Policy::from_toml(&text).with_context(|| format!("policy file {}", path.display()))
}

fn county_policy_arg(s: &str) -> Result<(Uuid, PathBuf), String> {
    let (county, file) = s.split_once('=').ok_or("expected COUNTY_ID=FILE")?;
    let county = county.trim().parse().map_err(|_| format!("'{county}' is not a county id"))?;
    Ok((county, PathBuf::from(file)))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    taizhang_sync_server::runtime(args.blocking_threads).context("starting the server's runtime")?.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        // Colour escapes only on a terminal: a log file or journald gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // The default file keeps the binary's former name: an updated server must open the same data.
    let db = args.db.or_else(|| std::env::var("TAIZHANG_DB").ok()).unwrap_or_else(|| "taizhang-server.sqlite3".into());
    let store = open_store(&db).await.with_context(|| format!("opening {}", describe_db(&db)))?;
    if let Some(Cmd::Admin(cmd)) = args.cmd {
        return run_admin(store.as_ref(), cmd).await;
    }
    if args.demo {
        let now = system_clock();
        if seed_demo_village(store.as_ref(), args.demo_households, now).await? {
            tracing::info!(village = %taizhang_doc::demo::VILLAGE, "seeded the demo village 石门村");
        }
        let mut lines = String::new();
        for (i, (a, code)) in demo::demo_codes(store.as_ref(), now).await?.into_iter().enumerate() {
            lines.push_str(&format!("{i}\t{}\t{}\t{}\t{}\n", a.role, code.display(), a.id, a.name));
        }
        let path = demo_file(&db, "codes");
        std::fs::write(&path, &lines).with_context(|| format!("writing {}", path.display()))?;
        println!("demo enrollment codes (one-time, also in {}):\n{lines}", path.display());
        if args.demo_county > 0 {
            let today = taizhang_domain::local_date(now);
            let written = demo::seed_demo_county(store.as_ref(), args.demo_county, today, now).await?;
            if written > 0 {
                tracing::info!(villages = args.demo_county, records = written, "generated the demo county's villages");
            }
        }
        let (login, password) = demo::demo_web_login(store.as_ref(), now).await?;
        let mut logins = format!("{login}\t{password}\t{login}\tcounty\n");
        if let Some((login, password)) = demo::demo_township_login(store.as_ref(), now).await? {
            println!("township page /county/ log-in: {login} / {password}");
            logins.push_str(&format!("{login}\t{password}\t{login}\ttownship\n"));
        }
        let path = demo_file(&db, "logins");
        std::fs::write(&path, &logins).with_context(|| format!("writing {}", path.display()))?;
        println!("county page /county/ log-in (also in {}): {login} / {password}", path.display());
    }
    let listener =
        tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(addr = %listener.local_addr()?, db = %describe_db(&db), "taizhang sync server listening");
    let policy = match &args.policy {
        Some(path) => read_policy(path)?,
        None => taizhang_rules::Policy::default(),
    };
    let mut per_county = std::collections::HashMap::new();
    for (county, path) in &args.county_policy {
        per_county.insert(*county, read_policy(path)?);
    }
    let mut limits = taizhang_sync_server::Limits::default();
    limits.records.max_text_chars = args.max_text_chars;
    let gc_store = store.clone();
    let state = AppState::with(store, limits, Arc::new(system_clock))
        .with_policies(policy, per_county)
        .with_county_cache(args.county_cache);
    let _refresher = taizhang_county_web::spawn_read_model(&state.county);
    // Attachments nothing refers to are removed once a day (issue 19).
    let _collector = blobgc::spawn_daily(gc_store, state.clock.clone());
    let app = router(state);
    // Each connection is a descriptor: raise the soft limit to the hard one (1,024 by default
    // on Debian, which 1,100 slow connections exhausted) and fit the connection cap under it.
    let nofile = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let mut config = ServeConfig::fitted_to(nofile);
    if let Some(n) = args.max_connections {
        config.max_connections = n;
    }
    tracing::info!(nofile, max_connections = config.max_connections, "connection limits");
    serve_with(
        listener,
        app,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
        config,
    )
    .await?;
    Ok(())
}
