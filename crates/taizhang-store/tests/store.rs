//! The local store's contract as the client relies on it: records round-trip through the
//! materialised tables, searches and day counts are right, document chunks keep their order,
//! two devices that materialise the same records hold identical tables, and nothing is lost
//! when the file is reopened.

use chrono::NaiveDate;
use taizhang_doc::{FieldConflict, Read};
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, GeoPoint, Geofence, GpsFix, Household, HouseholdId,
    HouseholdStatus, LeaveId, LeaveKind, LeaveRequest, LeaveState, Member, MemberId, MonthFiling, MonthScoreSheet,
    PovertyCause, Role, ScoreItem, ScoreItemKind, ScoreState, Village, VillageId, Visit, VisitId, YearMonth,
};
use taizhang_store::{rusqlite, Counts, HouseholdQuery, Row, Store, StoreError, StoreTx, COMPACT_AFTER_CHUNKS};
use uuid::Uuid;

type R = Result<(), StoreError>;

/// 2026-11-25 00:00 in Shanghai (2026-11-24T16:00:00Z).
const MIDNIGHT: i64 = 1_795_536_000_000;
const HOUR: i64 = 3_600_000;
const REGISTRY: &str = "registry";
const TEAM: &str = "team/2026";

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + n)
}
fn member_id(n: u128) -> MemberId {
    MemberId(uuid(0x100 + n))
}
fn household_id(n: u128) -> HouseholdId {
    HouseholdId(uuid(0x200 + n))
}
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}
fn nov() -> YearMonth {
    YearMonth { year: 2026, month: 11 }
}
fn log_doc(member: MemberId) -> String {
    format!("log/{member}/2026-11")
}
fn read<T>(record: T) -> Read<T> {
    Read { record, conflicts: Vec::new() }
}
fn row<T>(record: T, doc: &str) -> Row<T> {
    Row { record, conflicts: Vec::new(), doc: doc.to_string() }
}

fn village() -> Village {
    Village {
        id: VillageId(uuid(1)),
        name: "石门村".into(),
        county: "惠水县".into(),
        township: "石门镇".into(),
        geofence: Geofence { centre: GeoPoint { lat: 26.13, lon: 106.65 }, radius_m: 1500.0 },
    }
}

fn member(n: u128, name: &str, role: Role) -> Member {
    Member {
        id: member_id(n),
        name: name.into(),
        role,
        helping_unit: "县委组织部".into(),
        term_start: date(2026, 1, 1),
        term_end: if n == 2 { Some(date(2027, 12, 31)) } else { None },
    }
}

fn household(n: u128, head: &str, group: &str, grid: &str, status: HouseholdStatus) -> Household {
    Household {
        id: household_id(n),
        head: head.into(),
        members_count: 3 + n as u32,
        group: group.into(),
        grid: grid.into(),
        status,
        causes: if n.is_multiple_of(2) { vec![PovertyCause::Illness, PovertyCause::LackOfFunds] } else { vec![] },
        helper: if n.is_multiple_of(2) { Some(member_id(1)) } else { None },
        plan: "发展养殖".into(),
        income_yuan: if n.is_multiple_of(2) { Some(8_000 + n as i64) } else { None },
        details: Default::default(),
    }
}

fn households() -> Vec<Household> {
    vec![
        household(1, "王大山", "一组", "Grid-A", HouseholdStatus::RegisteredPoor),
        household(2, "李小红", "二组", "grid-b", HouseholdStatus::LiftedOut),
        household(3, "王二", "一组", "Grid-B", HouseholdStatus::Monitored),
        household(4, "张三", "二组", "grid-a", HouseholdStatus::RegisteredPoor),
        household(5, "Wang Wu", "三组", "C区", HouseholdStatus::RegisteredPoor),
    ]
}

fn visit(n: u128, h: u128, m: u128, at: i64, located: bool) -> Visit {
    Visit {
        id: VisitId(uuid(0x300 + n)),
        household: household_id(h),
        member: member_id(m),
        at,
        location: located.then_some(GpsFix { point: GeoPoint { lat: 26.131, lon: 106.651 }, accuracy_m: Some(12.5) }),
        findings: format!("走访 {n}"),
        needs: "需要技术培训".into(),
        follow_up: String::new(),
        amends: None,
        attachments: Vec::new(),
    }
}

fn diary(n: u128, m: u128, d: NaiveDate, written_at: i64, amends: Option<u128>) -> DiaryEntry {
    DiaryEntry {
        id: DiaryId(uuid(0x400 + n)),
        member: member_id(m),
        date: d,
        text: format!("民情日记 {n}"),
        amends: amends.map(|a| DiaryId(uuid(0x400 + a))),
        written_at,
        attachments: Vec::new(),
    }
}

fn check_in(n: u128, m: u128, at: i64, kind: CheckKind) -> CheckIn {
    CheckIn {
        id: CheckInId(uuid(0x500 + n)),
        member: member_id(m),
        at,
        kind,
        location: (n.is_multiple_of(2))
            .then_some(GpsFix { point: GeoPoint { lat: 26.13, lon: 106.65 }, accuracy_m: None }),
        in_geofence: (n.is_multiple_of(2)).then_some(true),
    }
}

fn leave(n: u128, m: u128, from: NaiveDate, state: LeaveState) -> LeaveRequest {
    LeaveRequest {
        id: LeaveId(uuid(0x600 + n)),
        member: member_id(m),
        from,
        to: from + chrono::Days::new(2),
        reason: "回家探亲".into(),
        state,
        decided_by: (state != LeaveState::Pending).then_some(member_id(1)),
        kind: Default::default(),
        returned_on: None,
    }
}

