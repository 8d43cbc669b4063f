//! Seeds the demo village (石门村, 3 members, households) so `taizhang-sync-server --demo` gives
//! devices something to sync with on a fresh machine, with its place (石门镇, 惠水县), the
//! demo accounts (the team, a township and a county officer, an administrator) and fresh
//! enrollment codes for them.

use automerge::ActorId;
use taizhang_auth::{EnrollmentCode, Role};
use taizhang_doc::{demo, DocId};
use taizhang_server_db::{Account, AccountStore, DbError, ServerStore};
use uuid::Uuid;

/// The demo county 惠水县.
pub const DEMO_COUNTY: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0003_0000_0001);
/// The demo township 石门镇.
pub const DEMO_TOWNSHIP: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0003_0000_0002);
/// The demo accounts of the township officer, the county officer and the administrator.
pub const DEMO_TOWNSHIP_STAFF: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0001);
pub const DEMO_COUNTY_STAFF: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0002);
pub const DEMO_ADMIN: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0003);
/// The township officer of 好花红镇, the township of the demo county's villages 0, 2, 4...
/// (created with the demo county, `--demo-county`).
pub const DEMO_COUNTY_TOWNSHIP_STAFF: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0004);

/// Creates the demo village with `households` households, unless it is already there, with
/// its place and the demo accounts.
pub async fn seed_demo_village<S: ServerStore + AccountStore + ?Sized>(
    store: &S,
    households: usize,
    now: i64,
) -> Result<bool, DbError> {
    store.create_county(DEMO_COUNTY, "惠水县", now).await?;
    store.create_township(DEMO_TOWNSHIP, DEMO_COUNTY, "石门镇", now).await?;
    let seeded = if store.village_exists(demo::VILLAGE.0).await? && !store.docs(demo::VILLAGE.0).await?.is_empty() {
        false
    } else {
        store.create_village(demo::VILLAGE.0, &demo::village().name).await?;
        // The seed's actor is fixed so seeding twice produces the very same change.
        let doc =
            demo::registry(ActorId::from(vec![0xde; 16]), households).map_err(|e| DbError::Backend(e.to_string()))?;
        crate::admin::store_changes(store, demo::VILLAGE.0, &DocId::Registry, &doc, &[], now).await?;
        true
    };
    store.set_village_township(demo::VILLAGE.0, DEMO_TOWNSHIP).await?;
    for a in demo_accounts(now) {
        if store.account(a.id).await?.is_none() {
            store.create_account(&a).await?;
        }
    }
    Ok(seeded)
}

/// The demo accounts: 0..2 the team (0 = first secretary 李明), then township, county, admin.
pub fn demo_accounts(now: i64) -> Vec<Account> {
    let v = Some(demo::VILLAGE.0);
    let mut out: Vec<Account> = demo::members()
        .into_iter()
        .map(|m| Account {
            id: m.id.0,
            name: m.name,
            role: if m.role == taizhang_domain::Role::FirstSecretary { Role::FirstSecretary } else { Role::Member },
            village: v,
            township: None,
            county: None,
            created_at: now,
        })
        .collect();
    let staff = |id, name: &str, role, township, county| Account {
        id,
        name: name.into(),
        role,
        village: None,
        township,
        county,
        created_at: now,
    };
    out.push(staff(DEMO_TOWNSHIP_STAFF, "石门镇 赵敏", Role::TownshipStaff, Some(DEMO_TOWNSHIP), None));
    out.push(staff(DEMO_COUNTY_STAFF, "惠水县委组织部 孙强", Role::CountyStaff, None, Some(DEMO_COUNTY)));
    out.push(staff(DEMO_ADMIN, "管理员", Role::Admin, None, None));
    out
}

/// Fresh one-time codes for every demo account, in the order of [`demo_accounts`].
pub async fn demo_codes<S: AccountStore + ?Sized>(
    store: &S,
    now: i64,
) -> Result<Vec<(Account, EnrollmentCode)>, DbError> {
    let mut out = Vec::new();
    for a in demo_accounts(now) {
        let code = crate::admin::new_enrollment_code(store, a.id, now, crate::admin::CODE_VALID_DAYS).await?;
        out.push((a, code));
    }
    Ok(out)
}

/// The townships of the generated demo villages (in the demo county 惠水县).
const DEMO_TOWNSHIPS: [(u128, &str); 2] =
    [(0x0193_0000_0000_7000_8000_0003_0000_0003, "好花红镇"), (0x0193_0000_0000_7000_8000_0003_0000_0004, "断杉镇")];
const DEMO_VILLAGE_NAMES: [&str; 12] = [
    "新坝村",
    "岗度村",
    "摆榜村",
    "高镇村",
    "甲浪村",
    "高寨村",
    "平寨村",
    "龙井村",
    "谷朵村",
    "王佑村",
    "抵麻村",
    "鱼上村",
];

/// Generated village `i` of the demo county: a stable id.
pub fn demo_county_village(i: usize) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0005_0000_0000 + i as u128)
}

