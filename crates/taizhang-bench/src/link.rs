//! Scenario 1, sync over a bad link: a week of a 3-person team offline, a fresh device
//! downloading the whole village, and a link that drops halfway and resumes — each through
//! the link shaper, side by side with the physical limit and Automerge's sync protocol.
//! Devices are enrolled over the direct (unshaped) transport beforehand and hold a valid
//! token, so these figures are sync only; what a sign-in and an enrollment cost on the same
//! link is measured on its own ([`AuthCost`]).

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{bail, Context};
use automerge::Change;
use chrono::NaiveDate;
use serde::Serialize;
use taizhang_client::Ledger;

use crate::am::{self, AmServer, DocSet};
use crate::data::{clean, DayPlan, Team, VillageSpec};
use crate::measure::{zstd_size, Counting};
use crate::setup::{self, Backend, DeviceStore, InProcessServer};
use crate::shaper::{Carried, Link, LinkSpec};

#[derive(Debug, Clone)]
pub struct Params {
    pub links: Vec<LinkSpec>,
    /// Households of the week scenario's village, and working days before the week.
    pub week_households: usize,
    pub week_base_days: u32,
    /// The fresh device's village: households and months of logs.
    pub fresh_households: usize,
    pub fresh_months: u32,
}

/// One sync session through the shaper.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub time_s: f64,
    pub requests: u32,
    /// Bytes on the link (HTTP included), device → server and back.
    pub wire_up: u64,
    pub wire_down: u64,
    /// Sync bodies only.
    pub body_up: u64,
    pub body_down: u64,
    pub connections: u64,
}

/// A scenario on one link: Taizhang, the baseline and the limit.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    pub scenario: String,
    pub link: LinkSpec,
    pub changes_up: u64,
    pub changes_down: u64,
    pub payload_raw: u64,
    /// zstd of the changes that must travel, each way.
    pub payload_zstd_up: u64,
    pub payload_zstd_down: u64,
    pub limit_s: f64,
    pub taizhang: Session,
    pub automerge: Session,
    pub taizhang_converged: bool,
    pub automerge_converged: bool,
}

/// The dropped link: the first attempt is cut after `cut_after_down` bytes, the second resumes.
#[derive(Debug, Clone, Serialize)]
pub struct DropResume {
    pub link: LinkSpec,
    pub uninterrupted: Session,
    pub cut_after_down: u64,
    pub first_attempt: Session,
    pub first_attempt_error: String,
    /// Batches the first attempt finished (answers applied) and the changes in them.
    pub batches_kept: u32,
    pub changes_kept: u64,
    pub resumed: Session,
    pub changes_total: u64,
    pub changes_received_on_resume: u64,
    /// Changes the resumed session downloaded again although the first attempt had kept them.
    pub changes_resent: i64,
    /// Wire bytes of both attempts over the uninterrupted session's.
    pub overhead_bytes: i64,
    pub converged: bool,
}

/// What authentication costs on a link, outside the sync figures: a sign-in (challenge,
/// signed answer, token: what a device does when its token has expired) and an enrollment
/// with a one-time code.
#[derive(Debug, Clone, Serialize)]
pub struct AuthCost {
    pub link: LinkSpec,
    pub sign_in: Session,
    pub enroll: Session,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub week: Vec<Compared>,
    pub auth: Vec<AuthCost>,
    pub fresh: Vec<Compared>,
    pub drop: Vec<DropResume>,
    pub fresh_village: String,
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 26).unwrap_or_default()
}

/// Runs a Taizhang sync of `ledger` through a fresh shaped link to `upstream`.
async fn taizhang_session(
    ledger: &mut Ledger,
    spec: &LinkSpec,
    upstream: std::net::SocketAddr,
    now: i64,
) -> anyhow::Result<(Session, taizhang_client::SyncReport)> {
    let link = Link::start(spec.clone(), upstream).await?;
    let t = Counting::new(setup::transport(&link.url())?);
    let start = Instant::now();
    let report = clean(ledger.sync(&t, now).await?)?;
    let time_s = start.elapsed().as_secs_f64();
    Ok((session(time_s, report.requests, link.carried(), &t), report))
}

