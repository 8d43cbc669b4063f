//! Change signatures (schema 7) on PostgreSQL, as in the SQLite backend's test (skipped, and
//! said so, when `TAIZHANG_TEST_DATABASE_URL` is unset).

use taizhang_server_db::SignatureStore;
use taizhang_server_postgres::testing::store_or_skip;
use uuid::Uuid;

#[tokio::test]
async fn signatures_are_kept_per_village_and_hash() {
    let Some((store, _, _)) = store_or_skip("signatures_are_kept_per_village_and_hash").await else { return };
    let (v, w) = (Uuid::from_u128(1), Uuid::from_u128(2));
    store.put_change_signatures(v, &[([1; 32], vec![7; 64]), ([2; 32], vec![8; 64])]).await.expect("put");
    store.put_change_signatures(v, &[([1; 32], vec![9; 64])]).await.expect("put again");
    let got = store.change_signatures(v, &[[1; 32], [3; 32]]).await.expect("get");
    assert_eq!(got, vec![([1; 32], vec![7; 64])], "the first signature stays; unknown hashes are absent");
    assert!(store.change_signatures(w, &[[1; 32]]).await.expect("get").is_empty(), "another village's");
}