/// Adds `n` generated villages to the demo county, each with four members and a year of work
/// from 1 January of `today`'s year to `today` (see `taizhang_doc::synth`), so the county
/// page has a county to look at. Villages already there are left alone. Returns how many
/// records were written.
pub async fn seed_demo_county<S: ServerStore + AccountStore + ?Sized>(
    store: &S,
    n: usize,
    today: chrono::NaiveDate,
    now: i64,
) -> Result<usize, DbError> {
    use chrono::Datelike;
    store.create_county(DEMO_COUNTY, "惠水县", now).await?;
    for (id, name) in DEMO_TOWNSHIPS {
        store.create_township(Uuid::from_u128(id), DEMO_COUNTY, name, now).await?;
    }
    let mut written = 0;
    for i in 0..n {
        let id = demo_county_village(i);
        if store.village_exists(id).await? && !store.docs(id).await?.is_empty() {
            continue;
        }
        let name = DEMO_VILLAGE_NAMES.get(i).map_or_else(|| format!("示范{}村", i + 1), |s| s.to_string());
        let (township_id, township) = DEMO_TOWNSHIPS[i % DEMO_TOWNSHIPS.len()];
        let spec = taizhang_doc::synth::SynthSpec {
            seed: i as u64 + 1,
            village: taizhang_domain::VillageId(id),
            name: name.clone(),
            township: township.into(),
            county: "惠水县".into(),
            members: 4,
            households: 40,
            from: chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
            not_after: Some(now),
        };
        let village = tokio::task::spawn_blocking(move || taizhang_doc::synth::village_year(&spec))
            .await
            .map_err(|e| DbError::Backend(format!("generating a demo village failed: {e}")))?;
        let village = village.map_err(|e| DbError::Backend(e.to_string()))?;
        store.create_village(id, &name).await?;
        store.set_village_township(id, Uuid::from_u128(township_id)).await?;
        for (doc_id, doc) in &village.docs {
            crate::admin::store_changes(store, id, doc_id, doc, &[], now).await?;
        }
        written += village.records;
        if i == 0 {
            written += pending_leave(store, id, &village, today, now).await?;
        }
    }
    let (township, _) = DEMO_TOWNSHIPS[0];
    if store.account(DEMO_COUNTY_TOWNSHIP_STAFF).await?.is_none() {
        store
            .create_account(&Account {
                id: DEMO_COUNTY_TOWNSHIP_STAFF,
                name: "好花红镇 王芳".into(),
                role: Role::TownshipStaff,
                village: None,
                township: Some(Uuid::from_u128(township)),
                county: None,
                created_at: now,
            })
            .await?;
    }
    Ok(written)
}

/// Two leave requests waiting for a decision in a generated village, so the township page
/// has something to decide: the first secretary's (only the township decides it) and a
/// member's, both from `today`.
async fn pending_leave<S: ServerStore + ?Sized>(
    store: &S,
    village: Uuid,
    generated: &taizhang_doc::synth::SynthVillage,
    today: chrono::NaiveDate,
    now: i64,
) -> Result<usize, DbError> {
    use chrono::Datelike;
    use taizhang_domain::{LeaveId, LeaveKind, LeaveRequest, LeaveState};
    let year = today.year();
    let mut doc = generated
        .docs
        .iter()
        .find(|(d, _)| *d == DocId::Team { year })
        .map_or_else(automerge::Automerge::new, |(_, d)| d.clone());
    doc.set_actor(ActorId::random());
    let before = doc.get_heads();
    let secretary = generated.members.iter().find(|m| m.role == taizhang_domain::Role::FirstSecretary);
    let member = generated.members.iter().find(|m| m.role == taizhang_domain::Role::TeamMember);
    let requests: Vec<LeaveRequest> = [
        (secretary, LeaveKind::Personal, 2, "家中老人住院,需回家照顾"),
        (member, LeaveKind::Sick, 1, "感冒发烧,需就医"),
    ]
    .into_iter()
    .filter_map(|(m, kind, days, reason)| {
        Some(LeaveRequest {
            id: LeaveId(Uuid::now_v7()),
            member: m?.id,
            from: today,
            to: today.checked_add_days(chrono::Days::new(days)).filter(|d| d.year() == year).unwrap_or(today),
            reason: reason.into(),
            state: LeaveState::Pending,
            decided_by: None,
            kind,
            returned_on: None,
        })
    })
    .collect();
    let mut tx = doc.transaction();
    for l in &requests {
        taizhang_doc::write(&mut tx, l).map_err(|e| DbError::Backend(e.to_string()))?;
    }
    tx.commit();
    crate::admin::store_changes(store, village, &DocId::Team { year }, &doc, &before, now).await?;
    Ok(requests.len())
}

/// A fresh random password for the demo county officer's web log-in, set now. Returns
/// (login, password).
pub async fn demo_web_login<S: AccountStore + ?Sized>(store: &S, now: i64) -> Result<(String, String), DbError> {
    web_login(store, DEMO_COUNTY_STAFF, now).await
}

/// The same for the demo county's township officer (好花红镇, [`DEMO_COUNTY_TOWNSHIP_STAFF`]);
/// `None` without the demo county.
pub async fn demo_township_login<S: AccountStore + ?Sized>(
    store: &S,
    now: i64,
) -> Result<Option<(String, String)>, DbError> {
    if store.account(DEMO_COUNTY_TOWNSHIP_STAFF).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(web_login(store, DEMO_COUNTY_TOWNSHIP_STAFF, now).await?))
}

async fn web_login<S: AccountStore + ?Sized>(store: &S, account: Uuid, now: i64) -> Result<(String, String), DbError> {
    let password = crate::admin::random_password();
    let hash = taizhang_auth::hash_password(&password, rand::random(), taizhang_auth::PASSWORD_ITERATIONS);
    store.set_password_hash(account, &hash, now).await?;
    let name = store.account(account).await?.map(|a| a.name).unwrap_or_default();
    Ok((name, password))
}