fn session(time_s: f64, requests: u32, c: Carried, t: &Counting) -> Session {
    Session {
        time_s,
        requests,
        wire_up: c.up,
        wire_down: c.down,
        body_up: t.body_up.load(Ordering::SeqCst),
        body_down: t.body_down.load(Ordering::SeqCst),
        connections: c.connections,
    }
}

async fn automerge_session(device: &mut DocSet, server: DocSet, spec: &LinkSpec) -> anyhow::Result<(Session, bool)> {
    let srv = AmServer::start(server).await?;
    let link = Link::start(spec.clone(), srv.addr).await?;
    let start = Instant::now();
    let r = am::sync_over_http(device, 1, &link.url()).await?;
    let time_s = start.elapsed().as_secs_f64();
    let c = link.carried();
    let converged = srv.set.lock().map(|s| s.heads() == device.heads()).unwrap_or(false);
    Ok((
        Session {
            time_s,
            requests: r.requests,
            wire_up: c.up,
            wire_down: c.down,
            body_up: r.bytes_up,
            body_down: r.bytes_down,
            connections: c.connections,
        },
        converged,
    ))
}

/// The week: the team worked `base_days`, synced, then worked a busy week offline; devices 1
/// and 2 synced; device 0 (the first secretary) now syncs over `spec`.
async fn week_on(dir: &Path, n: u32, p: &Params, spec: &LinkSpec) -> anyhow::Result<(Compared, AuthCost)> {
    let server = InProcessServer::start(&Backend::sqlite_in(dir, &format!("week-{n}.sqlite3"))).await?;
    let vs = VillageSpec::new(1000 + n, p.week_households);
    let village = vs.id.0;
    setup::seed_village(server.store.as_ref(), &vs, crate::now_ms()).await?;
    let direct = setup::transport(&server.url)?;
    let mut team = Team::new(server.store.as_ref(), &direct, vs, monday()).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    team.work_days(p.week_base_days, DayPlan::NORMAL)?;
    team.sync_all(&direct, crate::now_ms()).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    let cursor_before = setup::read_whole_log(server.store.as_ref(), village, 0).await?.last().map_or(0, |e| e.seq);

    // The baseline's sync states as the last session left them.
    let mut am_device = DocSet::from_device(&team.devices[0])?;
    let mut am_server = DocSet::from_server(server.store.as_ref(), village).await?;
    am::sync_in_memory(&mut am_device, &mut am_server)?;
    am_device.persist_states()?;
    am_server.persist_states()?;

    team.work_days(7, DayPlan::BUSY_WEEK)?;
    let now = crate::now_ms();
    for d in team.devices[1..].iter_mut() {
        clean(d.sync(&direct, now).await?)?;
    }

    let mut dev = DocSet::from_device(&team.devices[0])?;
    dev.states = std::mem::take(&mut am_device.states);
    let mut srv = DocSet::from_server(server.store.as_ref(), village).await?;
    srv.states = std::mem::take(&mut am_server.states);
    let (automerge, am_ok) = automerge_session(&mut dev, srv, spec).await?;

    // A week away: the device's token (one hour) has long expired, so this one request also
    // authenticates (signed with the device key).
    team.devices[0].forget_token()?;
    let (taizhang, _) = taizhang_session(&mut team.devices[0], spec, server.addr()?, now).await?;
    for d in team.devices[1..].iter_mut() {
        clean(d.sync(&direct, now).await?)?;
    }
    let digests: Vec<String> =
        team.devices.iter().map(|d| d.store().materialised_digest()).collect::<Result<_, _>>()?;
    let tz_ok = digests.windows(2).all(|w| w[0] == w[1]);

    // The payload: the week's changes, split by who made them.
    let me = team.devices[0].actor().clone();
    let log = setup::read_whole_log(server.store.as_ref(), village, cursor_before).await?;
    let (mut up, mut down) = (Vec::new(), Vec::new());
    for e in &log {
        let c = Change::try_from(e.bytes.as_slice()).context("a stored change")?;
        if c.actor_id() == &me {
            up.push(e.bytes.as_slice());
        } else {
            down.push(e.bytes.as_slice());
        }
    }
    let (raw_up, z_up) = zstd_size(up.iter().copied())?;
    let (raw_down, z_down) = zstd_size(down.iter().copied())?;
    let auth = auth_on(&server, &team.spec, &mut team.devices[0], spec).await?;
    let compared = Compared {
        scenario: "week offline (3-person team; the server has the other two devices' week)".into(),
        link: spec.clone(),
        changes_up: up.len() as u64,
        changes_down: down.len() as u64,
        payload_raw: raw_up + raw_down,
        payload_zstd_up: z_up,
        payload_zstd_down: z_down,
        limit_s: spec.limit_s(z_up, z_down),
        taizhang,
        automerge,
        taizhang_converged: tz_ok,
        automerge_converged: am_ok,
    };
    Ok((compared, auth))
}

