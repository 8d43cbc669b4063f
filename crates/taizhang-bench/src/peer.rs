//! Scenario: a week of a three-person team exchanged phone to phone with no network (issue 20),
//! and what relaying costs the server. The three phones sync once (registry, certificates),
//! work a week offline, then meet pairwise over the encrypted peer channel on this machine's
//! loopback (A↔B, B↔C, A↔B: afterwards every phone holds everything); one phone then reaches
//! the server and pushes the whole team's week, each change under its author's signature.
//! The same week of a second village, pushed by each phone for itself, is the baseline the
//! relay is compared with. Measured: time, bytes and changes of each exchange, and the relayed
//! push against the three direct ones (time, bytes up, changes).

use std::time::Instant;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use serde::Serialize;
use taizhang_client::Ledger;

use crate::data::{DayPlan, Team, VillageSpec};
use crate::setup::{self, Backend, InProcessServer};

#[derive(Debug, Clone)]
pub struct Params {
    pub households: usize,
    pub days: u32,
    pub plan: DayPlan,
    pub backend: Backend,
}

/// One phone-to-phone exchange.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub pair: String,
    pub time_ms: f64,
    /// Bytes on the wire, both directions (the Noise channel's frames).
    pub bytes: u64,
    pub changes: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeerFigures {
    pub backend: &'static str,
    pub households: usize,
    pub days: u32,
    pub visits_per_day: u32,
    /// Records the week made on the three phones (check-ins, visits, diary entries).
    pub records: usize,
    pub exchanges: Vec<Exchange>,
    /// Every phone ends with the same counts of records.
    pub converged: bool,
    /// One phone pushes the team's week (its own changes and its teammates', signed).
    pub relayed: Push,
    /// The two other phones' next syncs (nothing new for the server by then).
    pub after_relay: Push,
    /// The same week of another village, each phone pushing its own.
    pub direct: Push,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Push {
    pub requests: u32,
    pub time_ms: f64,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub changes: u32,
    /// Of those, changes the server did not have yet.
    pub new_on_server: u32,
}

fn start() -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 6, 2).context("date")
}

fn records(l: &Ledger) -> anyhow::Result<(usize, usize, usize)> {
    let c = l.store().counts()?;
    Ok((c.check_ins, c.visits, c.diary_entries))
}

/// A team on `server` that synced once (registry, certificates) and then worked offline.
async fn team(server: &InProcessServer, index: u32, p: &Params) -> anyhow::Result<Team> {
    let direct = setup::transport(&server.url)?;
    let spec = VillageSpec::new(index, p.households);
    setup::seed_village(server.store.as_ref(), &spec, crate::now_ms()).await?;
    let mut team = Team::new(server.store.as_ref(), &direct, spec, start()?).await?;
    team.sync_all(&direct, crate::now_ms()).await?;
    for d in team.devices.iter_mut() {
        d.refresh_peer_credentials(&direct).await.context("peer certificates")?;
    }
    team.work_days(p.days, p.plan)?;
    Ok(team)
}

/// Phone `a` offers, phone `b` joins, over loopback TCP.
async fn exchange(devices: &mut [Ledger], a: usize, b: usize) -> anyhow::Result<Exchange> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
    let (lo, hi) = devices.split_at_mut(b.max(a));
    let (offer, join) = if a < b { (&mut lo[a], &mut hi[0]) } else { (&mut hi[0], &mut lo[b]) };
    let now = crate::now_ms();
    let t = Instant::now();
    let (served, joined) = tokio::join!(offer.peer_serve_one(&listener, &code, now), join.peer_sync(addr, &code, now));
    let time_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (served, joined) = (served?, joined?);
    if !served.refused.is_empty() || !joined.refused.is_empty() {
        bail!("a teammate's changes were refused: {:?} {:?}", served.refused, joined.refused);
    }
    Ok(Exchange {
        pair: format!("{}↔{}", (b'A' + a as u8) as char, (b'A' + b as u8) as char),
        time_ms,
        bytes: served.bytes_in + served.bytes_out,
        changes: served.changes_sent + served.changes_received,
    })
}

async fn push(device: &mut Ledger, server: &InProcessServer, total: &mut Push) -> anyhow::Result<()> {
    let direct = setup::transport(&server.url)?;
    let t = Instant::now();
    let r = device.sync(&direct, crate::now_ms()).await?;
    total.time_ms += t.elapsed().as_secs_f64() * 1000.0;
    if !r.rejected.is_empty() {
        bail!("the server refused: {:?}", r.rejected);
    }
    total.requests += r.requests;
    total.bytes_up += r.bytes_up;
    total.bytes_down += r.bytes_down;
    total.changes += r.changes_pushed;
    total.new_on_server += r.changes_new_on_server;
    Ok(())
}