fn filing(m: u128, month: YearMonth) -> MonthFiling {
    MonthFiling { member: member_id(m), month, filed_by: member_id(1), filed_at: MIDNIGHT + 7 * 24 * HOUR }
}

/// Everything the fixture village holds, as one write each (a test fixture: the variants' sizes
/// do not matter).
#[allow(clippy::large_enum_variant)]
enum Put {
    Village(Village),
    Member(Member),
    Household(Household),
    Visit(Visit),
    Diary(DiaryEntry),
    CheckIn(CheckIn),
    Leave(LeaveRequest),
    Filing(MonthFiling),
}

fn put(tx: &StoreTx<'_>, p: &Put) -> R {
    match p {
        Put::Village(v) => tx.put_village(v),
        Put::Member(m) => tx.put_member(REGISTRY, &read(m.clone())),
        Put::Household(h) => tx.put_household(REGISTRY, &read(h.clone())),
        Put::Visit(v) => tx.put_visit(&log_doc(v.member), &read(v.clone())),
        Put::Diary(d) => tx.put_diary(&log_doc(d.member), &read(d.clone())),
        Put::CheckIn(c) => tx.put_check_in(&log_doc(c.member), &read(c.clone())),
        Put::Leave(l) => tx.put_leave(TEAM, &read(l.clone())),
        Put::Filing(f) => tx.put_filing(TEAM, f),
    }
}

fn fixture() -> Vec<Put> {
    let mut all = vec![
        Put::Village(village()),
        Put::Member(member(1, "李明", Role::FirstSecretary)),
        Put::Member(member(2, "王芳", Role::TeamMember)),
    ];
    all.extend(households().into_iter().map(Put::Household));
    all.extend([
        Put::Visit(visit(1, 1, 1, MIDNIGHT + 10 * HOUR, true)),
        Put::Visit(visit(2, 1, 2, MIDNIGHT + 30 * HOUR, false)),
        Put::Visit(visit(3, 2, 1, MIDNIGHT + 20 * HOUR, false)),
        Put::Diary(diary(1, 1, date(2026, 11, 25), MIDNIGHT + 20 * HOUR, None)),
        Put::Diary(diary(2, 1, date(2026, 11, 3), MIDNIGHT + 21 * HOUR, None)),
        Put::Diary(diary(3, 1, date(2026, 11, 25), MIDNIGHT + 19 * HOUR, Some(1))),
        Put::Diary(diary(4, 2, date(2026, 11, 25), MIDNIGHT + 19 * HOUR, None)),
        Put::Diary(diary(5, 1, date(2026, 12, 1), MIDNIGHT + 200 * HOUR, None)),
        Put::CheckIn(check_in(1, 1, MIDNIGHT + 9 * HOUR, CheckKind::In)),
        Put::CheckIn(check_in(2, 1, MIDNIGHT + 18 * HOUR, CheckKind::Out)),
        Put::CheckIn(check_in(3, 2, MIDNIGHT + 8 * HOUR, CheckKind::In)),
        Put::Leave(leave(1, 2, date(2026, 12, 1), LeaveState::Pending)),
        Put::Leave(leave(2, 1, date(2026, 10, 1), LeaveState::Approved)),
        Put::Filing(filing(1, YearMonth { year: 2026, month: 10 })),
        Put::Filing(filing(2, nov())),
    ]);
    all
}

fn fill(store: &mut Store, items: &[&Put]) -> R {
    let tx = store.transaction()?;
    for p in items {
        put(&tx, p)?;
    }
    tx.commit()
}

fn filled() -> Result<Store, StoreError> {
    let mut store = Store::open_in_memory()?;
    let f = fixture();
    fill(&mut store, &f.iter().collect::<Vec<_>>())?;
    Ok(store)
}

fn heads(query: &HouseholdQuery, store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(store.households(query)?.into_iter().map(|r| r.record.head).collect())
}

#[test]
fn village_and_members_round_trip() -> R {
    let store = filled()?;
    assert_eq!(store.village()?, Some(village()));
    assert_eq!(
        store.members()?,
        vec![
            row(member(1, "李明", Role::FirstSecretary), REGISTRY),
            row(member(2, "王芳", Role::TeamMember), REGISTRY)
        ]
    );
    assert!(store.member_exists(member_id(1))?);
    assert!(!store.member_exists(member_id(9))?);
    assert_eq!(Store::open_in_memory()?.village()?, None);
    Ok(())
}

#[test]
fn households_round_trip_with_conflicts() -> R {
    let mut store = filled()?;
    for h in households() {
        assert_eq!(store.household(h.id)?, Some(row(h.clone(), REGISTRY)));
        assert!(store.household_exists(h.id)?);
    }
    assert_eq!(store.household(household_id(99))?, None);
    assert!(!store.household_exists(household_id(99))?);

    let conflicts = vec![FieldConflict { field: "head".into(), values: vec!["王大山".into(), "王大三".into()] }];
    let tx = store.transaction()?;
    tx.put_household(REGISTRY, &Read { record: households()[0].clone(), conflicts: conflicts.clone() })?;
    tx.commit()?;
    let got = store.household(household_id(1))?;
    assert_eq!(got.map(|r| r.conflicts), Some(conflicts));
    Ok(())
}

