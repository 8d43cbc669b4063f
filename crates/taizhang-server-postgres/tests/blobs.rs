//! The blob story (schema 8, issue 19) on PostgreSQL, as in the SQLite backend's test
//! (skipped, and said so, when `TAIZHANG_TEST_DATABASE_URL` is unset).

use taizhang_server_postgres::testing::store_or_skip;

#[tokio::test]
async fn the_blob_story_holds_on_postgres() {
    let Some((store, _, _)) = store_or_skip("the_blob_story_holds_on_postgres").await else { return };
    taizhang_server_db::blobkit::blob_story(&store).await;
}