/// A sign-in of `ledger`, then the enrollment of one more phone of member 0, each through a
/// fresh shaped link (so each pays its TCP handshake).
async fn auth_on(
    server: &InProcessServer,
    vs: &VillageSpec,
    ledger: &mut Ledger,
    spec: &LinkSpec,
) -> anyhow::Result<AuthCost> {
    let link = Link::start(spec.clone(), server.addr()?).await?;
    let t = Counting::new(setup::transport(&link.url())?);
    let start = Instant::now();
    ledger.sign_in(&t).await?;
    let sign_in = session(start.elapsed().as_secs_f64(), t.requests.load(Ordering::SeqCst), link.carried(), &t);

    let code = setup::enrollment_code(server.store.as_ref(), vs, 0, crate::now_ms()).await?;
    let link = Link::start(spec.clone(), server.addr()?).await?;
    let t = Counting::new(setup::transport(&link.url())?);
    let start = Instant::now();
    let phone =
        setup::enroll_device(&t, &code, "bench phone enrolled over the shaped link", DeviceStore::Memory).await?;
    let enroll = session(start.elapsed().as_secs_f64(), t.requests.load(Ordering::SeqCst), link.carried(), &t);
    drop(phone);
    Ok(AuthCost { link: spec.clone(), sign_in, enroll })
}

/// The village a fresh device downloads: `fresh_households` households and `fresh_months`
/// months of the team's logs, all on the server.
async fn fresh_world(dir: &Path, p: &Params) -> anyhow::Result<(InProcessServer, Team)> {
    let server = InProcessServer::start(&Backend::sqlite_in(dir, "fresh.sqlite3")).await?;
    let vs = VillageSpec::new(2000, p.fresh_households);
    setup::seed_village(server.store.as_ref(), &vs, crate::now_ms()).await?;
    let direct = setup::transport(&server.url)?;
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut team = Team::new(server.store.as_ref(), &direct, vs, start).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    let end = start.checked_add_months(chrono::Months::new(p.fresh_months)).unwrap_or(start);
    team.work_until(end, DayPlan::NORMAL)?;
    team.sync_all(&direct, crate::now_ms()).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    Ok((server, team))
}

/// A fresh device over `spec`, twice: the app as it is (documents whole, as saved forms: issue
/// 23) and an app from before saved forms (the log change by change); both next to Automerge's
/// own protocol (run once) and the physical limit of the log's changes.
async fn fresh_on(
    server: &InProcessServer,
    team: &Team,
    spec: &LinkSpec,
    n: u32,
) -> anyhow::Result<(Compared, Compared)> {
    let village = team.spec.id.0;
    let log = setup::read_whole_log(server.store.as_ref(), village, 0).await?;
    let (raw, z) = zstd_size(log.iter().map(|e| e.bytes.as_slice()))?;

    let mut dev = DocSet::default();
    let srv = DocSet::from_server(server.store.as_ref(), village).await?;
    let (automerge, am_ok) = automerge_session(&mut dev, srv, spec).await?;

    let direct = setup::transport(&server.url)?;
    let mut rows = Vec::new();
    for (saved_forms, scenario, k) in [
        (true, "fresh device downloads the whole village (saved forms)", 100),
        (false, "… the same, change by change (an app from before saved forms)", 150),
    ] {
        let mut phone =
            setup::device(server.store.as_ref(), &direct, &team.spec, 0, k + n, DeviceStore::Memory).await?;
        phone.set_saved_forms(saved_forms);
        let (taizhang, _) = taizhang_session(&mut phone, spec, server.addr()?, crate::now_ms()).await?;
        let tz_ok = phone.store().materialised_digest()? == team.devices[0].store().materialised_digest()?;
        rows.push(Compared {
            scenario: scenario.into(),
            link: spec.clone(),
            changes_up: 0,
            changes_down: log.len() as u64,
            payload_raw: raw,
            payload_zstd_up: 0,
            payload_zstd_down: z,
            limit_s: spec.limit_s(0, z),
            taizhang,
            automerge: automerge.clone(),
            taizhang_converged: tz_ok,
            automerge_converged: am_ok,
        });
    }
    let by_change = rows.pop().context("two sessions")?;
    let forms = rows.pop().context("two sessions")?;
    Ok((forms, by_change))
}

