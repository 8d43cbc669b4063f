//! The `taizhang` CLI's follow-up items and projects (issue 22), run as a script runs it: a
//! promise made a project (转为项目) with its household benefiting, a second promise joined to it
//! (并入项目), a promise already linked refused in words, and the project listing its items.

mod common;

use common::{out, taizhang};
use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_domain::{FollowUp, FollowUpId};
use uuid::Uuid;

#[test]
fn a_promise_becomes_a_project_and_another_joins_it_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("li.sqlite3");
    let hs = demo::households(2);
    let item = |n: u128, household: usize, text: &str| FollowUp {
        id: FollowUpId(Uuid::from_u128(0xf00 + n)),
        household: hs[household].id,
        visit: None,
        text: text.into(),
        owner: demo::member_id(0),
        due: None,
        created_by: demo::member_id(0),
        created_at: 1,
        done_by: None,
        done_at: None,
        done_note: String::new(),
        project: None,
        attachments: Vec::new(),
    };
    let (road, lights) = (item(1, 0, "三组通组路硬化"), item(2, 1, "三组路口装路灯"));
    {
        let mut l = common::team_store(&store, [4; 16]);
        for h in &hs {
            l.put_household(h, 0).expect("household");
        }
        l.put_follow_up(&road, 1).expect("item");
        l.put_follow_up(&lights, 1).expect("item");
    }
    let made = out(&taizhang(&store, &["follow-up-to-project", "--id", &road.id.to_string()]));
    assert!(made.contains("已转为项目") && made.contains("三组通组路硬化"), "{made}");
    let project = {
        let l = Ledger::open(&store).expect("open");
        let p = l.store().projects(None).expect("projects").remove(0).record;
        assert_eq!(p.households, vec![hs[0].id], "the promise's household benefits");
        assert_eq!(l.store().follow_up(road.id).expect("read").expect("item").record.project, Some(p.id));
        p.id
    };
    let again = taizhang(&store, &["follow-up-to-project", "--id", &road.id.to_string()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already part of project"), "said in words");
    let joined =
        out(&taizhang(&store, &["join-project", "--id", &lights.id.to_string(), "--project", &project.to_string()]));
    assert!(joined.contains("已并入项目"), "{joined}");
    let shown = out(&taizhang(&store, &["projects", "--id", &project.to_string()]));
    assert!(shown.contains("三组通组路硬化  待办 open") && shown.contains("三组路口装路灯  待办 open"), "{shown}");
}