#[test]
fn household_search_by_text_group_status() -> R {
    let store = filled()?;
    let all = heads(&HouseholdQuery::default(), &store)?;
    // Ordered by group then head (binary order of the group names).
    let mut expected: Vec<(String, String)> = households().into_iter().map(|h| (h.group, h.head)).collect();
    expected.sort();
    assert_eq!(all, expected.into_iter().map(|(_, h)| h).collect::<Vec<_>>());
    assert_eq!(all.len(), 5);

    let q = |text: Option<&str>, group: Option<&str>, status: Option<HouseholdStatus>| HouseholdQuery {
        text: text.map(String::from),
        group: group.map(String::from),
        status,
        ..HouseholdQuery::default()
    };
    assert_eq!(heads(&q(Some("王"), None, None), &store)?, vec!["王二", "王大山"]);
    // Grid substring, ASCII case-insensitive: Grid-A and grid-a.
    assert_eq!(heads(&q(Some("GRID-a"), None, None), &store)?, vec!["王大山", "张三"]);
    // Pinyin (issue 16): "wang" is the full pinyin of 王 too; initials and spaced pinyin work.
    assert_eq!(heads(&q(Some("wang"), None, None), &store)?, vec!["王二", "王大山", "Wang Wu"]);
    assert_eq!(heads(&q(Some("WDS"), None, None), &store)?, vec!["王大山"]);
    assert_eq!(heads(&q(Some("li xiao"), None, None), &store)?, vec!["李小红"]);
    assert_eq!(heads(&q(Some("wangw"), None, None), &store)?, vec!["Wang Wu"]);
    assert_eq!(heads(&q(Some("c区"), None, None), &store)?, vec!["Wang Wu"]);
    assert_eq!(heads(&q(Some("  "), None, None), &store)?.len(), 5, "blank text matches everything");
    assert_eq!(heads(&q(Some("%"), None, None), &store)?, Vec::<String>::new(), "no LIKE wildcards");
    assert_eq!(heads(&q(None, Some("一组"), None), &store)?, vec!["王二", "王大山"]);
    let poor = heads(&q(None, None, Some(HouseholdStatus::RegisteredPoor)), &store)?;
    // 一组 < 三组 < 二组 in code-point order.
    assert_eq!(poor, vec!["王大山", "Wang Wu", "张三"]);
    assert_eq!(heads(&q(Some("grid-b"), Some("一组"), Some(HouseholdStatus::Monitored)), &store)?, vec!["王二"]);
    assert_eq!(heads(&q(Some("grid-b"), Some("一组"), Some(HouseholdStatus::LiftedOut)), &store)?.len(), 0);
    let limited = HouseholdQuery { limit: Some(2), ..HouseholdQuery::default() };
    assert_eq!(heads(&limited, &store)?, all[..2].to_vec());
    Ok(())
}

#[test]
fn visits_round_trip_and_order() -> R {
    let store = filled()?;
    let of_h1 = store.visits_of_household(household_id(1))?;
    assert_eq!(
        of_h1,
        vec![
            row(visit(2, 1, 2, MIDNIGHT + 30 * HOUR, false), &log_doc(member_id(2))),
            row(visit(1, 1, 1, MIDNIGHT + 10 * HOUR, true), &log_doc(member_id(1))),
        ],
        "newest first, location kept"
    );
    let ids = |v: Vec<Row<Visit>>| v.into_iter().map(|r| r.record.id).collect::<Vec<_>>();
    let day = (MIDNIGHT, MIDNIGHT + 24 * HOUR);
    assert_eq!(ids(store.visits(None, day.0, day.1)?), vec![VisitId(uuid(0x301)), VisitId(uuid(0x303))]);
    assert_eq!(
        ids(store.visits(Some(member_id(1)), MIDNIGHT, MIDNIGHT + 100 * HOUR)?),
        vec![VisitId(uuid(0x301)), VisitId(uuid(0x303))]
    );
    assert_eq!(ids(store.visits(Some(member_id(2)), day.0, day.1)?), vec![]);
    // Half-open: `to` is excluded, `from` included.
    assert_eq!(ids(store.visits(None, MIDNIGHT + 10 * HOUR, MIDNIGHT + 20 * HOUR)?), vec![VisitId(uuid(0x301))]);
    Ok(())
}

#[test]
fn diary_by_member_and_month() -> R {
    let store = filled()?;
    let got = store.diary(member_id(1), nov())?;
    let doc = log_doc(member_id(1));
    assert_eq!(
        got,
        vec![
            row(diary(2, 1, date(2026, 11, 3), MIDNIGHT + 21 * HOUR, None), &doc),
            row(diary(3, 1, date(2026, 11, 25), MIDNIGHT + 19 * HOUR, Some(1)), &doc),
            row(diary(1, 1, date(2026, 11, 25), MIDNIGHT + 20 * HOUR, None), &doc),
        ],
        "by date, then written_at; other members and months excluded"
    );
    assert_eq!(store.diary(member_id(1), YearMonth { year: 2026, month: 12 })?.len(), 1);
    assert!(store.diary_entry_exists(DiaryId(uuid(0x401)))?);
    assert!(!store.diary_entry_exists(DiaryId(uuid(0x4ff)))?);
    Ok(())
}