async fn drop_on(
    server: &InProcessServer,
    team: &Team,
    spec: &LinkSpec,
    uninterrupted: &Session,
    n: u32,
) -> anyhow::Result<DropResume> {
    let village = team.spec.id.0;
    let log = setup::read_whole_log(server.store.as_ref(), village, 0).await?;
    let direct = setup::transport(&server.url)?;
    let mut phone = setup::device(server.store.as_ref(), &direct, &team.spec, 0, 200 + n, DeviceStore::Memory).await?;
    // Change by change, so that "changes kept" reads off the cursor (the resumption of a
    // download of saved forms is `tests/tests/fresh_device.rs`).
    phone.set_saved_forms(false);
    let link = Link::start(spec.clone(), server.addr()?).await?;
    let cut = uninterrupted.wire_down / 2;
    link.cut_after_down(cut);
    let t1 = Counting::new(setup::transport(&link.url())?);
    let start = Instant::now();
    let first = phone.sync(&t1, crate::now_ms()).await;
    let first_time = start.elapsed().as_secs_f64();
    let first_error = match first {
        Ok(_) => bail!("the link was to be cut after {cut} bytes but the sync finished"),
        Err(e) => e.to_string(),
    };
    let c1 = link.carried();
    let first_attempt = session(first_time, t1.requests.load(Ordering::SeqCst), c1, &t1);
    let cursor = phone.sync_cursor()?;
    let kept = log.iter().filter(|e| e.seq <= cursor).count() as u64;

    link.restore();
    let t2 = Counting::new(setup::transport(&link.url())?);
    let start = Instant::now();
    let report = clean(phone.sync(&t2, crate::now_ms()).await?)?;
    let resumed = session(start.elapsed().as_secs_f64(), report.requests, link.carried().since(c1), &t2);
    let total = log.len() as u64;
    let received = u64::from(report.changes_received);
    let converged = phone.store().materialised_digest()? == team.devices[0].store().materialised_digest()?;
    Ok(DropResume {
        link: spec.clone(),
        uninterrupted: uninterrupted.clone(),
        cut_after_down: cut,
        first_attempt,
        first_attempt_error: first_error,
        batches_kept: t1.answered(),
        changes_kept: kept,
        resumed: resumed.clone(),
        changes_total: total,
        changes_received_on_resume: received,
        changes_resent: received as i64 - (total - kept) as i64,
        overhead_bytes: (c1.down + c1.up + resumed.wire_down + resumed.wire_up) as i64
            - (uninterrupted.wire_down + uninterrupted.wire_up) as i64,
        converged,
    })
}

pub async fn run(dir: &Path, p: &Params) -> anyhow::Result<Results> {
    let (mut week, mut auth) = (Vec::new(), Vec::new());
    for (n, spec) in p.links.iter().enumerate() {
        eprintln!("[link] week offline over {}", spec.name);
        let (w, a) = week_on(dir, n as u32, p, spec).await?;
        week.push(w);
        auth.push(a);
    }
    eprintln!("[link] building the fresh device's village");
    let (server, team) = fresh_world(dir, p).await?;
    let mut fresh = Vec::new();
    let mut drop = Vec::new();
    for (n, spec) in p.links.iter().enumerate() {
        eprintln!("[link] fresh download over {}", spec.name);
        let (forms, by_change) = fresh_on(&server, &team, spec, n as u32).await?;
        eprintln!("[link] dropped link and resume over {}", spec.name);
        drop.push(drop_on(&server, &team, spec, &by_change.taizhang, n as u32).await?);
        fresh.push(forms);
        fresh.push(by_change);
    }
    let counts = team.devices[0].store().counts()?;
    Ok(Results {
        week,
        auth,
        fresh,
        drop,
        fresh_village: format!(
            "{} households, {} months: {} visits, {} diary entries, {} check-ins",
            p.fresh_households, p.fresh_months, counts.visits, counts.diary_entries, counts.check_ins
        ),
    })
}
