//! `taizhang`: the command-line client. Does everything the field app does, without a
//! window, so the whole flow can be run and scripted: enroll with a one-time code, record
//! visits, diary entries and check-ins offline, and sync with a server.
//!
//! The store is encrypted (issue 21) with a key derived from a PIN: `TAIZHANG_STORE_PIN` for
//! scripts, else typed at a prompt when stdin is a terminal; `--plain` (or
//! `TAIZHANG_STORE_PLAIN=1`) keeps an unencrypted store for tests and demos. With none of
//! these the CLI stops with an error that names them. A plain store opened with a PIN is
//! encrypted in place.

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand};
use taizhang_client::keystore::{store_key_from, KeySource};
use taizhang_client::{enroll_keyed, HttpTransport, Ledger, StoreKey};
use taizhang_doc::DocId;
use taizhang_domain::{
    local_date, CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, FamilyMember, FollowUp, FollowUpId, Funding,
    GeoPoint, GpsFix, Household, HouseholdId, HouseholdStatus, Meeting, MeetingId, MeetingKind, MemberId, PersonId,
    ProgressId, ProgressUpdate, Project, ProjectId, ProjectKind, ProjectState, Relation, Visit, VisitId,
};
use taizhang_store::HouseholdQuery;
use uuid::Uuid;

