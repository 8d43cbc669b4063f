//! Issue 15, hole 9: a phone restored from an old copy of its store writes with the actor its
//! later life already used. The server refuses the reused sequence numbers (`actor_reused`)
//! instead of storing two changes under one number; the phone takes a new actor, writes its
//! unsynced records again under it and syncs — and every record of both lives reaches a
//! colleague and the server's log the county reads. Through the real HTTP server, on the
//! backend the environment selects.

use std::path::Path;

use taizhang_client::{enroll, Ledger};
use taizhang_doc::{demo, read_all, DocId};
use taizhang_domain::{local_date, DiaryEntry, MemberId, YearMonth};
use taizhang_tests::*;

const MIN: i64 = 60_000;

fn copy_store(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (f, t) = (format!("{}{suffix}", from.display()), format!("{}{suffix}", to.display()));
        let _ = std::fs::remove_file(&t);
        if Path::new(&f).exists() {
            std::fs::copy(&f, &t).expect("copy the store file");
        }
    }
}

fn diary_texts(l: &Ledger, member: MemberId) -> Vec<String> {
    let month = YearMonth::of(local_date(NOW));
    let mut texts: Vec<String> =
        l.store().diary(member, month).expect("diary").into_iter().map(|r| r.record.text).collect();
    texts.sort();
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_restored_from_an_old_copy_loses_nothing() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let dir = tempfile::tempdir().expect("tempdir");
    let (path, backup) = (dir.path().join("wang.sqlite3"), dir.path().join("wang-backup.sqlite3"));
    let wang = demo::member_id(1);

    // 王芳's phone syncs its first entry; then a copy of its store is taken (the old backup).
    let mut phone = enroll(&path, &t, &server.code(1).await, "王芳的手机", NOW).await.expect("enroll");
    phone.sync(&t, NOW).await.expect("download the village");
    phone.write_diary(&diary(wang, NOW, "备份前的日记"), NOW).expect("diary before the backup");
    phone.sync(&t, NOW).await.expect("first sync");
    drop(phone);
    copy_store(&path, &backup);

    // Its later life: more work, synced (the server holds it under the phone's actor).
    let mut phone = Ledger::open(&path).expect("reopen");
    let actor = phone.actor().clone();
    phone.write_diary(&diary(wang, NOW + MIN, "后来的日记"), NOW + MIN).expect("later diary");
    phone.check_in(&check_in(wang, NOW + 2 * MIN), NOW + 2 * MIN).expect("later check-in");
    let later = phone.sync(&t, NOW + 3 * MIN).await.expect("later sync");
    assert!(later.rejected.is_empty(), "{:?}", later.rejected);
    drop(phone);

    // The phone is restored from the old copy and records new things with the same actor.
    copy_store(&backup, &path);
    let mut phone = Ledger::open(&path).expect("restored");
    assert_eq!(phone.actor(), &actor, "the restored store writes with the old actor");
    phone.write_diary(&diary(wang, NOW + 4 * MIN, "恢复后的日记"), NOW + 4 * MIN).expect("restored diary");
    phone.check_in(&check_in(wang, NOW + 5 * MIN), NOW + 5 * MIN).expect("restored check-in");
    let report = phone.sync(&t, NOW + 6 * MIN).await.expect("restored sync");
    assert!(report.rejected.is_empty(), "nothing stays refused: {:?}", report.rejected);
    let log = DocId::for_diary(&diary(wang, NOW, "")).to_string();
    assert_eq!(report.recreated, vec![log.clone()], "the reused log was written again under a new actor");
    assert!(report.new_actor.is_some());
    assert_ne!(phone.actor(), &actor, "the phone took a new actor");
    assert!(phone.pending_docs().expect("pending").is_empty(), "nothing left to send");

    // A second sync has nothing to do, and the device keeps its new actor after reopening.
    let again = phone.sync(&t, NOW + 7 * MIN).await.expect("sync again");
    assert!(again.recreated.is_empty() && again.rejected.is_empty() && again.new_actor.is_none());
    let new_actor = phone.actor().clone();
    drop(phone);
    let phone = Ledger::open(&path).expect("reopen restored");
    assert_eq!(phone.actor(), &new_actor);

    // Everything from both lives: on the phone, on a colleague's phone, in the server's log.
    let all = vec!["后来的日记".to_string(), "备份前的日记".into(), "恢复后的日记".into()];
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(diary_texts(&phone, wang), sorted, "the restored phone holds both lives");
    let mut li = server.device(0).await;
    li.sync(&t, NOW + 8 * MIN).await.expect("colleague syncs");
    assert_eq!(diary_texts(&li, wang), sorted, "the colleague sees every entry");
    let checkins = |l: &Ledger| l.store().counts().expect("counts").check_ins;
    assert_eq!(checkins(&li), 2, "both lives' check-ins reach the colleague");
    assert_eq!(checkins(&phone), 2);
    assert_eq!(digest(&li), digest(&phone), "colleague and phone hold the same tables");

    // The county reads the server's log: the document holds all three entries, each once.
    let village = li.village_id().0;
    let stored = server.store.doc_changes(village, &log).await.expect("log changes");
    let (doc, skipped) = taizhang_sync::load_stored_lenient(&stored);
    assert_eq!(skipped, 0, "every stored change of the log loads");
    let (entries, bad) = read_all::<DiaryEntry>(&doc);
    assert!(bad.is_empty(), "{bad:?}");
    let mut texts: Vec<String> = entries.into_iter().map(|r| r.record.text).collect();
    texts.sort();
    assert_eq!(texts, sorted, "the county's source holds both lives");
}