#[test]
fn check_ins_round_trip_by_time() -> R {
    let store = filled()?;
    let all = store.check_ins(None, MIDNIGHT, MIDNIGHT + 24 * HOUR)?;
    let doc1 = log_doc(member_id(1));
    assert_eq!(
        all,
        vec![
            row(check_in(3, 2, MIDNIGHT + 8 * HOUR, CheckKind::In), &log_doc(member_id(2))),
            row(check_in(1, 1, MIDNIGHT + 9 * HOUR, CheckKind::In), &doc1),
            row(check_in(2, 1, MIDNIGHT + 18 * HOUR, CheckKind::Out), &doc1),
        ]
    );
    assert!(all[2].record.location.is_some() && all[2].record.in_geofence == Some(true));
    let mine = store.check_ins(Some(member_id(1)), MIDNIGHT, MIDNIGHT + 24 * HOUR)?;
    assert_eq!(mine.len(), 2);
    assert_eq!(store.check_ins(Some(member_id(1)), MIDNIGHT, MIDNIGHT + 9 * HOUR)?.len(), 0);
    Ok(())
}

#[test]
fn leaves_and_filings_round_trip() -> R {
    let store = filled()?;
    assert_eq!(
        store.leaves(None)?,
        vec![
            row(leave(2, 1, date(2026, 10, 1), LeaveState::Approved), TEAM),
            row(leave(1, 2, date(2026, 12, 1), LeaveState::Pending), TEAM),
        ]
    );
    assert_eq!(store.leaves(Some(member_id(2)))?, vec![row(leave(1, 2, date(2026, 12, 1), LeaveState::Pending), TEAM)]);
    assert_eq!(store.leaves(Some(member_id(9)))?, vec![]);

    assert_eq!(store.filings()?, vec![filing(1, YearMonth { year: 2026, month: 10 }), filing(2, nov())]);
    assert!(store.month_filed(member_id(2), nov())?);
    assert!(!store.month_filed(member_id(1), nov())?);
    assert!(store.month_filed(member_id(1), YearMonth { year: 2026, month: 10 })?);
    Ok(())
}

#[test]
fn counts_count_every_kind() -> R {
    let store = filled()?;
    assert_eq!(
        store.counts()?,
        Counts {
            households: 5,
            members: 2,
            visits: 3,
            diary_entries: 5,
            check_ins: 3,
            leaves: 2,
            filings: 2,
            ..Counts::default()
        }
    );
    assert_eq!(Store::open_in_memory()?.counts()?, Counts::default());
    Ok(())
}

#[test]
fn upsert_replaces_and_remove_record_deletes_only_that_docs_row() -> R {
    let mut store = filled()?;
    let mut h = households()[0].clone();
    h.head = "王大山(改)".into();
    h.causes = vec![PovertyCause::Disaster];
    let tx = store.transaction()?;
    tx.put_household(REGISTRY, &read(h.clone()))?;
    tx.commit()?;
    assert_eq!(store.household(h.id)?.map(|r| r.record), Some(h.clone()));
    assert_eq!(store.counts()?.households, 5);

    let tx = store.transaction()?;
    tx.remove_record("log/other/2026-11", &format!("household/{}", h.id))?; // wrong doc: kept
    tx.remove_record(REGISTRY, &format!("household/{}", h.id))?;
    tx.remove_record(&log_doc(member_id(1)), &format!("visit/{}", uuid(0x301)))?;
    tx.remove_record(&log_doc(member_id(1)), &format!("diary/{}", uuid(0x401)))?;
    tx.remove_record(&log_doc(member_id(1)), &format!("checkin/{}", uuid(0x501)))?;
    tx.remove_record(TEAM, &format!("leave/{}", uuid(0x601)))?;
    tx.remove_record(TEAM, &format!("filing/2026-11-{}", member_id(2)))?;
    tx.remove_record(REGISTRY, &format!("member/{}", member_id(2)))?;
    tx.remove_record(REGISTRY, "village/info")?;
    tx.remove_record(REGISTRY, "photo/whatever")?; // a kind from a newer version: ignored
    tx.remove_record(REGISTRY, "nonsense")?;
    tx.commit()?;
    assert_eq!(store.household(h.id)?, None);
    assert!(!store.month_filed(member_id(2), nov())?);
    assert_eq!(store.village()?, None);
    assert_eq!(
        store.counts()?,
        Counts {
            households: 4,
            members: 1,
            visits: 2,
            diary_entries: 4,
            check_ins: 2,
            leaves: 1,
            filings: 1,
            ..Counts::default()
        }
    );
    Ok(())
}

#[test]
fn a_dropped_transaction_rolls_back() -> R {
    let mut store = filled()?;
    {
        let tx = store.transaction()?;
        tx.remove_record(REGISTRY, &format!("household/{}", household_id(1)))?;
        tx.append_chunk(REGISTRY, b"lost")?;
        tx.set_meta("cursor", "9")?;
    }
    assert!(store.household_exists(household_id(1))?);
    assert!(store.load_docs()?.is_empty());
    assert_eq!(store.meta("cursor")?, None);
    Ok(())
}