#[derive(Parser, Debug)]
#[command(name = "taizhang", about = "Taizhang (台账) command-line client")]
struct Cli {
    /// The local store file of this device.
    #[arg(long, env = "TAIZHANG_STORE", default_value = "taizhang.sqlite3")]
    store: PathBuf,
    /// Keep the store unencrypted (tests, demos; also TAIZHANG_STORE_PLAIN=1). Without it the
    /// store is encrypted with a PIN: TAIZHANG_STORE_PIN, or typed when asked.
    #[arg(long, global = true)]
    plain: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

/// A line typed on the terminal without echo.
#[cfg(unix)]
fn read_hidden(prompt: &str) -> anyhow::Result<String> {
    use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
    use std::os::fd::AsFd as _;
    let stdin = std::io::stdin();
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let old = tcgetattr(stdin.as_fd()).context("reading the terminal's settings")?;
    let mut quiet = old.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tcsetattr(stdin.as_fd(), OptionalActions::Now, &quiet).context("turning the echo off")?;
    let mut line = String::new();
    let read = stdin.read_line(&mut line);
    tcsetattr(stdin.as_fd(), OptionalActions::Now, &old).context("turning the echo back on")?;
    eprintln!();
    read?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

#[cfg(not(unix))]
fn read_hidden(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Where this run's store key comes from (see the module's note). `new_store`: the PIN is
/// asked twice at the prompt.
fn key_source(plain: bool, new_store: bool) -> anyhow::Result<KeySource> {
    if plain || std::env::var("TAIZHANG_STORE_PLAIN").is_ok_and(|v| v == "1") {
        return Ok(KeySource::Plain);
    }
    if let Ok(pin) = std::env::var("TAIZHANG_STORE_PIN") {
        return Ok(KeySource::Pin(pin));
    }
    if std::io::stdin().is_terminal() {
        let pin = read_hidden(if new_store { "new PIN for this store (6 digits or more): " } else { "PIN: " })?;
        if new_store && read_hidden("the PIN again: ")? != pin {
            anyhow::bail!("the two PINs differ: nothing was done, try again");
        }
        return Ok(KeySource::Pin(pin));
    }
    anyhow::bail!(
        "no key for the store: set TAIZHANG_STORE_PIN to its PIN (scripts), run taizhang in a terminal to type it, \
         or pass --plain (TAIZHANG_STORE_PLAIN=1) for an unencrypted store (tests, demos)"
    )
}

/// The key of the store at `store` for this run (`None`: plain).
fn store_key(store: &Path, plain: bool, new_store: bool) -> anyhow::Result<Option<StoreKey>> {
    let source = key_source(plain, new_store)?;
    Ok(store_key_from(store, &source)?)
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Join: enroll this device with a one-time code from the administrator (the device makes
    /// its own key pair; the server binds it to the member) and create the local store.
    Enroll {
        #[arg(long, env = "TAIZHANG_SERVER", default_value = "http://127.0.0.1:8620")]
        server: String,
        /// The enrollment code, e.g. ABCD-EFGH-JKMN-PQRS.
        #[arg(long)]
        code: String,
        /// A name for this device, shown to the administrator.
        #[arg(long, default_value = "taizhang CLI")]
        name: String,
    },
    /// Sync with teammates' devices with no network to the server (Wi-Fi or a phone's hotspot).
    Peer {
        #[command(subcommand)]
        cmd: PeerCmd,
    },
    /// Push local changes and pull everything new (default: the server enrolled with).
    Sync {
        #[arg(long, env = "TAIZHANG_SERVER")]
        server: Option<String>,
    },
    /// List households (search by name of the head or of a family member, in characters or
    /// pinyin, by grid, door number or phone).
    Households {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        group: Option<String>,
        /// Only the households you are the helper of (结对帮扶).
        #[arg(long)]
        mine: bool,
        /// Only the households nobody has visited this `month` or this `year`.
        #[arg(long, value_parser = ["month", "year"])]
        not_visited: Option<String>,
        /// Only the households with an open follow-up item (待办).
        #[arg(long)]
        open_follow_ups: bool,
    },
    /// Add a household to the registry.
    AddHousehold {
        #[arg(long)]
        head: String,
        #[arg(long, default_value_t = 1)]
        members: u32,
        #[arg(long, default_value = "")]
        group: String,
        #[arg(long, default_value = "")]
        grid: String,
    },
    /// One household: its details, its family roster and every change made to it.
    Household {
        #[arg(long)]
        id: HouseholdId,
    },
    /// Add a person to a household's family roster (家庭成员).
    AddPerson {
        #[arg(long)]
        household: HouseholdId,
        #[arg(long)]
        name: String,
        /// Relation to the head: 户主 配偶 子女 儿媳/女婿 孙子女/外孙子女 父母 祖父母/外祖父母 兄弟姐妹 其他
        /// (or its code: head, spouse, child...).
        #[arg(long, default_value = "其他")]
        relation: String,
        /// Year of birth.
        #[arg(long)]
        born: Option<i32>,
        /// ID card number (shown whole only to you; masked for everyone else).
        #[arg(long, default_value = "")]
        id_number: String,
    },
    /// Record a household visit.
    Visit {
        #[arg(long)]
        household: HouseholdId,
        #[arg(long)]
        findings: String,
        #[arg(long, default_value = "")]
        needs: String,
        #[arg(long, default_value = "")]
        follow_up: String,
        #[arg(long, requires = "lon")]
        lat: Option<f64>,
        #[arg(long, requires = "lat")]
        lon: Option<f64>,
        /// When the visit took place, Beijing time ("2026-11-20 15:30"); now by default.
        #[arg(long)]
        at: Option<String>,
        /// The id of one's own earlier visit this one corrects (更正); the original is kept.
        #[arg(long)]
        amends: Option<VisitId>,
        /// A photo (JPEG, PNG, WebP) or a PDF to attach (repeatable, issue 19): a photo is
        /// re-encoded like the app does (long edge 1,600 px, EXIF dropped), kept beside the
        /// store, and sent by the next `sync` after the records. Plain stores only (the app
        /// seals its files beside an encrypted store; this command does not).
        #[arg(long)]
        photo: Vec<PathBuf>,
    },
    /// Record a follow-up item (承诺事项): something promised to a household, with who sees it
    /// through (you by default) and by when.
    AddFollowUp {
        #[arg(long)]
        household: HouseholdId,
        #[arg(long)]
        text: String,
        /// The visit it was promised on.
        #[arg(long)]
        visit: Option<VisitId>,
        /// The member who sees it through (负责人); you by default.
        #[arg(long)]
        owner: Option<MemberId>,
        /// The day it should be done by (YYYY-MM-DD).
        #[arg(long)]
        due: Option<NaiveDate>,
    },
    /// The open follow-up items (待办): yours first, overdue ones flagged.
    FollowUps {
        /// Every item of this household, done ones too.
        #[arg(long)]
        household: Option<HouseholdId>,
    },
    /// Close a follow-up item as done (办结), with how it was done.
    CloseFollowUp {
        #[arg(long)]
        id: FollowUpId,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Make an open follow-up item a project (转为项目): a planned project named after the
    /// promise (or `--name`), its household benefiting, the item linked — one change.
    FollowUpToProject {
        #[arg(long)]
        id: FollowUpId,
        #[arg(long)]
        name: Option<String>,
        /// practical (民生实事) or aid (帮扶专案).
        #[arg(long, default_value = "practical")]
        kind: String,
    },
    /// Link a follow-up item to an existing project (并入项目).
    JoinProject {
        #[arg(long)]
        id: FollowUpId,
        #[arg(long)]
        project: ProjectId,
    },
    /// The inspection findings (检查发现的问题) the township or county wrote, waiting for the
    /// team's answer (待整改) first; `--all` lists the answered ones too.
    Findings {
        #[arg(long)]
        all: bool,
    },
    /// Answer an inspection finding (整改情况), signed as you, at the device's time; offline
    /// is fine, the answer goes up at the next sync.
    AnswerFinding {
        #[arg(long)]
        id: taizhang_domain::FindingId,
        #[arg(long)]
        answer: String,
    },
    /// Record a meeting or activity (会议 / 活动): 村两委会议, 座谈会, 党课, 培训, 其他. A
    /// meeting recorded weeks later counts for its own day.
    AddMeeting {
        /// The day it was held (YYYY-MM-DD); today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// committee (村两委会议), symposium (座谈会), party_lecture (党课), training (培训), other (其他).
        #[arg(long)]
        kind: String,
        /// Who led it (主持 / 主讲), any name.
        #[arg(long)]
        led_by: String,
        /// How many attended, if counted.
        #[arg(long)]
        attendance: Option<u32>,
        #[arg(long)]
        topics: String,
        #[arg(long, default_value = "")]
        decisions: String,
    },
    /// The village's meetings and activities, the latest first.
    Meetings {
        /// Only this year (e.g. 2026).
        #[arg(long)]
        year: Option<i32>,
        /// Only this kind (party_lecture, 党课 ...).
        #[arg(long)]
        kind: Option<String>,
    },
    /// Start a project (项目): a practical project (民生实事) or an aid project (帮扶专案), with
    /// its funding in yuan by source and the households that benefit.
    AddProject {
        #[arg(long)]
        name: String,
        /// practical (民生实事) or aid (帮扶专案).
        #[arg(long)]
        kind: String,
        /// planned (计划中) or underway (实施中).
        #[arg(long, default_value = "planned")]
        state: String,
        /// The day work started (YYYY-MM-DD).
        #[arg(long)]
        started: Option<NaiveDate>,
        /// 集体自筹, yuan.
        #[arg(long)]
        collective: Option<i64>,
        /// 财政投入, yuan.
        #[arg(long)]
        fiscal: Option<i64>,
        /// 党费补贴, yuan.
        #[arg(long)]
        party_fees: Option<i64>,
        /// 城乡统筹, yuan.
        #[arg(long)]
        urban_rural: Option<i64>,
        /// A household that benefits (repeat the option for each).
        #[arg(long = "household")]
        households: Vec<HouseholdId>,
    },
    /// The village's projects (open ones first), or one project with its progress updates.
    Projects {
        #[arg(long)]
        id: Option<ProjectId>,
    },
    /// Add a progress update (项目进展) to a project.
    Progress {
        #[arg(long)]
        project: ProjectId,
        #[arg(long)]
        text: String,
        /// The day it happened (YYYY-MM-DD); today by default.
        #[arg(long)]
        day: Option<NaiveDate>,
    },
    /// Close a project as done (已完成) with its result, or dropped (已终止) with the reason.
    CloseProject {
        #[arg(long)]
        id: ProjectId,
        #[arg(long)]
        result: String,
        /// The day it was closed (YYYY-MM-DD); today by default.
        #[arg(long)]
        day: Option<NaiveDate>,
        /// Close it as dropped (已终止) instead of done.
        #[arg(long)]
        dropped: bool,
    },
    /// The village situation (村情) of a year (this year by default) beside the year before.
    Situation {
        #[arg(long)]
        year: Option<i32>,
    },
    /// Fill in parts of a year's village situation (村情); the parts not given keep their
    /// values. Each --cadre is one committee member, "name,post[,birth year[,education]]"
    /// (education: primary, junior, senior, college, university or the Chinese words); giving
    /// any --cadre replaces the list.
    SetSituation {
        /// The year (this year by default); an earlier year may be filled in late.
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        population: Option<u32>,
        #[arg(long)]
        households: Option<u32>,
        #[arg(long)]
        party_members: Option<u32>,
        /// 村集体经济收入, whole yuan.
        #[arg(long)]
        collective_income: Option<i64>,
        /// 农民人均可支配收入, whole yuan.
        #[arg(long)]
        income_per_head: Option<i64>,
        #[arg(long)]
        income_sources: Option<String>,
        #[arg(long)]
        industries: Option<String>,
        #[arg(long)]
        roads: Option<String>,
        #[arg(long)]
        water: Option<String>,
        #[arg(long)]
        network: Option<String>,
        #[arg(long)]
        problems: Option<String>,
        #[arg(long)]
        cadre: Vec<String>,
    },
    /// The goals, plan items and letters covering a year (this year by default).
    Plans {
        #[arg(long)]
        year: Option<i32>,
    },
    /// Add a three-year goal (三年帮扶目标), a yearly plan item (年度帮扶计划) or the
    /// responsibility letter (工作目标责任书).
    AddPlan {
        /// three_year, yearly or letter (or the Chinese words).
        #[arg(long)]
        kind: String,
        /// The (first) year; this year by default.
        #[arg(long)]
        year: Option<i32>,
        /// What is to be done; for a letter, whom it is signed with.
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        target: String,
        /// The due day (a letter: the day it was signed), YYYY-MM-DD.
        #[arg(long)]
        due: Option<NaiveDate>,
    },
    /// Close a plan item done (已完成) with what was achieved, or missed (未完成) with why.
    ClosePlan {
        #[arg(long)]
        id: taizhang_domain::PlanId,
        #[arg(long)]
        result: String,
        /// The day (YYYY-MM-DD); today by default.
        #[arg(long)]
        day: Option<NaiveDate>,
        #[arg(long)]
        missed: bool,
    },
    /// Write a diary entry (today by default).
    Diary {
        #[arg(long)]
        text: String,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Check in (or out with --out).
    CheckIn {
        #[arg(long)]
        out: bool,
        #[arg(long, requires = "lon")]
        lat: Option<f64>,
        #[arg(long, requires = "lat")]
        lon: Option<f64>,
        #[arg(long)]
        accuracy: Option<f64>,
        /// A check-in recorded afterwards (补卡), Beijing time ("2026-11-20 08:30"); now by
        /// default. It is kept like any other, and the county sees its time against the
        /// device's syncs: one dated before this device's previous sync is listed as 时间存疑
        /// for an officer to decide.
        #[arg(long)]
        at: Option<String>,
    },
    /// Counts, pending changes and last sync.
    Status,
    /// County staff: pull the synced logs of the county (or of one village or member) into
    /// files — attendance, visits, diary, scores, projects (项目台账), meetings (会议记录), the
    /// village situation (村情) and plans (帮扶计划) — with the county page's log-in.
    Pull {
        #[arg(long, env = "TAIZHANG_SERVER", default_value = "http://127.0.0.1:8620")]
        server: String,
        /// The county page's login: the account name or id.
        #[arg(long)]
        login: String,
        /// A file whose first line is the password (else the TAIZHANG_PASSWORD variable).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// First day, YYYY-MM-DD (default: 1 January of this year).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        to: Option<String>,
        /// Only this village.
        #[arg(long)]
        village: Option<uuid::Uuid>,
        /// Only this member (with --village).
        #[arg(long, requires = "village")]
        member: Option<uuid::Uuid>,
        /// Datasets, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "attendance,visits,diary,scores,projects,meetings,situation,plans"
        )]
        datasets: Vec<String>,
        /// Formats, comma-separated: csv, xlsx.
        #[arg(long, value_delimiter = ',', default_value = "csv,xlsx")]
        formats: Vec<String>,
        /// Directory to write the files to (created if missing).
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn me(ledger: &Ledger) -> anyhow::Result<MemberId> {
    ledger.member().context("this device has no member: enroll it with a member's code (`taizhang enroll`)")
}

/// Prepares `files` to attach to a record (issue 19) and keeps each, named by its hash, in the
/// store's attachments folder (durable before the record is saved); answers the hashes.
fn attach_photos(
    ledger: &Ledger,
    store: &Path,
    encrypted: bool,
    files: &[PathBuf],
    now: i64,
) -> anyhow::Result<Vec<String>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    if encrypted {
        anyhow::bail!(
            "--photo works with a plain store only (the app seals photos beside an encrypted store; this command \
             would leave them readable): attach photos in the app, or use a --plain store for tests"
        );
    }
    #[cfg(not(feature = "photo"))]
    {
        let _ = (ledger, store, now);
        anyhow::bail!(
            "this taizhang was built without photo support: build it with the `photo` feature (on by default)"
        )
    }
    #[cfg(feature = "photo")]
    {
        let dir = taizhang_store::attachments_dir(store);
        let mut hashes = Vec::new();
        for f in files {
            let bytes = std::fs::read(f).with_context(|| format!("reading the photo {}", f.display()))?;
            let p = taizhang_attach::media::prepare_photo(&bytes, &taizhang_attach::Caps::default())
                .with_context(|| format!("照片无法使用 / the file {} cannot be attached", f.display()))?;
            let hex = taizhang_attach::hash_hex(&p.hash);
            taizhang_store::write_durably(&dir, &hex, &p.bytes)
                .with_context(|| format!("writing the photo into {}", dir.display()))?;
            if let Some(thumb) = &p.thumb {
                taizhang_store::write_durably(&dir, &format!("{hex}.thumb"), thumb)
                    .with_context(|| format!("writing the thumbnail into {}", dir.display()))?;
            }
            let kind = match p.kind {
                taizhang_attach::Kind::Jpeg => "jpeg",
                taizhang_attach::Kind::Png => "png",
                taizhang_attach::Kind::Webp => "webp",
                taizhang_attach::Kind::Pdf => "pdf",
            };
            ledger.store().put_attachment(&taizhang_store::AttachmentRow {
                hash: hex.clone(),
                kind: kind.into(),
                size: p.bytes.len() as u64,
                record_kind: "visit".into(),
                record_id: None,
                taken_at: None,
                lat: None,
                lon: None,
                keep_place: false,
                state: taizhang_store::UploadState::Waiting,
                has_file: true,
                has_thumb: p.thumb.is_some(),
                added_at: now,
            })?;
            if !hashes.contains(&hex) {
                hashes.push(hex);
            }
        }
        Ok(hashes)
    }
}

/// After a record sync: sends every file of this device the server does not hold whole yet, each
/// resumed from where the server stands, and says where each one is.
async fn send_photos(ledger: &Ledger, store: &Path, server: &str, now: i64) -> anyhow::Result<()> {
    use taizhang_store::UploadState;
    let waiting = ledger.store().attachments_to_upload()?;
    if waiting.is_empty() {
        return Ok(());
    }
    let Some(token) = ledger.access_token()? else {
        println!("{} photo(s) 等待上传 waiting: no access token yet, sync again", waiting.len());
        return Ok(());
    };
    let client = taizhang_client::blobs::BlobClient::new(server, &token)?;
    let village = ledger.village_id().0;
    let dir = taizhang_store::attachments_dir(store);
    for a in waiting {
        let kind = match a.kind.as_str() {
            "jpeg" => taizhang_attach::Kind::Jpeg,
            "png" => taizhang_attach::Kind::Png,
            "webp" => taizhang_attach::Kind::Webp,
            "pdf" => taizhang_attach::Kind::Pdf,
            other => anyhow::bail!("photo {} has an unknown kind {other}", a.hash),
        };
        let hash = taizhang_attach::parse_hash(&a.hash).context("a photo's name is not its hash")?;
        let file = std::fs::read(dir.join(&a.hash)).with_context(|| format!("reading photo {}", a.hash))?;
        let mut up = taizhang_attach::upload::Upload::new(hash, kind, file.len() as u64);
        client.resume(village, &mut up).await?;
        client.upload(village, &mut up, &file, |_| {}).await?;
        if up.done() {
            let at = up.received_at.unwrap_or(now);
            ledger.store().set_upload_state(&a.hash, UploadState::Uploaded { received_at: at })?;
            println!("photo {}: 已上传 uploaded", a.hash);
        } else {
            ledger.store().set_upload_state(&a.hash, UploadState::Uploading { acked: up.acked })?;
            println!("photo {}: {}", a.hash, up.words_zh());
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Cmd::Pull { server, login, password_file, from, to, village, member, datasets, formats, out } = &cli.cmd {
        let password = match password_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            None => std::env::var("TAIZHANG_PASSWORD")
                .context("no password: pass --password-file FILE or set TAIZHANG_PASSWORD")?,
        };
        let req = taizhang_client::pull::PullRequest {
            server: server.clone(),
            login: login.clone(),
            password,
            from: from.clone(),
            to: to.clone(),
            village: *village,
            member: *member,
            datasets: datasets.clone(),
            formats: formats.clone(),
            out: out.clone(),
        };
        for f in taizhang_client::pull::pull(&req).await? {
            println!("{}  {} B", f.path.display(), f.bytes);
        }
        return Ok(());
    }
    if let Cmd::Enroll { server, code, name } = &cli.cmd {
        let transport = HttpTransport::new(server)?;
        let key = store_key(&cli.store, cli.plain, !cli.store.exists())?;
        let mut ledger = enroll_keyed(&cli.store, key.as_ref(), &transport, code, name, now_ms()).await?;
        ledger.remember_server(server)?;
        println!(
            "enrolled device {} as {} of village {} (member {}); store {}",
            ledger.device_id()?.map(|d| d.to_string()).unwrap_or_default(),
            ledger.account_role()?.unwrap_or_default(),
            ledger.village_id(),
            ledger.member().map(|m| m.to_string()).unwrap_or_default(),
            cli.store.display()
        );
        return Ok(());
    }
    if !cli.store.exists() {
        anyhow::bail!(
            "there is no store at {}: enroll this device first (taizhang --store {} enroll --code XXXX-XXXX-XXXX-XXXX)",
            cli.store.display(),
            cli.store.display()
        );
    }
    let key = store_key(&cli.store, cli.plain, false)?;
    let mut ledger =
        Ledger::open_keyed(&cli.store, key.as_ref()).with_context(|| format!("opening {}", cli.store.display()))?;
    let now = now_ms();
    match cli.cmd {
        Cmd::Enroll { .. } | Cmd::Pull { .. } => unreachable!("handled above"),
        Cmd::Peer { cmd } => peer_command(&mut ledger, cmd).await?,
        Cmd::Sync { server } => {
            let server = match server {
                Some(s) => s,
                None => ledger.server_url()?.unwrap_or_else(|| "http://127.0.0.1:8620".into()),
            };
            let transport = HttpTransport::new(&server)?;
            let r = ledger.sync(&transport, now).await?;
            println!(
                "synced: {} request(s), {} B up, {} B down, {} change(s) pushed ({} new), {} received",
                r.requests, r.bytes_up, r.bytes_down, r.changes_pushed, r.changes_new_on_server, r.changes_received
            );
            for (doc, why) in &r.rejected {
                println!("refused by the server: {doc}: {why}");
            }
            send_photos(&ledger, &cli.store, &server, now).await?;
        }
        Cmd::Households { search, group, mine, not_visited, open_follow_ups } => {
            let today = local_date(now);
            let since = match not_visited.as_deref() {
                Some("month") => today.with_day(1),
                Some("year") => chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1),
                _ => None,
            };
            let q = HouseholdQuery {
                text: search,
                group,
                helper: if mine { Some(me(&ledger)?) } else { None },
                not_visited_since: since.map(taizhang_domain::day_start),
                open_follow_ups,
                ..HouseholdQuery::default()
            };
            // `households | head` closes the pipe early: stop quietly instead of panicking.
            let mut out = std::io::stdout().lock();
            for row in ledger.store().households(&q)? {
                let h = &row.record;
                let conflict = if row.conflicts.is_empty() { "" } else { "  [冲突 conflict]" };
                let door = if h.details.door_number.is_empty() { "-" } else { h.details.door_number.as_str() };
                let line = writeln!(
                    out,
                    "{}  {}  {}  {}  {}  {}人  {}{}",
                    h.id,
                    h.head,
                    h.group,
                    h.grid,
                    door,
                    h.members_count,
                    h.status.zh(),
                    conflict
                );
                if line.is_err() {
                    break;
                }
            }
        }
        Cmd::AddHousehold { head, members, group, grid } => {
            let h = Household {
                id: HouseholdId(Uuid::now_v7()),
                head,
                members_count: members,
                group,
                grid,
                status: HouseholdStatus::Ordinary,
                causes: Vec::new(),
                helper: ledger.member(),
                plan: String::new(),
                income_yuan: None,
                details: Default::default(),
            };
            ledger.put_household(&h, now)?;
            println!("saved household {}", h.id);
        }
        Cmd::Household { id } => show_household(&mut ledger, id)?,
        Cmd::AddPerson { household, name, relation, born, id_number } => {
            let id_number = id_number.trim().to_ascii_uppercase();
            let p = FamilyMember {
                id: PersonId(Uuid::now_v7()),
                household,
                name,
                relation: Relation::parse(&relation)?,
                birth_year: born,
                health: None,
                work_ability: None,
                schooling: None,
                disability_grade: None,
                medical_insurance: None,
                pension_insurance: None,
                id_entered_by: if id_number.is_empty() { None } else { ledger.member() },
                id_number,
                left: false,
            };
            ledger.put_family_member(&p, now)?;
            println!("已添加家庭成员 added family member {} ({})", p.name, p.relation.zh());
        }
        Cmd::Visit { household, findings, needs, follow_up, lat, lon, at, amends, photo } => {
            let at = match at {
                Some(t) => taizhang_domain::parse_local_time(&t)?,
                None => now,
            };
            let location = lat.zip(lon).map(|(lat, lon)| GpsFix { point: GeoPoint { lat, lon }, accuracy_m: None });
            let v = Visit {
                id: VisitId(Uuid::now_v7()),
                household,
                member: me(&ledger)?,
                at,
                location,
                findings,
                needs,
                follow_up,
                amends,
                attachments: attach_photos(&ledger, &cli.store, key.is_some(), &photo, now)?,
            };
            ledger.record_visit(&v, now)?;
            ledger.store().bind_attachments(&v.attachments, "visit", &v.id.to_string())?;
            println!("saved visit {}", v.id);
            for h in &v.attachments {
                println!("photo {h}: 等待上传 waiting to upload (sent by the next sync)");
            }
        }
        Cmd::AddFollowUp { household, text, visit, owner, due } => {
            let by = me(&ledger)?;
            let f = FollowUp {
                id: FollowUpId(Uuid::now_v7()),
                household,
                visit,
                text,
                owner: owner.unwrap_or(by),
                due,
                created_by: by,
                created_at: now,
                done_by: None,
                done_at: None,
                done_note: String::new(),
                project: None,
                attachments: Vec::new(),
            };
            ledger.put_follow_up(&f, now)?;
            println!("已记录承诺事项 saved follow-up item {}", f.id);
        }
        Cmd::FollowUps { household } => show_follow_ups(&ledger, household, now)?,
        Cmd::CloseFollowUp { id, note } => {
            let f = ledger.close_follow_up(id, me(&ledger)?, &note, now)?;
            let at = f.done_at.map(local_time).unwrap_or_default();
            println!("已办结 done: {} ({at})", f.text);
        }
        Cmd::FollowUpToProject { id, name, kind } => {
            let item = ledger
                .store()
                .follow_up(id)?
                .ok_or_else(|| anyhow::anyhow!("no follow-up item {id} here: list them with `follow-ups`"))?
                .record;
            if let Some(p) = item.project {
                anyhow::bail!("follow-up item {id} is already part of project {p} / 该承诺事项已关联项目");
            }
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(item.text.trim());
            let p = Project {
                id: ProjectId(Uuid::now_v7()),
                name: name.chars().take(taizhang_domain::Limits::default().max_name_chars).collect(),
                kind: ProjectKind::from_code(kind.trim())?,
                funding: Funding::default(),
                households: vec![item.household],
                state: ProjectState::Planned,
                started_on: None,
                created_by: me(&ledger)?,
                created_at: now,
                closed_on: None,
                closed_by: None,
                result: String::new(),
            };
            let linked = FollowUp { project: Some(p.id), ..item };
            ledger.project_from_follow_up(&p, &linked, now)?;
            println!("已转为项目 made project {} ({}) from follow-up item {id}", p.id, p.name);
        }
        Cmd::JoinProject { id, project } => {
            let item = ledger
                .store()
                .follow_up(id)?
                .ok_or_else(|| anyhow::anyhow!("no follow-up item {id} here: list them with `follow-ups`"))?
                .record;
            let p = ledger
                .store()
                .project(project)?
                .ok_or_else(|| anyhow::anyhow!("no project {project} here: list them with `projects`"))?
                .record;
            ledger.put_follow_up(&FollowUp { project: Some(project), ..item }, now)?;
            println!("已并入项目 joined project {} ({})", p.id, p.name);
        }
        Cmd::Findings { all } => show_findings(&ledger, all)?,
        Cmd::AnswerFinding { id, answer } => {
            let f = ledger.answer_finding(id, me(&ledger)?, &answer, now)?;
            let at = f.answered_at.map(local_time).unwrap_or_default();
            println!("已答复 answered ({at}): {}", f.text);
        }
        Cmd::AddMeeting { date, kind, led_by, attendance, topics, decisions } => {
            let m = Meeting {
                id: MeetingId(Uuid::now_v7()),
                date: date.unwrap_or_else(|| local_date(now)),
                kind: MeetingKind::from_code(kind.trim())?,
                led_by,
                attendance,
                topics,
                decisions,
                recorded_by: me(&ledger)?,
                recorded_at: now,
            };
            ledger.put_meeting(&m, now)?;
            println!("已记录{} saved {} {} ({})", m.kind.zh(), m.kind.en(), m.id, m.date);
        }
        Cmd::Meetings { year, kind } => {
            let kind = kind.map(|k| MeetingKind::from_code(k.trim())).transpose()?;
            let (from, to) = match year {
                Some(y) => (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)),
                None => (None, None),
            };
            let rows = ledger.store().meetings(from, to, kind)?;
            println!("会议记录 meetings: {}", rows.len());
            for r in rows {
                let m = r.record;
                let n = m.attendance.map(|n| format!("{n}人")).unwrap_or_else(|| "人数未记 not counted".into());
                println!("  {}  {}  主持 led by {}  {n}  {}  {}", m.date, m.kind.zh(), m.led_by, m.topics, m.id);
                if !m.decisions.is_empty() {
                    println!("      决定 decided: {}", m.decisions);
                }
            }
        }
        Cmd::AddProject { name, kind, state, started, collective, fiscal, party_fees, urban_rural, households } => {
            let p = Project {
                id: ProjectId(Uuid::now_v7()),
                name,
                kind: ProjectKind::from_code(kind.trim())?,
                funding: Funding { collective, fiscal, party_fees, urban_rural },
                households,
                state: ProjectState::from_code(state.trim())?,
                started_on: started,
                created_by: me(&ledger)?,
                created_at: now,
                closed_on: None,
                closed_by: None,
                result: String::new(),
            };
            ledger.put_project(&p, now)?;
            println!("已建立{} saved {} {} ({})", p.kind.zh(), p.kind.en(), p.id, p.name);
        }
        Cmd::Projects { id } => show_projects(&ledger, id)?,
        Cmd::Situation { year } => show_situation(&ledger, year.unwrap_or_else(|| local_date(now).year()))?,
        Cmd::SetSituation {
            year,
            population,
            households,
            party_members,
            collective_income,
            income_per_head,
            income_sources,
            industries,
            roads,
            water,
            network,
            problems,
            cadre,
        } => {
            use taizhang_domain::VillageSituation;
            let year = year.unwrap_or_else(|| local_date(now).year());
            let me = me(&ledger)?;
            let mut x = ledger
                .store()
                .situation(year)?
                .map(|r| r.record)
                .unwrap_or_else(|| VillageSituation::empty(year, me, now));
            x.population = population.or(x.population);
            x.households = households.or(x.households);
            x.party_members = party_members.or(x.party_members);
            x.collective_income_yuan = collective_income.or(x.collective_income_yuan);
            x.income_per_head_yuan = income_per_head.or(x.income_per_head_yuan);
            for (part, given) in [
                (&mut x.income_sources, income_sources),
                (&mut x.industries, industries),
                (&mut x.roads, roads),
                (&mut x.water, water),
                (&mut x.network, network),
                (&mut x.problems, problems),
            ] {
                if let Some(v) = given {
                    *part = v;
                }
            }
            if !cadre.is_empty() {
                x.committee = cadre.iter().map(|c| parse_cadre(c)).collect::<anyhow::Result<_>>()?;
            }
            x.updated_by = me;
            x.updated_at = now;
            ledger.put_situation(&x, now)?;
            let (filled, parts) = x.filled();
            println!("已保存村情 saved the {year} situation: {filled}/{parts} parts filled in");
        }
        Cmd::Plans { year } => show_plans(&ledger, year.unwrap_or_else(|| local_date(now).year()), local_date(now))?,
        Cmd::AddPlan { kind, year, title, target, due } => {
            use taizhang_domain::{PlanId, PlanItem, PlanKind, PlanState};
            let p = PlanItem {
                id: PlanId(Uuid::now_v7()),
                kind: PlanKind::from_code(kind.trim())?,
                year: year.unwrap_or_else(|| local_date(now).year()),
                title,
                target,
                due,
                state: PlanState::Open,
                result: String::new(),
                closed_on: None,
                recorded_by: me(&ledger)?,
                recorded_at: now,
                attachments: Vec::new(),
            };
            ledger.put_plan_item(&p, now)?;
            println!("已记录{} saved {} {} ({})", p.kind.zh(), p.kind.en(), p.id, p.year);
        }
        Cmd::ClosePlan { id, result, day, missed } => {
            use taizhang_domain::PlanState;
            let mut p = ledger
                .store()
                .plan_item(id)?
                .map(|r| r.record)
                .with_context(|| format!("no plan item {id} on this device: list them with `plans`"))?;
            p.state = if missed { PlanState::Missed } else { PlanState::Done };
            p.closed_on = Some(day.unwrap_or_else(|| local_date(now)));
            p.result = result;
            ledger.put_plan_item(&p, now)?;
            println!("{} {}: {}", p.state.zh(), p.state.en(), p.title);
        }
        Cmd::Progress { project, text, day } => {
            let u = ProgressUpdate {
                id: ProgressId(Uuid::now_v7()),
                project,
                day: day.unwrap_or_else(|| local_date(now)),
                text,
                by: me(&ledger)?,
                at: now,
                attachments: Vec::new(),
            };
            ledger.add_progress(&u, now)?;
            println!("已记录进展 saved progress update {}", u.id);
        }
        Cmd::CloseProject { id, result, day, dropped } => {
            let state = if dropped { ProjectState::Dropped } else { ProjectState::Done };
            let day = day.unwrap_or_else(|| local_date(now));
            let p = ledger.close_project(id, state, day, &result, me(&ledger)?, now)?;
            println!(
                "{} {}: {} ({})",
                p.state.zh(),
                p.state.en(),
                p.name,
                p.closed_on.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        Cmd::Diary { text, date } => {
            let d = DiaryEntry {
                id: DiaryId(Uuid::now_v7()),
                member: me(&ledger)?,
                date: date.unwrap_or_else(|| local_date(now)),
                text,
                amends: None,
                written_at: now,
                attachments: Vec::new(),
            };
            ledger.write_diary(&d, now)?;
            println!("saved diary entry {} for {}", d.id, d.date);
        }
        Cmd::CheckIn { out, lat, lon, accuracy, at } => {
            let at = match at {
                Some(t) => taizhang_domain::parse_local_time(&t)?,
                None => now,
            };
            let location = lat.zip(lon).map(|(lat, lon)| GpsFix { point: GeoPoint { lat, lon }, accuracy_m: accuracy });
            let c = CheckIn {
                id: CheckInId(Uuid::now_v7()),
                member: me(&ledger)?,
                at,
                kind: if out { CheckKind::Out } else { CheckKind::In },
                location,
                in_geofence: None,
            };
            let saved = ledger.check_in(&c, now)?;
            let fence = match saved.in_geofence {
                Some(true) => "inside the village geofence",
                Some(false) => "OUTSIDE the village geofence",
                None => "no location",
            };
            println!("saved check-{} {} ({fence})", if out { "out" } else { "in" }, saved.id);
        }
        Cmd::Status => print_status(&ledger)?,
    }
    Ok(())
}

/// `taizhang status` in words (zh, then en): who this device is, what it holds, what waits.
fn print_status(ledger: &Ledger) -> anyhow::Result<()> {
    let store = ledger.store();
    let names: std::collections::BTreeMap<MemberId, String> =
        store.members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect();
    let village = store.village()?.map(|v| v.name).unwrap_or_else(|| ledger.village_id().to_string());
    println!("村 village: {village}");
    match ledger.member() {
        Some(m) => println!("本人 member: {}", names.get(&m).cloned().unwrap_or_else(|| m.to_string())),
        None => println!("本人 member: 未登记 (not enrolled)"),
    }
    match ledger.account_role()? {
        Some(role) => println!("角色 role: {}", role_words(&role)),
        None => println!("角色 role: 未登记 (not enrolled)"),
    }
    if let Some(device) = ledger.device_id()? {
        println!("设备 device: {device}");
    }
    let c = store.counts()?;
    println!(
        "本机记录 on this device: 农户 households {}, 工作队员 team members {}, 走访 visits {}, 民情日记 diary entries {}, 考勤 check-ins {}, 请假 leave requests {}, 月备案 filed months {}, 月度评分 score sheets {}",
        c.households, c.members, c.visits, c.diary_entries, c.check_ins, c.leaves, c.filings, c.score_sheets
    );
    let pending = ledger.pending_docs()?;
    if pending.is_empty() {
        println!("待同步 waiting to sync: 无 (nothing)");
    } else {
        let parts: Vec<String> = pending.iter().map(|d| place_words(d, &names)).collect();
        println!(
            "待同步 waiting to sync: {} 处有改动 (changes in {} place(s)): {}",
            parts.len(),
            parts.len(),
            parts.join("; ")
        );
    }
    match ledger.last_sync_at()? {
        Some(at) => println!("上次同步 last sync: {}", local_time(at)),
        None => println!("上次同步 last sync: 从未同步 (never)"),
    }
    Ok(())
}

fn role_words(code: &str) -> String {
    match code {
        "first_secretary" => "第一书记 first secretary".into(),
        "member" => "驻村工作队员 team member".into(),
        "township_staff" => "乡镇 township".into(),
        "county_staff" => "县委组织部 county".into(),
        other => other.into(),
    }
}

/// Where a change waits, in words: the registry, the team's year, or whose month of records.
fn place_words(doc: &str, names: &std::collections::BTreeMap<MemberId, String>) -> String {
    match doc.parse::<DocId>() {
        Ok(DocId::Registry) => "农户与工作队名册 households and team".into(),
        Ok(DocId::Team { year }) => format!("{year}年 请假/月备案/评分 leave, filings, scores of {year}"),
        Ok(DocId::Log { member, month }) => {
            let who = names.get(&member).cloned().unwrap_or_else(|| member.to_string());
            format!("{who} {month} 的走访/日记/考勤 visits, diary, check-ins")
        }
        Err(_) => doc.to_string(),
    }
}

fn local_time(at: i64) -> String {
    taizhang_domain::local_datetime(at)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| at.to_string())
}

/// `taizhang projects`: the village's projects, or one with its progress updates.
/// One committee member from "name,post[,birth year[,education]]".
fn parse_cadre(text: &str) -> anyhow::Result<taizhang_domain::Cadre> {
    let parts: Vec<&str> = text.split([',', '，']).map(str::trim).collect();
    let (Some(name), Some(post)) = (parts.first(), parts.get(1)) else {
        anyhow::bail!(
            "--cadre {text:?}: give \"name,post[,birth year[,education]]\", e.g. \"陈刚,村党支部书记,1975,senior\""
        );
    };
    let birth_year = match parts.get(2).filter(|y| !y.is_empty()) {
        Some(y) => Some(y.parse().with_context(|| format!("--cadre {text:?}: {y:?} is not a year"))?),
        None => None,
    };
    let education =
        parts.get(3).filter(|e| !e.is_empty()).map(|e| taizhang_domain::Education::from_code(e)).transpose()?;
    Ok(taizhang_domain::Cadre { name: name.to_string(), post: post.to_string(), birth_year, education })
}

fn show_situation(ledger: &Ledger, year: i32) -> anyhow::Result<()> {
    let this = ledger.store().situation(year)?.map(|r| r.record);
    let last = ledger.store().situation(year - 1)?.map(|r| r.record);
    let Some(x) = this else {
        println!("{year}年村情未填写 the situation of {year} is not filled in");
        return Ok(());
    };
    let (filled, parts) = x.filled();
    println!("村情 situation {year}: {filled}/{parts} parts filled in (上年 last year in brackets)");
    let n = |v: Option<i64>| v.map_or_else(|| "未填 not entered".to_string(), |v| v.to_string());
    let count = |v: Option<u32>| n(v.map(i64::from));
    let text = |v: &str| if v.is_empty() { "未填 not entered".to_string() } else { v.to_string() };
    let prev = last.as_ref();
    let rows: [(&str, String, Option<String>); 11] = [
        ("户籍人口 population", count(x.population), prev.map(|p| count(p.population))),
        ("户数 households", count(x.households), prev.map(|p| count(p.households))),
        ("党员 party members", count(x.party_members), prev.map(|p| count(p.party_members))),
        ("村集体经济收入 collective income", n(x.collective_income_yuan), prev.map(|p| n(p.collective_income_yuan))),
        ("收入来源 income sources", text(&x.income_sources), prev.map(|p| text(&p.income_sources))),
        ("人均可支配收入 income per head", n(x.income_per_head_yuan), prev.map(|p| n(p.income_per_head_yuan))),
        ("主导产业 industries", text(&x.industries), prev.map(|p| text(&p.industries))),
        ("道路 roads", text(&x.roads), prev.map(|p| text(&p.roads))),
        ("饮水 water", text(&x.water), prev.map(|p| text(&p.water))),
        ("网络 network", text(&x.network), prev.map(|p| text(&p.network))),
        ("主要问题 problems", text(&x.problems), prev.map(|p| text(&p.problems))),
    ];
    for (label, now, before) in rows {
        match before {
            Some(b) => println!("  {label}: {now} ({b})"),
            None => println!("  {label}: {now}"),
        }
    }
    println!("  村两委 committee: {}", x.committee.len());
    for c in &x.committee {
        let born = c.birth_year.map(|y| format!(", {y}")).unwrap_or_default();
        let edu = c.education.map(|e| format!(", {}", e.zh())).unwrap_or_default();
        println!("    {} ({}{born}{edu})", c.name, c.post);
    }
    Ok(())
}

fn show_plans(ledger: &Ledger, year: i32, today: NaiveDate) -> anyhow::Result<()> {
    let items: Vec<_> = ledger.store().plan_items(Some(year))?.into_iter().map(|r| r.record).collect();
    let p = taizhang_domain::plan_progress(&items, year, today);
    println!(
        "帮扶计划 plans {year}: {} items, {} done, {} missed, {} open ({} overdue); 责任书 letter: {}",
        p.items,
        p.done,
        p.missed,
        p.open,
        p.overdue,
        if p.letter { "已签订 signed" } else { "未记录 not recorded" }
    );
    for i in items {
        let state = if i.overdue(today) {
            "已逾期 overdue".to_string()
        } else {
            format!("{} {}", i.state.zh(), i.state.en())
        };
        let due = i.due.map(|d| format!(" due {d}")).unwrap_or_default();
        println!("  {} {}  {}  [{state}]{due}  {}", i.kind.zh(), i.year, i.title, i.id);
        if !i.result.is_empty() {
            println!("      {}", i.result);
        }
    }
    Ok(())
}

fn show_projects(ledger: &Ledger, id: Option<ProjectId>) -> anyhow::Result<()> {
    let names: std::collections::BTreeMap<MemberId, String> =
        ledger.store().members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect();
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
    let rows = match id {
        Some(id) => ledger.store().project(id)?.into_iter().collect(),
        None => ledger.store().projects(None)?,
    };
    println!("项目台账 projects: {}", rows.len());
    for r in rows {
        let p = r.record;
        let total =
            p.funding.total().map(|y| format!("{y}元")).unwrap_or_else(|| "资金未记 funding not recorded".into());
        println!("  {}  {}  {}  {total}  受益{}户  {}", p.kind.zh(), p.state.zh(), p.name, p.households.len(), p.id);
        if id.is_some() {
            for (_, zh, _, yuan) in p.funding.sources() {
                if let Some(y) = yuan {
                    println!("      {zh}: {y}元");
                }
            }
            for u in ledger.store().progress_of(p.id)? {
                let u = u.record;
                println!("      {}  {}  ({})", u.day, u.text, name(u.by));
            }
            if let (Some(day), Some(by)) = (p.closed_on, p.closed_by) {
                println!("      {} {day} {}: {}", p.state.zh(), name(by), p.result);
            }
            for f in ledger.store().follow_ups_of_project(p.id)? {
                let f = f.record;
                let state = if f.is_done() { "已办结 done" } else { "待办 open" };
                println!("      承诺事项 follow-up item: {}  {state}  {}", f.text, f.id);
            }
        }
    }
    Ok(())
}

/// `taizhang follow-ups`: the open items, the device's member's first, overdue flagged; or
/// every item of one household.
fn show_follow_ups(ledger: &Ledger, household: Option<HouseholdId>, now: i64) -> anyhow::Result<()> {
    let names: std::collections::BTreeMap<MemberId, String> =
        ledger.store().members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect();
    let heads: std::collections::BTreeMap<HouseholdId, String> =
        ledger.store().households(&Default::default())?.into_iter().map(|h| (h.record.id, h.record.head)).collect();
    let rows = match household {
        Some(h) => ledger.store().follow_ups_of_household(h)?,
        None => ledger.store().open_follow_ups(ledger.member())?,
    };
    let today = local_date(now);
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
    println!("待办 follow-up items: {}", rows.len());
    for r in rows {
        let f = r.record;
        let flag = if f.overdue(today) { "逾期 overdue " } else { "" };
        let due = f.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        let head = heads.get(&f.household).cloned().unwrap_or_else(|| f.household.to_string());
        let state = match (f.done_by, f.done_at) {
            (Some(by), Some(at)) => format!("{} {} {}", f.state_zh(), name(by), local_time(at)),
            _ => f.state_zh().to_string(),
        };
        println!("  {flag}{due}  {head}  {}  负责人 owner: {}  {state}  {}", f.text, name(f.owner), f.id);
    }
    Ok(())
}

/// `taizhang findings`: the findings waiting for an answer (or all of them), in words.
fn show_findings(ledger: &Ledger, all: bool) -> anyhow::Result<()> {
    let names: std::collections::BTreeMap<MemberId, String> =
        ledger.store().members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect();
    let heads: std::collections::BTreeMap<HouseholdId, String> =
        ledger.store().households(&Default::default())?.into_iter().map(|h| (h.record.id, h.record.head)).collect();
    let rows = if all { ledger.store().findings()? } else { ledger.store().open_findings()? };
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
    println!("检查发现的问题 findings: {}", rows.len());
    for r in rows {
        let f = r.record;
        let about = match (f.household, f.member) {
            (Some(h), _) => format!("农户 household {}", heads.get(&h).cloned().unwrap_or_else(|| h.to_string())),
            (None, Some(m)) => format!("民情日记 diary of {}", name(m)),
            _ => "-".into(),
        };
        println!("  {}  {}  {about}  {}  {}", f.state_zh(), local_time(f.found_at), f.found_by_name, f.id);
        println!("    问题 finding: {}", f.text);
        if let (Some(by), Some(at)) = (f.answered_by, f.answered_at) {
            println!("    答复 answer ({} {}): {}", name(by), local_time(at), f.answer);
        }
    }
    Ok(())
}

/// `taizhang household --id`: details, roster (ID numbers masked unless this device's member
/// entered them) and the history of changes.
fn show_household(ledger: &mut Ledger, id: HouseholdId) -> anyhow::Result<()> {
    let row = ledger.store().household(id)?.with_context(|| format!("no household {id} on this device"))?;
    let h = &row.record;
    let d = &h.details;
    let names: std::collections::BTreeMap<MemberId, String> =
        ledger.store().members()?.into_iter().map(|m| (m.record.id, m.record.name)).collect();
    let or_dash = |s: &str| if s.is_empty() { "-".to_string() } else { s.to_string() };
    println!("户主 head: {}  户类型 status: {}", h.head, h.status.zh());
    println!(
        "村民小组 group: {}  网格 grid: {}  门牌号 door: {}",
        or_dash(&h.group),
        or_dash(&h.grid),
        or_dash(&d.door_number)
    );
    println!("住址 address: {}  电话 phone: {}", or_dash(&d.address), or_dash(&d.phone));
    if let Some(t) = d.monitored_type {
        let risks: Vec<&str> = d.risks.iter().map(|r| r.zh()).collect();
        let cleared = d
            .risk_cleared_on
            .map(|c| format!("风险已消除 cleared {c}"))
            .unwrap_or_else(|| "风险未消除 not cleared".into());
        println!("监测对象类型 monitored type: {}  风险 risks: {}  {cleared}", t.zh(), or_dash(&risks.join("、")));
    }
    if !d.checks.is_empty() {
        let checks: Vec<String> =
            d.checks.iter().map(|(g, ok)| format!("{} {}", g.zh(), if *ok { "✓" } else { "✗ 有问题" })).collect();
        println!("两不愁三保障 checks: {}", checks.join("  "));
    }
    if let Some(i) = d.income_per_head_yuan {
        println!("人均纯收入 income per head: {i} 元");
    }
    let helper = match (&d.helper_name, h.helper.and_then(|m| names.get(&m))) {
        (n, _) if !n.is_empty() => format!("{n} {}", d.helper_unit),
        (_, Some(m)) => m.clone(),
        _ => "-".into(),
    };
    println!("结对帮扶责任人 helper: {}", helper.trim());
    let this_year = chrono::Datelike::year(&local_date(chrono::Utc::now().timestamp_millis()));
    println!("家庭成员 family:");
    for p in ledger.store().family_members(id)? {
        let p = p.record;
        if p.left {
            continue;
        }
        let age = p.age_in(this_year).map(|a| format!("{a}岁")).unwrap_or_else(|| "-".into());
        let idn = p.id_number_for(ledger.member());
        println!("  {}  {}  {}  {}", p.name, p.relation.zh(), age, if idn.is_empty() { "-".into() } else { idn });
    }
    println!("变更记录 history:");
    for e in ledger.household_history(id)? {
        let who = e
            .member
            .map(|m| names.get(&MemberId(m)).cloned().unwrap_or_else(|| m.to_string()))
            .unwrap_or_else(|| format!("设备 device {}", e.actor.chars().take(8).collect::<String>()));
        let what: Vec<String> = e
            .fields
            .iter()
            .map(|f| {
                let label = taizhang_domain::field_words(&f.field).map_or(f.field.clone(), |(zh, _)| zh.to_string());
                let word = |v: &Option<String>| {
                    v.as_deref().map_or("-".to_string(), |v| {
                        match v.parse::<MemberId>().ok().and_then(|m| names.get(&m)) {
                            Some(name) if f.field == "helper" => name.clone(),
                            _ => taizhang_domain::value_words(&f.field, v),
                        }
                    })
                };
                format!("{label}: {} → {}", word(&f.old), word(&f.new))
            })
            .collect();
        println!("  {}  {who}  {}", local_time(e.at), what.join("; "));
    }
    Ok(())
}

/// `taizhang peer ...`: offer this device to teammates nearby, or join one's offer.
#[derive(Subcommand, Debug)]
enum PeerCmd {
    /// Offer this device's records to teammates: shows a pairing code, announces itself on
    /// the local network (DNS-SD `_taizhang._tcp`) and answers like the server.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:8630")]
        listen: std::net::SocketAddr,
        /// The pairing code (default: a fresh 6-digit code, shown here).
        #[arg(long)]
        code: Option<String>,
        /// How many teammates to serve before stopping.
        #[arg(long, default_value_t = 1)]
        count: u32,
        /// Do not announce on the local network (teammates type the address).
        #[arg(long)]
        no_announce: bool,
    },
    /// Join a teammate's offer with the pairing code shown on their screen.
    Sync {
        /// The teammate's address (default: found on the local network by DNS-SD).
        #[arg(long)]
        peer: Option<std::net::SocketAddr>,
        #[arg(long)]
        code: String,
    },
}

async fn peer_command(ledger: &mut Ledger, cmd: PeerCmd) -> anyhow::Result<()> {
    let print = |r: &taizhang_client::PeerReport| {
        println!(
            "peer sync with device {}: {} change(s) sent, {} received, {} B out, {} B in",
            r.peer.map(|p| p.to_string()).unwrap_or_default(),
            r.changes_sent,
            r.changes_received,
            r.bytes_out,
            r.bytes_in
        );
        for (doc, why) in &r.refused {
            println!("refused from the teammate: {doc}: {why}");
        }
        for (doc, why) in &r.refused_by_peer {
            println!("refused by the teammate: {doc}: {why}");
        }
    };
    match cmd {
        PeerCmd::Serve { listen, code, count, no_announce } => {
            let code = code.unwrap_or_else(|| format!("{:06}", rand::random::<u32>() % 1_000_000));
            let listener = tokio::net::TcpListener::bind(listen).await.context("cannot listen for teammates")?;
            let addr = listener.local_addr()?;
            let _announce = match no_announce {
                true => None,
                false => Some(taizhang_client::peer_discovery::announce(ledger, addr.port())?),
            };
            println!("配对码 pairing code: {code}");
            println!("offering on {addr}");
            for _ in 0..count {
                match ledger.peer_serve_one(&listener, &code, now_ms()).await {
                    Ok(r) => print(&r),
                    Err(e) => println!("a teammate could not sync: {e}"),
                }
            }
        }
        PeerCmd::Sync { peer, code } => {
            let addr = match peer {
                Some(a) => a,
                None => taizhang_client::peer_discovery::find(ledger, std::time::Duration::from_secs(5))?
                    .context("no teammate offering on this network: ask for their address")?,
            };
            let r = ledger.peer_sync(addr, &code, now_ms()).await?;
            print(&r);
        }
    }
    Ok(())
}