pub async fn run(p: &Params) -> anyhow::Result<PeerFigures> {
    let server = InProcessServer::start(&p.backend).await?;

    // The relayed week: exchanges, then phone C alone reaches the server.
    let mut relay_team = team(&server, 70, p).await?;
    let d = &mut relay_team.devices;
    let mut recorded = 0;
    for l in d.iter() {
        let (c, v, e) = records(l)?;
        recorded += c + v + e;
    }
    let before = records(&d[0])?;
    let mut exchanges = Vec::new();
    for (a, b) in [(0, 1), (1, 2), (0, 1)] {
        exchanges.push(exchange(d, a, b).await?);
    }
    let all = [records(&d[0])?, records(&d[1])?, records(&d[2])?];
    let converged = all.iter().all(|r| *r == all[0]) && all[0] != before;
    let mut relayed = Push::default();
    push(&mut d[2], &server, &mut relayed).await?;
    // The other two find their changes on the server already. A sync is one request that
    // pushes what the phone has not yet seen acknowledged by the server, so each sends the
    // week it holds once more (the server stores nothing new): measured, not hidden.
    let mut after = Push::default();
    for phone in d.iter_mut().take(2) {
        push(phone, &server, &mut after).await?;
    }
    if after.new_on_server != 0 {
        bail!("the relay missed {} change(s) that the other phones then pushed", after.new_on_server);
    }

    // The baseline: the same week of another village, each phone pushing its own.
    let mut direct_team = team(&server, 71, p).await?;
    let mut direct = Push::default();
    for d in direct_team.devices.iter_mut() {
        push(d, &server, &mut direct).await?;
    }

    Ok(PeerFigures {
        backend: p.backend.label(),
        households: p.households,
        days: p.days,
        visits_per_day: p.plan.visits,
        records: recorded,
        exchanges,
        converged,
        relayed,
        after_relay: after,
        direct,
    })
}

pub fn markdown(f: &PeerFigures, header: &str) -> String {
    let mut s = format!(
        "{header}\n\n# Team sync with no network (issue 20)\n\n\
         A team of three phones works {} days ({} visits a day each, a check-in and a diary entry \
         a day; {} records in all) with no network, then meets pairwise over the encrypted peer \
         channel (Noise `NNpsk0`, TCP on this machine's loopback: the radio of a real hotspot is \
         not measured). Server backend: {}.\n\n\
         | exchange | time | bytes (both ways) | changes |\n|---|---:|---:|---:|\n",
        f.days, f.visits_per_day, f.records, f.backend
    );
    for e in &f.exchanges {
        s.push_str(&format!("| {} | {:.0} ms | {} | {} |\n", e.pair, e.time_ms, e.bytes, e.changes));
    }
    s.push_str(&format!(
        "\nEvery phone holds the same records afterwards: **{}**.\n\n\
         ## The relay's cost at the server\n\n\
         | push | requests | time | bytes up | bytes down | changes |\n|---|---:|---:|---:|---:|---:|\n\
         | one phone relays the team's week (signed, judged per author) | {} | {:.0} ms | {} | {} | {} |\n\
         | the two other phones' next syncs (the server has everything: {} new) | {} | {:.0} ms | {} | {} | {} |\n\
         | each phone pushes its own week (another village, same work) | {} | {:.0} ms | {} | {} | {} |\n\n\
         The relay's extra against the direct pushes: {:+.0} ms and {:+} bytes up for the whole \
         week ({:+.1} % bytes), before the other phones' next syncs: a sync is one request that \
         sends what the server has not acknowledged to this phone, so each phone sends the team's \
         week it holds once more (its own and what it received from teammates) and the server \
         keeps nothing new from it.\n",
        if f.converged { "yes" } else { "NO" },
        f.relayed.requests,
        f.relayed.time_ms,
        f.relayed.bytes_up,
        f.relayed.bytes_down,
        f.relayed.changes,
        f.after_relay.new_on_server,
        f.after_relay.requests,
        f.after_relay.time_ms,
        f.after_relay.bytes_up,
        f.after_relay.bytes_down,
        f.after_relay.changes,
        f.direct.requests,
        f.direct.time_ms,
        f.direct.bytes_up,
        f.direct.bytes_down,
        f.direct.changes,
        f.relayed.time_ms - f.direct.time_ms,
        f.relayed.bytes_up as i64 - f.direct.bytes_up as i64,
        if f.direct.bytes_up > 0 {
            (f.relayed.bytes_up as f64 - f.direct.bytes_up as f64) * 100.0 / f.direct.bytes_up as f64
        } else {
            0.0
        },
    ));
    s
}
