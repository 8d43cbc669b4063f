//! Stories of a real team: three devices work offline, sync in different orders against a
//! real server on port 0, and end with the same tables; a field edited by two people keeps
//! both values as a visible conflict.

use taizhang_doc::demo;
use taizhang_domain::DiaryEntry;
use taizhang_store::HouseholdQuery;
use taizhang_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_devices_work_offline_and_converge() {
    let server = TestServer::start(60).await;
    let t = server.transport();
    let (li_id, wang_id, zhang_id) = (demo::member_id(0), demo::member_id(1), demo::member_id(2));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    let mut zhang = server.device(2).await;

    // Morning in town: every phone fetches the village once.
    for d in [&mut li, &mut wang, &mut zhang] {
        d.sync(&t, NOW).await.expect("first sync");
        assert_eq!(d.store().households(&HouseholdQuery::default()).expect("list").len(), 60);
    }

    // In the village, no signal. Li visits household 12 and renames its head after checking
    // the ID card; Wang, visiting the same day, edits its plan and also corrects the head's
    // name, differently; Zhang checks in and writes the diary.
    let h12 = household(12);
    li.check_in(&check_in(li_id, NOW), NOW).expect("li checks in");
    li.record_visit(&visit(li_id, h12, NOW + 60_000, "老人腿脚不便，需要轮椅"), NOW + 60_000).expect("li visit");
    let mut h = li.store().household(h12).expect("read").expect("household 12").record;
    h.head = "王德明(身份证)".into();
    li.put_household(&h, NOW + 120_000).expect("li edits head");

    wang.check_in(&check_in(wang_id, NOW + 1000), NOW + 1000).expect("wang checks in");
    let mut h = wang.store().household(h12).expect("read").expect("household 12").record;
    h.plan = "申请残疾人补贴，发展庭院经济".into();
    h.head = "王得明".into();
    wang.put_household(&h, NOW + 130_000).expect("wang edits plan and head");
    wang.record_visit(&visit(wang_id, household(3), NOW + 200_000, "家中无人"), NOW + 200_000).expect("wang visit");

    zhang.check_in(&check_in(zhang_id, NOW + 2000), NOW + 2000).expect("zhang checks in");
    zhang
        .write_diary(&diary(zhang_id, NOW + 300_000, "今天走访了三户，核实了饮水情况"), NOW + 300_000)
        .expect("zhang diary");

    // Back in signal, in no particular order; then once more each to pick up the rest.
    wang.sync(&t, NOW + 1_000_000).await.expect("wang syncs");
    zhang.sync(&t, NOW + 1_000_000).await.expect("zhang syncs");
    li.sync(&t, NOW + 1_000_000).await.expect("li syncs");
    wang.sync(&t, NOW + 1_000_000).await.expect("wang syncs again");
    zhang.sync(&t, NOW + 1_000_000).await.expect("zhang syncs again");

    let d = digest(&li);
    assert_eq!(d, digest(&wang), "Li and Wang hold the same tables");
    assert_eq!(d, digest(&zhang), "Li and Zhang hold the same tables");
    for dev in [&li, &wang, &zhang] {
        assert!(dev.pending_docs().expect("pending").is_empty(), "nothing left to send");
        let row = dev.store().household(h12).expect("read").expect("household 12");
        assert_eq!(row.record.plan, "申请残疾人补贴，发展庭院经济", "Wang's plan edit kept");
        assert_eq!(row.conflicts.len(), 1, "the head's name was edited by both: one conflict");
        let mut values = row.conflicts[0].values.clone();
        values.sort();
        assert_eq!(values, vec!["王得明".to_string(), "王德明(身份证)".to_string()]);
        assert_eq!(dev.store().visits_of_household(h12).expect("visits").len(), 1);
        let c = dev.store().counts().expect("counts");
        assert_eq!((c.visits, c.diary_entries, c.check_ins), (2, 1, 3));
    }

    // A new phone for Zhang downloads the whole village and matches.
    let mut new_phone = server.device(2).await;
    new_phone.sync(&t, NOW + 2_000_000).await.expect("new phone syncs");
    assert_eq!(digest(&new_phone), d);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_offline_syncs_in_one_request() {
    let server = TestServer::start(60).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    li.sync(&t, NOW).await.expect("first sync");
    wang.sync(&t, NOW).await.expect("first sync");

    let li_id = demo::member_id(0);
    for day in 0..7i64 {
        let at = NOW + day * 86_400_000;
        li.check_in(&check_in(li_id, at), at).expect("check-in");
        for k in 0..3 {
            li.record_visit(
                &visit(li_id, household((day * 3 + k) as usize), at + k * 60_000, "了解生产生活情况"),
                at + 3_600_000,
            )
            .expect("visit");
        }
        li.write_diary(&diary(li_id, at, "入户走访三户，召开村民小组会"), at + 7_200_000).expect("diary");
    }
    server.advance(8 * 86_400_000); // a week later for the server too
    let r = li.sync(&t, NOW + 8 * 86_400_000).await.expect("sync");
    assert_eq!(r.requests, 1, "one week of one member fits one request");
    assert_eq!(r.changes_new_on_server, 7 * 5);
    assert!(r.rejected.is_empty());
    let r2 = wang.sync(&t, NOW + 8 * 86_400_000).await.expect("wang pulls");
    assert_eq!(r2.requests, 1);
    assert_eq!(r2.changes_received, 35);
    assert_eq!(digest(&li), digest(&wang));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_written_and_filed_offline_arrives_whole() {
    // 李明 is offline at the turn of the month: he writes the diary of 30 October on 1
    // November (补记), files his October, and syncs once. The diary entry goes up in the same
    // request as the filing; it was written before the filing and is never refused for that.
    let server = TestServer::start(5).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("first sync");
    let me = demo::member_id(0);
    let oct_30 = NOW - 26 * 86_400_000;
    let entry = DiaryEntry { written_at: NOW, ..diary(me, oct_30, "召开村民小组会，议定修路") };
    li.write_diary(&entry, NOW).expect("back-filled diary");
    let october = taizhang_domain::YearMonth { year: 2026, month: 10 };
    li.file_month(me, october, me, NOW + 1000).expect("file October");
    let r = li.sync(&t, NOW + 2000).await.expect("sync");
    assert!(r.rejected.is_empty(), "nothing refused: {r:?}");
    assert!(li.pending_docs().expect("pending").is_empty());
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW + 3000).await.expect("sync");
    let d = wang.store().diary(me, october).expect("diary");
    assert!(d.iter().any(|r| r.record.id == entry.id), "the entry arrived: {d:?}");
}