#[test]
fn days_in_village_counts_distinct_shanghai_dates() -> R {
    let mut store = Store::open_in_memory()?;
    let m = 7;
    let min = 60_000;
    let tx = store.transaction()?;
    for c in [
        check_in(10, m, MIDNIGHT - 30 * min, CheckKind::In), // 23:30 on 11-24 (15:30Z)
        check_in(11, m, MIDNIGHT + 30 * min, CheckKind::In), // 00:30 on 11-25 (16:30Z, still 11-24 in UTC)
        check_in(12, m, MIDNIGHT + 9 * HOUR, CheckKind::In), // 11-25 again
        check_in(13, m, MIDNIGHT + 33 * HOUR, CheckKind::Out), // 11-26: only a check-out
        check_in(14, m, MIDNIGHT + 24 * 9 * HOUR, CheckKind::In), // 12-04
        check_in(15, m + 1, MIDNIGHT + 34 * HOUR, CheckKind::In), // someone else on 11-26
    ] {
        tx.put_check_in(&log_doc(c.member), &read(c))?;
    }
    tx.commit()?;
    let days = store.days_in_village(member_id(m), date(2026, 11, 1), date(2026, 11, 30))?;
    assert_eq!(days, vec![date(2026, 11, 24), date(2026, 11, 25)]);
    // Bounds are inclusive.
    assert_eq!(
        store.days_in_village(member_id(m), date(2026, 11, 25), date(2026, 12, 4))?,
        vec![date(2026, 11, 25), date(2026, 12, 4)]
    );
    assert_eq!(store.days_in_village(member_id(m), date(2026, 11, 26), date(2026, 12, 3))?, vec![]);
    assert_eq!(
        store.days_in_village(member_id(m + 1), date(2026, 1, 1), date(2026, 12, 31))?,
        vec![date(2026, 11, 26)]
    );
    Ok(())
}

#[test]
fn chunks_append_replace_and_load_in_order() -> R {
    let mut store = Store::open_in_memory()?;
    let tx = store.transaction()?;
    assert_eq!(tx.append_chunk("team/2026", b"t0")?, 1);
    assert_eq!(tx.append_chunk(REGISTRY, b"r0")?, 1);
    assert_eq!(tx.append_chunk(REGISTRY, b"r1")?, 2);
    assert_eq!(tx.append_chunk("team/2026", b"t1")?, 2);
    assert_eq!(tx.append_chunk(REGISTRY, b"r2")?, 3);
    tx.commit()?;
    let b = |s: &str| s.as_bytes().to_vec();
    assert_eq!(
        store.load_docs()?,
        vec![
            (REGISTRY.to_string(), vec![b("r0"), b("r1"), b("r2")]),
            ("team/2026".to_string(), vec![b("t0"), b("t1")]),
        ]
    );

    let tx = store.transaction()?;
    tx.replace_chunks(REGISTRY, b"snapshot")?;
    assert_eq!(tx.append_chunk(REGISTRY, b"r3")?, 2);
    tx.commit()?;
    assert_eq!(
        store.load_docs()?,
        vec![(REGISTRY.to_string(), vec![b("snapshot"), b("r3")]), ("team/2026".to_string(), vec![b("t0"), b("t1")])]
    );

    // The count append_chunk returns is what tells the caller to compact.
    let tx = store.transaction()?;
    let mut n = 0;
    for i in 0..COMPACT_AFTER_CHUNKS {
        n = tx.append_chunk("team/2027", &[i as u8])?;
    }
    assert_eq!(n, COMPACT_AFTER_CHUNKS);
    tx.commit()?;
    Ok(())
}

#[test]
fn confirmed_heads_and_meta_round_trip() -> R {
    let mut store = Store::open_in_memory()?;
    assert_eq!(store.confirmed_heads(REGISTRY)?, Vec::<[u8; 32]>::new());
    let heads = [[1u8; 32], [0xab; 32], [7; 32]];
    let tx = store.transaction()?;
    tx.set_confirmed_heads(REGISTRY, &heads)?;
    tx.set_confirmed_heads(TEAM, &heads[..1])?;
    tx.set_meta("device", "abc")?;
    tx.commit()?;
    assert_eq!(store.confirmed_heads(REGISTRY)?, heads.to_vec());
    assert_eq!(store.confirmed_heads(TEAM)?, vec![[1u8; 32]]);

    let tx = store.transaction()?;
    tx.set_confirmed_heads(REGISTRY, &heads[1..])?;
    tx.set_confirmed_heads(TEAM, &[])?;
    tx.set_meta("device", "def")?;
    tx.commit()?;
    assert_eq!(store.confirmed_heads(REGISTRY)?, heads[1..].to_vec());
    assert_eq!(store.confirmed_heads(TEAM)?, Vec::<[u8; 32]>::new());
    assert_eq!(store.meta("device")?.as_deref(), Some("def"));
    assert_eq!(store.meta("nothing")?, None);
    Ok(())
}

