//! What vouches for changes (schemas 7 and 14) on PostgreSQL: the shared stories, as on SQLite
//! (skipped, and said so, when `TAIZHANG_TEST_DATABASE_URL` is unset).

use taizhang_server_postgres::testing::store_or_skip;

#[tokio::test]
async fn proofs_are_kept_per_village_and_hash() {
    let Some((store, _, _)) = store_or_skip("proofs_are_kept_per_village_and_hash").await else { return };
    taizhang_server_db::testkit::proofs_story(&store).await;
}

#[tokio::test]
async fn what_vouches_for_a_push_is_kept_in_its_transaction() {
    let Some((store, _, _)) = store_or_skip("what_vouches_for_a_push_is_kept_in_its_transaction").await else {
        return;
    };
    taizhang_server_db::testkit::pushed_proofs_story(&store).await;
}
