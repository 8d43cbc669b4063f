//! Issue 16's follow-up items (承诺事项 / 待办) across devices: a promise made on a visit on
//! one phone reaches a colleague's phone, is closed there while offline, and after sync every
//! phone shows it done, by whom and when; an item written long ago and synced late is accepted.

use taizhang_domain::{FollowUp, FollowUpId};
use taizhang_tests::*;
use uuid::Uuid;

const DAY: i64 = 86_400_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promise_made_on_one_phone_is_closed_on_another_and_every_phone_sees_it() {
    let server = TestServer::start(20).await;
    let t = server.transport();
    let (li_id, wang_id) = (taizhang_doc::demo::member_id(0), taizhang_doc::demo::member_id(1));
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    let mut zhang = server.device(2).await;
    li.sync(&t, NOW).await.expect("li first sync");
    let h3 = household(3);

    // Li visits household 3 and promises help with the water; Wang is to see it through.
    let v = visit(li_id, h3, NOW + 1_000, "饮水不稳定");
    li.record_visit(&v, NOW + 1_000).expect("visit");
    let due = taizhang_domain::local_date(NOW + 7 * DAY);
    let item = FollowUp {
        id: FollowUpId(Uuid::now_v7()),
        household: h3,
        visit: Some(v.id),
        text: "联系水务站检修水管".into(),
        owner: wang_id,
        due: Some(due),
        created_by: li_id,
        created_at: NOW + 2_000,
        done_by: None,
        done_at: None,
        done_note: String::new(),
    };
    li.put_follow_up(&item, NOW + 2_000).expect("promise");
    // One Li owns himself, without a day: on Li's list his own comes first.
    let own =
        FollowUp { id: FollowUpId(Uuid::now_v7()), owner: li_id, due: None, text: "回访".into(), ..item.clone() };
    li.put_follow_up(&own, NOW + 3_000).expect("own promise");
    let on_li: Vec<FollowUpId> =
        li.store().open_follow_ups(Some(li_id)).expect("list").iter().map(|r| r.record.id).collect();
    assert_eq!(on_li, vec![own.id, item.id], "mine first");
    li.sync(&t, NOW + 10_000).await.expect("li syncs");

    // Wang gets it, sees it as his (first on his list), and closes it offline after the repair.
    wang.sync(&t, NOW + 20_000).await.expect("wang syncs");
    let on_wang = wang.store().open_follow_ups(Some(wang_id)).expect("list");
    assert_eq!(on_wang.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![item.id, own.id], "his first");
    assert!(on_wang[0].record.overdue(taizhang_domain::local_date(NOW + 8 * DAY)), "overdue after its day");
    let done = wang.close_follow_up(item.id, wang_id, "水管已修好", NOW + 2 * DAY).expect("close");
    assert!(done.is_done());
    // Closing again keeps the first closing.
    let again = wang.close_follow_up(item.id, li_id, "again", NOW + 3 * DAY).expect("close again");
    assert_eq!((again.done_by, again.done_at), (Some(wang_id), Some(NOW + 2 * DAY)));
    server.advance(2 * DAY);
    wang.sync(&t, NOW + 2 * DAY + 1_000).await.expect("wang syncs");

    // Li and Zhang see it done, by Wang, with his note; only Li's own item stays open.
    li.sync(&t, NOW + 2 * DAY + 2_000).await.expect("li syncs");
    zhang.sync(&t, NOW + 2 * DAY + 3_000).await.expect("zhang syncs");
    for phone in [&li, &zhang] {
        let r = phone.store().follow_up(item.id).expect("read").expect("the item");
        assert_eq!(r.record.done_by, Some(wang_id));
        assert_eq!(r.record.done_at, Some(NOW + 2 * DAY));
        assert_eq!(r.record.done_note, "水管已修好");
        assert_eq!(r.record.visit, Some(v.id), "the visit it came from");
        let open: Vec<FollowUpId> =
            phone.store().open_follow_ups(None).expect("open").iter().map(|r| r.record.id).collect();
        assert_eq!(open, vec![own.id]);
        let of_h3 = phone.store().follow_ups_of_household(h3).expect("household's");
        assert_eq!(of_h3.iter().map(|r| r.record.id).collect::<Vec<_>>(), vec![own.id, item.id], "open first");
    }
    assert_eq!(digest(&li), digest(&wang), "the same tables on both phones");

    // An item written a month ago on a phone that stayed offline is never refused for arriving late.
    let late = FollowUp { id: FollowUpId(Uuid::now_v7()), created_at: NOW - 30 * DAY, due: None, ..own.clone() };
    zhang.put_follow_up(&late, NOW + 2 * DAY + 4_000).expect("late item");
    zhang.sync(&t, NOW + 2 * DAY + 5_000).await.expect("zhang's late item is accepted");
    li.sync(&t, NOW + 2 * DAY + 6_000).await.expect("li syncs");
    assert!(li.store().follow_up(late.id).expect("read").is_some(), "the late item reached Li");
}
