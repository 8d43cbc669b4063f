//! A demo village (石门村) for the README's "run" command, the CLI and the tests: fixed ids
//! so every device and the server agree on it, generated without IO or randomness.

use automerge::{ActorId, Automerge};
use chrono::NaiveDate;
use taizhang_domain::{
    GeoPoint, Geofence, Household, HouseholdId, HouseholdStatus, Member, MemberId, PovertyCause, Role, Village,
    VillageId,
};
use uuid::Uuid;

use crate::{write, DocError, VillageRecord};

/// The demo village's id.
pub const VILLAGE: VillageId = VillageId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001));

/// The demo team: a first secretary and two members.
pub fn members() -> Vec<Member> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    [
        ("李明", Role::FirstSecretary, "县委组织部"),
        ("王芳", Role::TeamMember, "县农业农村局"),
        ("张伟", Role::TeamMember, "石门镇政府"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, role, unit))| Member {
        id: member_id(i),
        name: name.to_string(),
        role,
        helping_unit: unit.to_string(),
        term_start: start,
        term_end: None,
    })
    .collect()
}

/// The id of demo member `i` (0 = the first secretary).
pub fn member_id(i: usize) -> MemberId {
    MemberId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0001_0000 + i as u128))
}

/// The demo village record.
pub fn village() -> Village {
    Village {
        id: VILLAGE,
        name: "石门村".into(),
        county: "惠水县".into(),
        township: "石门镇".into(),
        geofence: Geofence { centre: GeoPoint { lat: 26.1286, lon: 106.6570 }, radius_m: 1500.0 },
    }
}

/// `n` demo households, deterministic.
pub fn households(n: usize) -> Vec<Household> {
    const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    const GIVEN: [&str; 10] = ["德明", "秀英", "国强", "桂兰", "志华", "玉梅", "建军", "春花", "永福", "金凤"];
    (0..n)
        .map(|i| Household {
            id: HouseholdId(Uuid::from_u128(0x0193_0000_0000_7000_8000_0002_0000_0000 + i as u128)),
            head: format!("{}{}", SURNAMES[i % 10], GIVEN[(i / 10) % 10]),
            members_count: 1 + (i % 6) as u32,
            group: format!("{}组", 1 + i % 8),
            grid: format!("网格{}", 1 + i % 4),
            status: HouseholdStatus::ALL[i % 3],
            causes: vec![PovertyCause::ALL[i % 12]],
            helper: Some(member_id(i % 3)),
            plan: "发展特色种植，落实产业奖补".into(),
            income_yuan: Some(6000 + (i as i64 * 137) % 9000),
            details: Default::default(),
        })
        .collect()
}

/// The demo registry document, written by `actor`.
pub fn registry(actor: ActorId, households_count: usize) -> Result<Automerge, DocError> {
    let mut doc = Automerge::new().with_actor(actor);
    let mut tx = doc.transaction();
    write(&mut tx, &VillageRecord(village()))?;
    for m in members() {
        write(&mut tx, &m)?;
    }
    for h in households(households_count) {
        write(&mut tx, &h)?;
    }
    tx.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    Ok(doc)
}
