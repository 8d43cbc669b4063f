//! A synthetic year of a village's work (check-ins, diary, visits, leave, filings) written
//! into its documents the way devices would (one change per record, each member's own actor),
//! for the county view's demo villages and its benchmark (200 villages × 4 members × one year).
//! Deterministic from a seed; no IO, no clock. The records are plausible: most members are in
//! the village nearly every working day and take a few spells of leave of different kinds
//! (事假, 病假, 因公外出, 培训, 轮休); a few miss days or diary entries, some months are not filed,
//! so the county view's tiered flag has something real to find without flagging everyone.

use std::collections::BTreeMap;

use automerge::transaction::CommitOptions;
use automerge::{ActorId, Automerge};
use chrono::{Datelike, NaiveDate, Weekday};
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, GeoPoint, Geofence, Household, HouseholdId, HouseholdStatus,
    LeaveId, LeaveRequest, LeaveState, Member, MemberId, MonthFiling, PovertyCause, Role, SplitMix64, Timestamp,
    Village, VillageId, Visit, VisitId, YearMonth,
};
use uuid::Uuid;

use crate::{write, DocError, DocId, FilingRecord, Record, VillageRecord};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthSpec {
    pub seed: u64,
    pub village: VillageId,
    pub name: String,
    pub township: String,
    pub county: String,
    /// Team size (the first is the first secretary).
    pub members: usize,
    pub households: usize,
    /// The first and last day of work generated (inclusive, Asia/Shanghai).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The moment of generation (UTC ms), if `to` is today: nothing is dated after it (today's
    /// later records have not happened yet; a record dated after the server received it would
    /// be flagged 时间存疑, issue 17). A check-in due after it is made a minute before it.
    pub not_after: Option<Timestamp>,
}

/// A generated village: its documents and the records in them.
#[derive(Debug)]
pub struct SynthVillage {
    pub members: Vec<Member>,
    pub households: Vec<Household>,
    pub docs: Vec<(DocId, Automerge)>,
    /// Records written, over all documents.
    pub records: usize,
}

const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "罗"];
const GIVEN: [&str; 20] = [
    "德明", "秀英", "国强", "桂兰", "志华", "玉梅", "建军", "春花", "永福", "金凤", "文华", "小红", "正德", "海燕",
    "光荣", "丽娟", "树林", "翠兰", "长青", "月娥",
];
const UNITS: [&str; 5] = ["县委组织部", "县农业农村局", "县教育局", "县卫健局", "镇政府"];
const DIARY: [&str; 8] = [
    "走访脱贫户，了解春耕备耕情况，协调化肥种子。",
    "召开院坝会，宣传医保缴费政策。",
    "与村两委研究产业项目，整理申报材料。",
    "陪同镇里检查组核查两不愁三保障落实情况。",
    "调解邻里土地纠纷，双方达成一致。",
    "整理防返贫监测台账，更新三户收入数据。",
    "到合作社查看蔬菜基地用工情况。",
    "上党课：学习乡村振兴政策文件。",
];
const FINDINGS: [&str; 6] = [
    "家中老人患慢性病，按时服药，家庭医生签约已落实",
    "两个孩子在镇中学就读，享受教育资助",
    "今年种植烤烟八亩，长势良好，预计增收",
    "房屋屋顶漏雨，已登记危房改造需求",
    "外出务工收入稳定，家中留守老人身体尚可",
    "养殖生猪五头，需要防疫技术指导",
];

