//! Seeds the demo village (石门村, 3 members, households) so `taizhang-server --demo` gives
//! devices something to sync with on a fresh machine.

use automerge::ActorId;
use taizhang_doc::{demo, DocId};
use taizhang_server_db::{DbError, ServerStore};
use taizhang_sync::parse_changes;

/// Creates the demo village with `households` households, unless it is already there.
pub async fn seed_demo_village(store: &dyn ServerStore, households: usize, now: i64) -> Result<bool, DbError> {
    if store.village_exists(demo::VILLAGE.0).await? && !store.docs(demo::VILLAGE.0).await?.is_empty() {
        return Ok(false);
    }
    store.create_village(demo::VILLAGE.0, &demo::village().name).await?;
    // The seed's actor is fixed so seeding twice produces the very same change.
    let doc = demo::registry(ActorId::from(vec![0xde; 16]), households).map_err(|e| DbError::Backend(e.to_string()))?;
    let raw = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let parsed = parse_changes("registry", raw).map_err(|e| DbError::Backend(e.to_string()))?;
    store.push(demo::VILLAGE.0, &DocId::Registry.to_string(), parsed, now).await?;
    Ok(true)
}