#[test]
fn digest_is_order_independent_and_sees_edits() -> R {
    let f = fixture();
    let mut a = Store::open_in_memory()?;
    fill(&mut a, &f.iter().collect::<Vec<_>>())?;

    // Another device: reverse order, several transactions, a stale version first.
    let mut b = Store::open_in_memory()?;
    let mut stale = households()[1].clone();
    stale.plan = "旧的计划".into();
    fill(&mut b, &[&Put::Household(stale)])?;
    let rev: Vec<&Put> = f.iter().rev().collect();
    fill(&mut b, &rev[..10])?;
    fill(&mut b, &rev[10..])?;
    assert_eq!(a.materialised_digest()?, b.materialised_digest()?);
    // Chunks and bookkeeping are not part of it.
    let tx = b.transaction()?;
    tx.append_chunk(REGISTRY, b"x")?;
    tx.set_meta("k", "v")?;
    tx.commit()?;
    assert_eq!(a.materialised_digest()?, b.materialised_digest()?);

    let digest = a.materialised_digest()?;
    for table in [
        "[village]",
        "[members]",
        "[households]",
        "[visits]",
        "[diary_entries]",
        "[check_ins]",
        "[leave_requests]",
        "[filings]",
    ] {
        assert!(digest.contains(table), "{table} missing from digest");
    }
    assert!(digest.contains("王大山"));

    // One field edit anywhere shows.
    let mut edited = visit(3, 2, 1, MIDNIGHT + 20 * HOUR, false);
    edited.needs = "需要资金".into();
    let tx = b.transaction()?;
    tx.put_visit(&log_doc(member_id(1)), &read(edited))?;
    tx.commit()?;
    assert_ne!(a.materialised_digest()?, b.materialised_digest()?);

    // A conflict alone shows too.
    let mut c = filled()?;
    let tx = c.transaction()?;
    let conflicts = vec![FieldConflict { field: "text".into(), values: vec!["a".into(), "b".into()] }];
    tx.put_diary(
        &log_doc(member_id(1)),
        &Read { record: diary(1, 1, date(2026, 11, 25), MIDNIGHT + 20 * HOUR, None), conflicts },
    )?;
    tx.commit()?;
    assert_ne!(digest, c.materialised_digest()?);
    Ok(())
}

#[test]
fn reopening_a_file_store_keeps_everything() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("taizhang.sqlite");
    let (digest, docs) = {
        let mut store = Store::open(&path)?;
        let f = fixture();
        fill(&mut store, &f.iter().collect::<Vec<_>>())?;
        let tx = store.transaction()?;
        tx.append_chunk(REGISTRY, b"snapshot")?;
        tx.append_chunk(REGISTRY, b"change")?;
        tx.set_confirmed_heads(REGISTRY, &[[9; 32]])?;
        tx.set_meta("cursor", "42")?;
        tx.commit()?;
        (store.materialised_digest()?, store.load_docs()?)
    };
    let store = Store::open(&path)?;
    assert_eq!(store.materialised_digest()?, digest);
    assert_eq!(store.load_docs()?, docs);
    assert_eq!(store.confirmed_heads(REGISTRY)?, vec![[9; 32]]);
    assert_eq!(store.meta("cursor")?.as_deref(), Some("42"));
    assert_eq!(store.village()?, Some(village()));
    assert_eq!(store.counts()?.diary_entries, 5);

    // Opened with the promised settings.
    let conn = rusqlite::Connection::open(&path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    let versions: Vec<i64> = conn
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    assert_eq!(versions, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    Ok(())
}

#[test]
fn a_store_from_a_newer_app_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("taizhang.sqlite");
    drop(Store::open(&path)?);
    {
        let conn = rusqlite::Connection::open(&path)?;
        conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (15, 'later')", [])?;
    }
    let err = Store::open(&path).err();
    assert!(matches!(err, Some(StoreError::SchemaTooNew { found: 15, .. })), "{err:?}");
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("this store was written by a newer version of Taizhang (schema 15); update the app"), "{msg}");
    Ok(())
}

#[test]
fn an_unreadable_file_says_where_and_what_to_do() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("not-a-db.sqlite");
    std::fs::write(&path, vec![0x42u8; 4096])?;
    let err = Store::open(&path).err();
    assert!(matches!(err, Some(StoreError::Open { .. })), "{err:?}");
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains(&path.display().to_string()) && msg.contains("permissions"), "{msg}");
    Ok(())
}

#[test]
fn the_sync_journal_keeps_the_newest_sessions() -> Result<(), Box<dyn std::error::Error>> {
    use taizhang_store::{SyncJournalEntry, JOURNAL_KEEP};
    let mut store = Store::open_in_memory()?;
    assert_eq!(store.last_successful_sync()?, None);
    let n = JOURNAL_KEEP + 4; // the newest (odd) session failed
    for i in 0..n {
        let tx = store.transaction()?;
        let ok = i % 2 == 0;
        tx.journal_sync(&SyncJournalEntry {
            at: i,
            ok,
            requests: 1,
            error: (!ok).then(|| "无法连接服务器".to_string()),
            ..Default::default()
        })?;
        tx.commit()?;
    }
    let all = store.sync_journal(u32::MAX)?;
    assert_eq!(all.len() as i64, JOURNAL_KEEP, "trimmed");
    assert_eq!(all[0].at, n - 1, "newest first");
    assert_eq!(all[0].error.as_deref(), Some("无法连接服务器"));
    assert_eq!(store.last_successful_sync()?.map(|e| e.at), Some(n - 2));
    Ok(())
}

#[test]
fn a_leaves_kind_and_report_back_round_trip() -> R {
    let mut store = Store::open_in_memory()?;
    let mut trip = leave(3, 2, date(2026, 11, 10), LeaveState::Approved);
    trip.kind = LeaveKind::OfficialTrip;
    trip.returned_on = Some(date(2026, 11, 11));
    let mut training = leave(4, 2, date(2026, 11, 20), LeaveState::Withdrawn);
    training.kind = LeaveKind::Training;
    let tx = store.transaction()?;
    tx.put_leave(TEAM, &read(trip.clone()))?;
    tx.put_leave(TEAM, &read(training.clone()))?;
    tx.commit()?;
    assert_eq!(store.leaves(Some(member_id(2)))?, vec![row(trip, TEAM), row(training, TEAM)]);
    Ok(())
}

