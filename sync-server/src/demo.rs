//! Seeds the demo village (石门村, 3 members, households) so `taizhang-server --demo` gives
//! devices something to sync with on a fresh machine, with its place (石门镇, 惠水县), the
//! demo accounts (the team, a township and a county officer, an administrator) and fresh
//! enrollment codes for them.

use automerge::ActorId;
use taizhang_auth::{EnrollmentCode, Role};
use taizhang_doc::{demo, DocId};
use taizhang_server_db::{Account, AccountStore, DbError, ServerStore};
use taizhang_sync::parse_changes;
use uuid::Uuid;

/// The demo county 惠水县.
pub const DEMO_COUNTY: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0003_0000_0001);
/// The demo township 石门镇.
pub const DEMO_TOWNSHIP: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0003_0000_0002);
/// The demo accounts of the township officer, the county officer and the administrator.
pub const DEMO_TOWNSHIP_STAFF: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0001);
pub const DEMO_COUNTY_STAFF: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0002);
pub const DEMO_ADMIN: Uuid = Uuid::from_u128(0x0193_0000_0000_7000_8000_0004_0000_0003);

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
        let raw = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        let parsed = parse_changes("registry", raw).map_err(|e| DbError::Backend(e.to_string()))?;
        store.push(demo::VILLAGE.0, &DocId::Registry.to_string(), parsed, now).await?;
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
