//! Clock skew: 李明's phone runs a year ahead, 王芳's a year behind, and 张伟 sets his clock
//! back three days between two check-ins. Everything they record is kept and reaches everyone;
//! the household plan both 李明 and 王芳 changed offline stays a visible conflict (a clock a year
//! ahead does not "win"); and the server, which keeps its own receipt time beside every
//! change's device time, flags exactly the changes whose time is not to be trusted.

use std::collections::BTreeSet;

use taizhang_doc::demo;
use taizhang_sync::{clock_flags, ClockFlag, SkewLimits};
use taizhang_tests::*;

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn skewed_clocks_keep_every_record_merge_by_causality_and_are_flagged() {
    let server = TestServer::start(6).await; // the server's clock reads NOW
    let t = server.transport();
    let (mut li, mut wang, mut zhang) = (server.device(0).await, server.device(1).await, server.device(2).await);
    for d in [&mut li, &mut wang, &mut zhang] {
        d.sync(&t, NOW).await.expect("first sync");
    }
    let (li_now, wang_now) = (NOW + 365 * DAY, NOW - 365 * DAY);

    let li_in = li.check_in(&check_in(demo::member_id(0), li_now), li_now).expect("李明 checks in");
    let mut h = li.store().household(household(2)).expect("read").expect("exists").record;
    h.plan = "改种茶叶（李明）".into();
    li.put_household(&h, li_now).expect("李明 edits the plan");

    let wang_in = wang.check_in(&check_in(demo::member_id(1), wang_now), wang_now).expect("王芳 checks in");
    let mut h = wang.store().household(household(2)).expect("read").expect("exists").record;
    h.plan = "发展养鸡（王芳）".into();
    wang.put_household(&h, wang_now).expect("王芳 edits the plan");

    let zhang_first = zhang.check_in(&check_in(demo::member_id(2), NOW), NOW).expect("张伟 checks in");
    let back = NOW - 3 * DAY;
    let zhang_second = zhang.check_in(&check_in(demo::member_id(2), back), back).expect("after setting the clock back");

    for _ in 0..2 {
        for (d, now) in [(&mut li, li_now), (&mut wang, wang_now), (&mut zhang, back)] {
            d.sync(&t, now).await.expect("sync");
        }
    }

    // Kept, and the same everywhere.
    let want: BTreeSet<_> = [li_in.id, wang_in.id, zhang_first.id, zhang_second.id].into_iter().collect();
    for d in [&li, &wang, &zhang] {
        let got: BTreeSet<_> = d
            .store()
            .check_ins(None, i64::MIN, i64::MAX)
            .expect("check-ins")
            .into_iter()
            .map(|c| c.record.id)
            .collect();
        assert_eq!(got, want, "every check-in on every device");
        assert_eq!(digest(d), digest(&li), "converged");
    }
    // Merged by causality, not by clock: both plans remain, as a conflict to resolve.
    let row = zhang.store().household(household(2)).expect("read").expect("exists");
    let plan = row.conflicts.iter().find(|c| c.field == "plan").expect("the plan is a visible conflict");
    let values: BTreeSet<String> = plan.values.iter().map(|v| v.to_string()).collect();
    assert!(values.iter().any(|v| v.contains("李明")) && values.iter().any(|v| v.contains("王芳")), "{values:?}");

    // Flagged on the server: receipt time vs device time.
    let times = server.store.change_times(demo::VILLAGE.0).await.expect("change times");
    assert!(times.iter().all(|c| c.received_at == NOW), "the server's own clock");
    let flags = clock_flags(&times, &SkewLimits::default());
    let actor_of = |d: &taizhang_client::Ledger| d.actor().to_bytes().to_vec();
    let flagged = |actor: &[u8], f: fn(&ClockFlag) -> bool| {
        flags.iter().filter(|(i, flag)| times[*i].actor == actor && f(flag)).count()
    };
    let li_changes = times.iter().filter(|c| c.actor == actor_of(&li)).count();
    let wang_changes = times.iter().filter(|c| c.actor == actor_of(&wang)).count();
    assert_eq!(li_changes, 2);
    assert_eq!(flagged(&actor_of(&li), |f| matches!(f, ClockFlag::Ahead { by_ms } if *by_ms == 365 * DAY)), 2);
    assert_eq!(flagged(&actor_of(&wang), |f| matches!(f, ClockFlag::Behind { .. })), wang_changes);
    assert_eq!(flagged(&actor_of(&zhang), |f| matches!(f, ClockFlag::SetBack { by_ms } if *by_ms == 3 * DAY)), 1);
    assert_eq!(flags.len(), 2 + wang_changes + 1, "nothing else is flagged: {flags:?}");
}