/// A store written by schema 2 (leave rows without kind) opens migrated in place: its rows
/// read as 事假 with no report back, and the ledger is asked to read the leave again.
#[test]
fn a_schema_2_store_migrates_its_leave_rows_in_place() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&path)?;
        taizhang_store::migrate(
            &conn,
            &[
                (1, include_str!("../../../migrations/client/0001_init.sql")),
                (2, include_str!("../../../migrations/client/0002_sync_journal.sql")),
            ],
        )?;
        conn.execute(
            "INSERT INTO leave_requests (id, member, from_date, to_date, reason, state, decided_by, doc)
             VALUES (?1, ?2, '2026-10-01', '2026-10-03', '回家探亲', 'approved', ?3, 'team/2026')",
            [uuid(0x602).to_string(), member_id(1).to_string(), member_id(1).to_string()],
        )?;
    }
    let store = Store::open(&path)?;
    assert_eq!(store.leaves(None)?, vec![row(leave(2, 1, date(2026, 10, 1), LeaveState::Approved), TEAM)]);
    assert_eq!(store.meta("rematerialise_leave")?.as_deref(), Some("1"));
    Ok(())
}

fn score_sheet(member: u128, state: ScoreState) -> MonthScoreSheet {
    MonthScoreSheet {
        member: member_id(member),
        month: nov(),
        items: vec![
            ScoreItem { kind: ScoreItemKind::Bonus, points: 0.5, reason: "协调修通组组路".into() },
            ScoreItem { kind: ScoreItemKind::Deduction, points: 1.0, reason: "两天未写民情日记".into() },
        ],
        note: "总体良好".into(),
        scored_by: member_id(1),
        scored_at: MIDNIGHT + 40 * 24 * HOUR,
        state,
        checked_by: (state != ScoreState::Entered).then(|| uuid(0x900)),
        checked_at: (state != ScoreState::Entered).then_some(MIDNIGHT + 41 * 24 * HOUR),
        check_note: if state == ScoreState::Returned { "加分依据不足".into() } else { String::new() },
        audited_by: (state == ScoreState::Audited).then(|| uuid(0x901)),
        audited_at: (state == ScoreState::Audited).then_some(MIDNIGHT + 42 * 24 * HOUR),
        audit_points: (state == ScoreState::Audited).then_some(9.0),
        audit_note: if state == ScoreState::Audited { "按县里核定".into() } else { String::new() },
    }
}

/// A score sheet (月度考核) round-trips with its items, its chain state and who set what, and
/// goes when its key leaves the team document.
#[test]
fn score_sheets_round_trip_by_month_and_are_removed_by_key() -> R {
    let mut store = Store::open_in_memory()?;
    let (returned, audited) = (score_sheet(2, ScoreState::Returned), score_sheet(3, ScoreState::Audited));
    let mut dec = audited.clone();
    dec.month = YearMonth { year: 2026, month: 12 };
    let tx = store.transaction()?;
    tx.put_score_sheet(TEAM, &read(returned.clone()))?;
    tx.put_score_sheet(TEAM, &read(audited.clone()))?;
    tx.put_score_sheet(TEAM, &read(dec.clone()))?;
    tx.commit()?;
    assert_eq!(store.score_sheets(nov())?, vec![row(returned.clone(), TEAM), row(audited.clone(), TEAM)]);
    assert_eq!(store.score_sheet(member_id(3), dec.month)?, Some(row(dec, TEAM)));
    assert_eq!(store.counts()?.score_sheets, 3);
    let tx = store.transaction()?;
    tx.remove_record("team/2025", &format!("score/2026-11-{}", member_id(2)))?; // another doc: kept
    tx.commit()?;
    assert_eq!(store.score_sheets(nov())?.len(), 2);
    let tx = store.transaction()?;
    tx.remove_record(TEAM, &format!("score/2026-11-{}", member_id(2)))?;
    tx.commit()?;
    assert_eq!(store.score_sheets(nov())?, vec![row(audited, TEAM)]);
    assert_eq!(store.score_sheet(member_id(2), nov())?, None);
    Ok(())
}

/// Issue 16: the roster is materialised per person, listed head first, and a household is
/// found by a family member's name (characters or pinyin), its door number or its phone.
#[test]
fn family_members_list_and_find_their_household() -> R {
    use taizhang_domain::{FamilyMember, HouseholdDetails, PersonId, Relation};
    let mut store = filled()?;
    let person = |n: u128, name: &str, relation: Relation, born: i32| FamilyMember {
        id: PersonId(uuid(0x900 + n)),
        household: household_id(2),
        name: name.into(),
        relation,
        birth_year: Some(born),
        health: None,
        work_ability: None,
        schooling: None,
        disability_grade: None,
        medical_insurance: None,
        pension_insurance: None,
        id_number: String::new(),
        id_entered_by: None,
        left: false,
    };
    let tx = store.transaction()?;
    for p in [
        person(1, "赵小兵", Relation::Grandchild, 2015),
        person(2, "李小红", Relation::Head, 1958),
        person(3, "周桂芳", Relation::Spouse, 1960),
    ] {
        tx.put_family_member(REGISTRY, &Read { record: p, conflicts: Vec::new() })?;
    }
    let mut h4 = households()[3].clone();
    h4.details =
        HouseholdDetails { door_number: "37号".into(), phone: "13912345678".into(), ..HouseholdDetails::default() };
    tx.put_household(REGISTRY, &Read { record: h4.clone(), conflicts: Vec::new() })?;
    tx.commit()?;

    let roster: Vec<String> = store.family_members(household_id(2))?.into_iter().map(|p| p.record.name).collect();
    assert_eq!(roster, vec!["李小红", "周桂芳", "赵小兵"], "head first, then oldest first");
    assert_eq!(store.household(h4.id)?.map(|r| r.record.details), Some(h4.details));

    let q = |text: &str| HouseholdQuery { text: Some(text.into()), ..HouseholdQuery::default() };
    assert_eq!(heads(&q("赵小兵"), &store)?, vec!["李小红"], "a family member's name finds the household");
    assert_eq!(heads(&q("zxb"), &store)?, vec!["李小红"], "by pinyin initials too");
    assert_eq!(heads(&q("guifang"), &store)?, vec!["李小红"]);
    assert_eq!(heads(&q("37号"), &store)?, vec!["张三"], "door number");
    assert_eq!(heads(&q("1391234"), &store)?, vec!["张三"], "phone");

    let tx = store.transaction()?;
    tx.remove_record(REGISTRY, &format!("person/{}", uuid(0x901)))?;
    tx.commit()?;
    assert_eq!(store.family_members(household_id(2))?.len(), 2);
    assert_eq!(heads(&q("zxb"), &store)?, Vec::<String>::new());
    Ok(())
}

