//! What vouches for changes (schemas 7 and 14) in the SQLite backend: the shared stories
//! (`taizhang_server_db::testkit::proofs_story`, `pushed_proofs_story`).

use taizhang_server_sqlite::SqliteStore;

#[tokio::test]
async fn proofs_are_kept_per_village_and_hash() {
    let store = SqliteStore::open_in_memory().expect("store");
    taizhang_server_db::testkit::proofs_story(&store).await;
}

#[tokio::test]
async fn what_vouches_for_a_push_is_kept_in_its_transaction() {
    let store = SqliteStore::open_in_memory().expect("store");
    taizhang_server_db::testkit::pushed_proofs_story(&store).await;
}