/// UTC milliseconds of `date` at `h:m` in Asia/Shanghai.
fn at(date: NaiveDate, h: u32, m: u32) -> Timestamp {
    debug_assert!(h < 24 && m < 60, "{h}:{m}");
    date.and_hms_opt(h, m, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(0) - 8 * 3_600_000
}

/// The documents being written, each with its writer.
struct Docs(BTreeMap<DocId, Automerge>, usize);

impl Docs {
    fn put<R: Record>(&mut self, id: DocId, actor: &ActorId, record: &R, time: Timestamp) -> Result<(), DocError> {
        let doc = self.0.entry(id).or_insert_with(|| Automerge::new().with_actor(actor.clone()));
        doc.set_actor(actor.clone());
        let mut tx = doc.transaction();
        write(&mut tx, record)?;
        tx.commit_with(CommitOptions::default().with_time(time));
        self.1 += 1;
        Ok(())
    }
}

fn actor_of(id: Uuid, salt: u8) -> ActorId {
    let mut bytes = id.as_bytes().to_vec();
    bytes[15] ^= salt;
    ActorId::from(bytes)
}

/// Generates `spec`'s village year.
pub fn village_year(spec: &SynthSpec) -> Result<SynthVillage, DocError> {
    let mut rng = SplitMix64::new(spec.seed ^ 0x7a1_2ba6);
    let base = spec.village.0.as_u128();
    let members: Vec<Member> = (0..spec.members)
        .map(|i| Member {
            id: MemberId(Uuid::from_u128(base ^ (0x1_0000 + i as u128))),
            name: format!("{}{}", SURNAMES[rng.below(16) as usize], GIVEN[rng.below(20) as usize]),
            role: if i == 0 { Role::FirstSecretary } else { Role::TeamMember },
            helping_unit: UNITS[i % UNITS.len()].to_string(),
            term_start: spec.from,
            term_end: None,
        })
        .collect();
    let households: Vec<Household> = (0..spec.households)
        .map(|i| Household {
            id: HouseholdId(Uuid::from_u128(base ^ (0x2_0000_0000 + i as u128))),
            head: format!("{}{}", SURNAMES[i % 16], GIVEN[(i / 16 + i) % 20]),
            members_count: 1 + (i % 6) as u32,
            group: format!("{}组", 1 + i % 8),
            grid: format!("网格{}", 1 + i % 4),
            status: HouseholdStatus::ALL[i % 3],
            causes: vec![PovertyCause::ALL[i % 12]],
            helper: Some(members[i % members.len().max(1)].id),
            plan: "发展特色种植，稳定务工收入".into(),
            income_yuan: Some(6000 + (i as i64 * 137) % 9000),
            details: Default::default(),
        })
        .collect();

    let mut docs = Docs(BTreeMap::new(), 0);
    let registry_actor = actor_of(spec.village.0, 0xad);
    let village = Village {
        id: spec.village,
        name: spec.name.clone(),
        county: spec.county.clone(),
        township: spec.township.clone(),
        geofence: Geofence { centre: GeoPoint { lat: 26.1286, lon: 106.6570 }, radius_m: 1500.0 },
    };
    let start = at(spec.from, 8, 0);
    docs.put(DocId::Registry, &registry_actor, &VillageRecord(village), start)?;
    for m in &members {
        docs.put(DocId::Registry, &registry_actor, m, start)?;
    }
    for h in &households {
        docs.put(DocId::Registry, &registry_actor, h, start)?;
    }

    let cap = spec.not_after.unwrap_or(Timestamp::MAX);
    let secretary = members.first().map(|m| (m.id, actor_of(m.id.0, 0)));
    for (i, m) in members.iter().enumerate() {
        let actor = actor_of(m.id.0, 0);
        // Each member has their own habits: most are in the village nearly every working day,
        // one in eight misses a few days a month, one in sixteen misses many (so the county's
        // tiered flag has real gaps to find among villages that are fine).
        let weekday_presence = match rng.below(16) {
            0..=13 => 1.0,
            14 => 0.995,
            _ => 0.97,
        };
        let diary_care = [0.995, 0.99, 0.95][rng.below(3) as usize];
        // A few spells of leave a year, of the kinds of seed 003's 请销假, all approved and
        // reported back (销假) on the day after the last one (the day back at work).
        let days = (spec.to - spec.from).num_days().max(1) as u64;
        let mut leave = Vec::new();
        let spells = 2 + rng.below(3);
        for _ in 0..spells {
            let (kind, reason) = match rng.below(5) {
                0 => (taizhang_domain::LeaveKind::Personal, "家中有事"),
                1 => (taizhang_domain::LeaveKind::Sick, "感冒发烧就医"),
                2 => (taizhang_domain::LeaveKind::OfficialTrip, "到县里争取产业项目资金"),
                3 => (taizhang_domain::LeaveKind::Training, "参加县里集中培训"),
                _ => (taizhang_domain::LeaveKind::Rest, "周末加班后轮休"),
            };
            let from = spec.from + chrono::Duration::days(rng.below(days) as i64);
            let to = (from + chrono::Duration::days(rng.below(3) as i64)).min(spec.to);
            let filed = at(from, 7, 0) - 86_400_000 * 3;
            let l = LeaveRequest {
                id: LeaveId(rng.uuid_v7(filed)),
                member: m.id,
                from,
                to,
                reason: reason.into(),
                state: LeaveState::Approved,
                decided_by: secretary.as_ref().map(|s| s.0).filter(|s| *s != m.id),
                kind,
                returned_on: to.succ_opt(),
            };
            docs.put(DocId::for_leave(&l), &actor, &l, filed.min(cap))?;
            leave.push((from, to));
        }
        for d in spec.from.iter_days().take_while(|d| *d <= spec.to) {
            let on_leave = leave.iter().any(|(f, t)| *f <= d && d <= *t);
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            // Weekends: the team takes turns so that someone is in the village every day.
            let on_duty = d.ordinal() as usize % members.len() == i;
            let present =
                !on_leave && (if weekend { on_duty || rng.chance(0.5) } else { rng.chance(weekday_presence) });
            if present {
                let late = rng.below(90) as u32;
                let t = at(d, 8 + late / 60, late % 60).min(cap - 60_000);
                let c = CheckIn {
                    id: CheckInId(rng.uuid_v7(t)),
                    member: m.id,
                    at: t,
                    kind: CheckKind::In,
                    location: None,
                    in_geofence: None,
                };
                docs.put(DocId::for_check_in(&c), &actor, &c, t)?;
                for _ in 0..rng.below(3) {
                    if households.is_empty() {
                        break;
                    }
                    let h = &households[rng.below(households.len() as u64) as usize];
                    let t = at(d, 10 + rng.below(6) as u32, rng.below(60) as u32);
                    let v = Visit {
                        id: VisitId(rng.uuid_v7(t)),
                        household: h.id,
                        member: m.id,
                        at: t,
                        location: None,
                        findings: FINDINGS[rng.below(6) as usize].into(),
                        needs: String::new(),
                        follow_up: String::new(),
                        amends: None,
                        attachments: Vec::new(),
                    };
                    if t <= cap {
                        docs.put(DocId::for_visit(&v), &actor, &v, t)?;
                    }
                }
                let t = at(d, 17, 30 + rng.below(30) as u32);
                let c = CheckIn {
                    id: CheckInId(rng.uuid_v7(t)),
                    member: m.id,
                    at: t,
                    kind: CheckKind::Out,
                    location: None,
                    in_geofence: None,
                };
                if t <= cap {
                    docs.put(DocId::for_check_in(&c), &actor, &c, t)?;
                }
            }
            if !on_leave && !weekend && rng.chance(if present { diary_care } else { diary_care - 0.25 }) {
                let t = at(d, 21, rng.below(60) as u32);
                let e = DiaryEntry {
                    id: DiaryId(rng.uuid_v7(t)),
                    member: m.id,
                    date: d,
                    text: DIARY[rng.below(8) as usize].into(),
                    amends: None,
                    written_at: t,
                    attachments: Vec::new(),
                };
                if t <= cap {
                    docs.put(DocId::for_diary(&e), &actor, &e, t)?;
                }
            }
        }
        // The first secretary files the finished months of each member (very rarely one is missed).
        if let Some((sid, sactor)) = &secretary {
            let mut month = YearMonth::of(spec.from);
            while month < YearMonth::of(spec.to) {
                if !rng.chance(0.004) {
                    let t = at(month.next().first_day(), 9, 0).min(cap);
                    let f = MonthFiling { member: m.id, month, filed_by: *sid, filed_at: t };
                    docs.put(DocId::for_filing(month), sactor, &FilingRecord(f), t)?;
                }
                month = month.next();
            }
        }
    }
    // The village ledger comes from a random stream of its own, so a seed's check-ins, diary,
    // visits and leave stay what they were before the ledger was generated.
    ledger(&mut docs, &mut SplitMix64::new(spec.seed ^ 0x1ed_9e22), spec, &members, &households, cap)?;
    let records = docs.1;
    Ok(SynthVillage { members, households, docs: docs.0.into_iter().collect(), records })
}

const TOPICS: [&str; 5] = [
    "研究产业发展项目申报，安排春耕生产",
    "讨论防返贫监测户帮扶措施",
    "商议村道维护和饮水安全",
    "部署人居环境整治工作",
    "研究村集体经济合作社分红方案",
];

/// The village ledger (村级工作台账, issue 22) of the generated year: a village committee meeting
/// each month (attendance sometimes not counted: unknown), a party lecture each quarter, a
/// symposium each half-year, recorded by the first secretary that evening; and three projects
/// of the team — a road (民生实事, done with its result once its day has come), a vegetable
/// greenhouse (帮扶专案, underway, for some households) and street lights (民生实事, planned) —
/// with their progress. Nothing is dated after `spec.to` or written after `cap`.
fn ledger(
    docs: &mut Docs,
    rng: &mut SplitMix64,
    spec: &SynthSpec,
    members: &[Member],
    households: &[Household],
    cap: Timestamp,
) -> Result<(), DocError> {
    use taizhang_domain::{
        Funding, Meeting, MeetingId, MeetingKind, ProgressId, ProgressUpdate, Project, ProjectId, ProjectKind,
        ProjectState,
    };
    let Some(first) = members.first() else { return Ok(()) };
    let actor = actor_of(first.id.0, 0);
    let mut month = YearMonth::of(spec.from);
    while month <= YearMonth::of(spec.to) {
        let mut held = vec![(5 + rng.below(6) as u32, MeetingKind::Committee)];
        if month.month.is_multiple_of(3) {
            held.push((20 + rng.below(5) as u32, MeetingKind::PartyLecture));
        }
        if month.month % 6 == 4 {
            held.push((14, MeetingKind::Symposium));
        }
        for (d, kind) in held {
            let Some(date) = NaiveDate::from_ymd_opt(month.year, month.month, d) else { continue };
            let t = at(date, 20, rng.below(60) as u32);
            if date < spec.from || date > spec.to || t > cap {
                continue;
            }
            let (led_by, topics, decisions) = match kind {
                MeetingKind::PartyLecture => {
                    (first.name.clone(), "上党课：学习乡村振兴政策文件".to_string(), String::new())
                }
                MeetingKind::Symposium => (
                    "村支书".to_string(),
                    "脱贫户座谈：产业和务工情况".to_string(),
                    "汇总群众需求，下月逐户回复".to_string(),
                ),
                _ => (
                    "村支书".to_string(),
                    TOPICS[rng.below(TOPICS.len() as u64) as usize].to_string(),
                    "形成会议纪要，按分工落实".to_string(),
                ),
            };
            let m = Meeting {
                id: MeetingId(rng.uuid_v7(t)),
                date,
                kind,
                led_by,
                attendance: if rng.chance(0.25) { None } else { Some(8 + rng.below(25) as u32) },
                topics,
                decisions,
                recorded_by: first.id,
                recorded_at: t,
            };
            docs.put(DocId::Registry, &actor, &m, t)?;
        }
        month = month.next();
    }
    let span = (spec.to - spec.from).num_days().max(0);
    let day = |num: i64, den: i64| spec.from + chrono::Duration::days(span * num / den);
    // (name, kind, funding, households that benefit, started at this share of the span, done).
    type Plan = (&'static str, ProjectKind, Funding, usize, Option<(i64, i64)>, bool);
    let plans: [Plan; 3] = [
        (
            "组组通硬化路",
            ProjectKind::Practical,
            Funding { collective: Some(20_000), fiscal: Some(300_000), ..Funding::default() },
            0,
            Some((1, 6)),
            true,
        ),
        (
            "蔬菜大棚扶贫车间",
            ProjectKind::Aid,
            Funding { urban_rural: Some(150_000), party_fees: Some(10_000), ..Funding::default() },
            6,
            Some((1, 2)),
            false,
        ),
        (
            "太阳能路灯",
            ProjectKind::Practical,
            Funding { party_fees: Some(30_000), ..Funding::default() },
            0,
            None,
            false,
        ),
    ];
    for (name, kind, funding, benefit, start_share, done) in plans {
        // A planned project was put on the ledger a week before the end.
        let started = start_share.map(|(num, den)| day(num, den));
        let created =
            started.unwrap_or_else(|| day(1, 1) - chrono::Duration::days(7).min(chrono::Duration::days(span)));
        let t = at(created, 16, 0);
        if t > cap {
            continue;
        }
        let mut p = Project {
            id: ProjectId(rng.uuid_v7(t)),
            name: name.to_string(),
            kind,
            funding,
            households: households.iter().take(benefit).map(|h| h.id).collect(),
            state: if started.is_some() { ProjectState::Underway } else { ProjectState::Planned },
            started_on: started,
            created_by: first.id,
            created_at: t,
            closed_on: None,
            closed_by: None,
            result: String::new(),
        };
        docs.put(DocId::Registry, &actor, &p, t)?;
        let Some(start) = started else { continue };
        for (k, text) in ["完成方案和招投标", "主体施工过半"].into_iter().enumerate() {
            let d = start + chrono::Duration::days((spec.to - start).num_days().max(0) * (k as i64 + 1) / 4);
            let ut = at(d, 18, 0);
            if ut > cap || d > spec.to {
                continue;
            }
            let u = ProgressUpdate {
                id: ProgressId(rng.uuid_v7(ut)),
                project: p.id,
                day: d,
                text: text.to_string(),
                by: first.id,
                at: ut,
                attachments: Vec::new(),
            };
            docs.put(DocId::Registry, &actor, &u, ut)?;
        }
        if done {
            let d = start + chrono::Duration::days((spec.to - start).num_days().max(0) * 3 / 4);
            let ct = at(d, 19, 0);
            if ct <= cap && d <= spec.to {
                p.state = ProjectState::Done;
                p.closed_on = Some(d);
                p.closed_by = Some(first.id);
                p.result = "硬化村组道路3.2公里，通组到户".to_string();
                docs.put(DocId::Registry, &actor, &p, ct)?;
                docs.1 -= 1; // an edit of a record already counted, not a record of its own
            }
        }
    }
    situation_and_plans(docs, rng, spec, first, households.len(), cap)
}

/// `d` moved into the span (its first or last day when it lies outside).
fn in_span(d: NaiveDate, spec: &SynthSpec) -> NaiveDate {
    d.clamp(spec.from, spec.to.max(spec.from))
}

/// The village situation (村情) of the year before the span and of the span's last year, a
/// three-year goal, the last year's plan (one item done, one open, due at the year's end) and
/// the responsibility letter, each written by the first secretary (issue 22).
fn situation_and_plans(
    docs: &mut Docs,
    rng: &mut SplitMix64,
    spec: &SynthSpec,
    first: &Member,
    households: usize,
    cap: Timestamp,
) -> Result<(), DocError> {
    use chrono::Datelike;
    use taizhang_domain::{Cadre, Education, PlanId, PlanItem, PlanKind, PlanState, VillageSituation};
    let actor = actor_of(first.id.0, 0);
    let year = spec.to.year();
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    let income = 40_000 + 1_000 * rng.below(60) as i64;
    for (y, income) in [(year - 1, income * 4 / 5), (year, income)] {
        let Some(day) = NaiveDate::from_ymd_opt(y, 3, 10).map(|d| in_span(d, spec)).filter(|d| d.year() == y) else {
            continue;
        };
        let t = at(day, 21, 0);
        if t > cap {
            continue;
        }
        let x = VillageSituation {
            population: Some(n(households * 3 + households / 2)),
            households: Some(n(households)),
            committee: vec![
                Cadre {
                    name: "村支书".into(),
                    post: "村党支部书记、村委会主任".into(),
                    birth_year: Some(1970 + rng.below(15) as i32),
                    education: Some(Education::Senior),
                },
                Cadre {
                    name: "村会计".into(),
                    post: "村委会委员".into(),
                    birth_year: None,
                    education: Some(Education::Junior),
                },
            ],
            party_members: Some(n(households / 10 + 5)),
            collective_income_yuan: Some(income),
            income_sources: "光伏电站收益、集体山林承包".into(),
            income_per_head_yuan: None,
            industries: "茶叶、生猪养殖".into(),
            roads: "主干道已硬化，两个组的通组路未硬化".into(),
            water: "集中供水全覆盖".into(),
            network: "4G 覆盖村部，高山组信号弱".into(),
            problems: "集体经济收入来源单一，青壮年外出务工多".into(),
            ..VillageSituation::empty(y, first.id, t)
        };
        docs.put(DocId::Registry, &actor, &x, t)?;
    }
    let Some(start) = NaiveDate::from_ymd_opt(year, 1, 15).map(|d| in_span(d, spec)).filter(|d| d.year() == year)
    else {
        return Ok(());
    };
    let t = at(start, 21, 30);
    if t > cap {
        return Ok(());
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31);
    let item = |rng: &mut SplitMix64, kind, y, title: &str, target: &str, due| PlanItem {
        id: PlanId(rng.uuid_v7(t)),
        kind,
        year: y,
        title: title.into(),
        target: target.into(),
        due,
        state: PlanState::Open,
        result: String::new(),
        closed_on: None,
        recorded_by: first.id,
        recorded_at: t,
        attachments: Vec::new(),
    };
    let goal = item(
        rng,
        PlanKind::ThreeYear,
        year,
        "壮大村集体经济",
        "村集体经济收入年均增长10%",
        NaiveDate::from_ymd_opt(year + 2, 12, 31),
    );
    let lights = item(rng, PlanKind::Yearly, year, "安装太阳能路灯", "主干道路灯全覆盖", end);
    let training = item(
        rng,
        PlanKind::Yearly,
        year,
        "组织茶叶技术培训",
        "培训两期、100人次",
        NaiveDate::from_ymd_opt(year, 6, 30),
    );
    let letter =
        item(rng, PlanKind::Letter, year, "派出单位", "驻村工作目标责任书：走访全覆盖、办好民生实事", Some(start));
    for p in [&goal, &lights, &training, &letter] {
        docs.put(DocId::Registry, &actor, p, t)?;
    }
    // The training was held by the end of June: closed done.
    if let Some(done) = NaiveDate::from_ymd_opt(year, 6, 28).filter(|d| *d <= spec.to) {
        let ct = at(done, 20, 0);
        if ct <= cap {
            let closed = PlanItem {
                state: PlanState::Done,
                closed_on: Some(done),
                result: "培训两期，112人次".into(),
                ..training
            };
            docs.put(DocId::Registry, &actor, &closed, ct)?;
            docs.1 -= 1; // an edit of a record already counted
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_all;

    fn spec(seed: u64) -> SynthSpec {
        SynthSpec {
            seed,
            village: VillageId(Uuid::from_u128(0x5a)),
            name: "测试村".into(),
            township: "测试镇".into(),
            county: "测试县".into(),
            members: 4,
            households: 30,
            from: NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
            to: NaiveDate::from_ymd_opt(2025, 3, 31).expect("date"),
            not_after: None,
        }
    }

    #[test]
    fn a_seed_gives_the_same_village_and_documents_hold_their_records() {
        let a = village_year(&spec(7)).expect("generate");
        let b = village_year(&spec(7)).expect("generate");
        assert_eq!(a.records, b.records);
        let heads = |v: &SynthVillage| v.docs.iter().map(|(id, d)| (*id, d.get_heads())).collect::<Vec<_>>();
        assert_eq!(heads(&a), heads(&b), "deterministic");
        // 1 registry + 1 team year + 4 members × 3 months of logs.
        assert_eq!(a.docs.len(), 1 + 1 + 4 * 3);
        let mut check_ins = 0;
        for (id, doc) in &a.docs {
            if let DocId::Log { member, .. } = id {
                let (ins, bad) = read_all::<CheckIn>(doc);
                assert!(bad.is_empty());
                assert!(ins.iter().all(|c| c.record.member == *member), "a log holds its owner's records");
                check_ins += ins.len();
            }
        }
        assert!(check_ins > 4 * 2 * 40, "most weekdays of 90 have an in and out check-in: {check_ins}");
    }

    #[test]
    fn the_generated_village_has_a_ledger_of_meetings_and_projects_within_its_days() {
        use taizhang_domain::{Meeting, MeetingKind, ProgressUpdate, Project, ProjectState};
        let s = spec(7);
        let v = village_year(&s).expect("generate");
        let registry = &v.docs.iter().find(|(id, _)| *id == DocId::Registry).expect("registry").1;
        let (meetings, bad) = read_all::<Meeting>(registry);
        assert!(bad.is_empty());
        assert!(meetings.iter().all(|m| s.from <= m.record.date && m.record.date <= s.to));
        let kinds: Vec<MeetingKind> = meetings.iter().map(|m| m.record.kind).collect();
        assert_eq!(kinds.iter().filter(|k| **k == MeetingKind::Committee).count(), 3, "one a month: {kinds:?}");
        assert!(kinds.contains(&MeetingKind::PartyLecture), "a lecture in March: {kinds:?}");
        let (projects, _) = read_all::<Project>(registry);
        let mut states: Vec<ProjectState> = projects.iter().map(|p| p.record.state).collect();
        states.sort();
        assert_eq!(states, [ProjectState::Planned, ProjectState::Underway, ProjectState::Done]);
        let done = projects.iter().find(|p| p.record.state == ProjectState::Done).expect("done");
        assert!(done.record.closed_on.is_some_and(|d| d <= s.to) && !done.record.result.is_empty());
        let (progress, _) = read_all::<ProgressUpdate>(registry);
        assert!(progress.iter().all(|u| projects.iter().any(|p| p.record.id == u.record.project)));
        assert_eq!(progress.len(), 4, "two updates for each project started");
    }
}