/// Issue 16: the household list's filters (mine, not visited since, open follow-ups) and the
/// to-do list's order (mine first, then by due day, no day last).
#[test]
fn household_filters_and_the_to_do_list() -> R {
    use taizhang_domain::{FollowUp, FollowUpId};
    let mut store = filled()?;
    let item = |n: u128, h: u128, owner: u128, due: Option<NaiveDate>, done: bool| FollowUp {
        id: FollowUpId(uuid(0x900 + n)),
        household: household_id(h),
        visit: None,
        text: format!("承诺 {n}"),
        owner: member_id(owner),
        due,
        created_by: member_id(1),
        created_at: MIDNIGHT,
        done_by: done.then_some(member_id(2)),
        done_at: done.then_some(MIDNIGHT + HOUR),
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    let items = [
        item(1, 3, 2, Some(date(2026, 12, 1)), false),
        item(2, 3, 1, None, false),
        item(3, 1, 1, Some(date(2026, 11, 30)), false),
        item(4, 5, 1, Some(date(2026, 11, 1)), true),
    ];
    let tx = store.transaction()?;
    for f in &items {
        tx.put_follow_up(REGISTRY, &Read { record: f.clone(), conflicts: Vec::new() })?;
    }
    tx.commit()?;

    let q = HouseholdQuery::default;
    let not_since = |at: i64| HouseholdQuery { not_visited_since: Some(at), ..q() };
    // Visits: household 1 at +10 h and +30 h, household 2 at +20 h.
    assert_eq!(heads(&not_since(MIDNIGHT), &store)?, vec!["王二", "Wang Wu", "张三"]);
    assert_eq!(heads(&not_since(MIDNIGHT + 25 * HOUR), &store)?, vec!["王二", "Wang Wu", "张三", "李小红"]);
    let mine = HouseholdQuery { helper: Some(member_id(1)), ..q() };
    assert_eq!(heads(&mine, &store)?, vec!["张三", "李小红"]);
    let mine_unvisited = HouseholdQuery { helper: Some(member_id(1)), not_visited_since: Some(MIDNIGHT), ..q() };
    assert_eq!(heads(&mine_unvisited, &store)?, vec!["张三"]);
    let open = HouseholdQuery { open_follow_ups: true, ..q() };
    assert_eq!(heads(&open, &store)?, vec!["王二", "王大山"], "household 5's item is done");

    let ids = |rows: Vec<Row<FollowUp>>| rows.into_iter().map(|r| r.record.id.0).collect::<Vec<_>>();
    assert_eq!(ids(store.open_follow_ups(Some(member_id(1)))?), vec![uuid(0x903), uuid(0x902), uuid(0x901)]);
    assert_eq!(ids(store.open_follow_ups(None)?), vec![uuid(0x903), uuid(0x901), uuid(0x902)]);
    assert_eq!(ids(store.follow_ups_of_household(household_id(3))?), vec![uuid(0x901), uuid(0x902)]);
    let done = store.follow_up(FollowUpId(uuid(0x904)))?.expect("held");
    assert_eq!(done.record, items[3]);
    Ok(())
}

/// Issue 16: a form's draft is kept on disk (one per form), replaced as typing goes on, still
/// there after the store is closed and opened again (the app killed), and gone once cleared.
#[test]
fn a_draft_survives_a_reopen_and_is_cleared() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("taizhang.sqlite");
    {
        let store = Store::open(&path)?;
        assert_eq!(store.draft("visit")?, None);
        store.put_draft("visit", r#"{"findings":"房屋"}"#, 1)?;
        store.put_draft("visit", r#"{"findings":"房屋漏雨"}"#, 2)?;
        store.put_draft("diary", r#"{"text":"走访"}"#, 3)?;
    }
    let store = Store::open(&path)?;
    assert_eq!(store.draft("visit")?, Some((r#"{"findings":"房屋漏雨"}"#.to_string(), 2)));
    store.clear_draft("visit")?;
    assert_eq!(store.draft("visit")?, None);
    store.put_draft("diary", "", 4)?;
    assert_eq!(store.draft("diary")?, None, "an empty body removes the draft");
    Ok(())
}
