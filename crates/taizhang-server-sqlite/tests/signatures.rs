//! What vouches for changes (schemas 7 and 14) in the SQLite backend: the shared story
//! (`taizhang_server_db::testkit::proofs_story`).

use taizhang_server_sqlite::SqliteStore;

#[tokio::test]
async fn proofs_are_kept_per_village_and_hash() {
    let store = SqliteStore::open_in_memory().expect("store");
    taizhang_server_db::testkit::proofs_story(&store).await;
}
