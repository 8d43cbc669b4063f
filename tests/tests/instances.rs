//! The server is stateless apart from its database: two server instances (two routers on
//! port 0, each with its own PostgreSQL pool) on one database serve the same village. Devices
//! syncing through either converge, and devices pushing to the same documents through both
//! at the same moment lose nothing: the server's log holds every change exactly once.
//! Needs PostgreSQL (`TAIZHANG_TEST_DATABASE_URL`); prints that it skipped without it.

use std::collections::HashSet;

use taizhang_client::Ledger;
use taizhang_doc::demo;
use taizhang_store::HouseholdQuery;
use taizhang_sync_server::seed_demo_village;
use taizhang_tests::*;

/// Two instances over one fresh schema, the demo village seeded through the first.
async fn two_instances(what: &str, households: usize) -> Option<(TestServer, TestServer)> {
    let mut stores = shared_postgres_stores(what, 2).await?;
    let b = stores.pop().expect("two stores");
    let a = stores.pop().expect("two stores");
    seed_demo_village(a.as_ref(), households, NOW).await.expect("seed through instance A");
    Some((TestServer::serve_store(a).await, TestServer::serve_store(b).await))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_syncing_through_either_instance_converge() {
    let Some((a, b)) = two_instances("devices_syncing_through_either_instance_converge", 30).await else { return };
    let (ta, tb) = (a.transport(), b.transport());
    let (li_id, wang_id) = (demo::member_id(0), demo::member_id(1));
    let mut li = a.device(0).await;
    let mut wang = b.device(1).await;
    let mut zhang = a.device(2).await;
    li.sync(&ta, NOW).await.expect("li through A");
    wang.sync(&tb, NOW).await.expect("wang through B: sees what A seeded");
    assert_eq!(wang.store().households(&HouseholdQuery::default()).expect("list").len(), 30);

    // Both edit household 5 offline; Li also visits, Wang writes the diary.
    let h5 = household(5);
    let mut h = li.store().household(h5).expect("read").expect("household 5").record;
    h.plan = "养殖合作社分红".into();
    li.put_household(&h, NOW + 1000).expect("li edits");
    li.record_visit(&visit(li_id, h5, NOW + 2000, "核实了分红到账"), NOW + 2000).expect("li visits");
    let mut h = wang.store().household(h5).expect("read").expect("household 5").record;
    h.grid = "第三网格".into();
    wang.put_household(&h, NOW + 3000).expect("wang edits");
    wang.write_diary(&diary(wang_id, NOW + 4000, "与村两委开会"), NOW + 4000).expect("wang diary");

    // Each syncs through the other instance than before; Zhang alternates.
    li.sync(&tb, NOW + 10_000).await.expect("li through B");
    wang.sync(&ta, NOW + 10_000).await.expect("wang through A");
    zhang.sync(&tb, NOW + 10_000).await.expect("zhang through B");
    li.sync(&ta, NOW + 20_000).await.expect("li through A");

    let d = digest(&li);
    assert_eq!(d, digest(&wang));
    assert_eq!(d, digest(&zhang));
    let row = zhang.store().household(h5).expect("read").expect("household 5");
    assert_eq!(row.record.plan, "养殖合作社分红", "Li's edit, through A then B");
    assert_eq!(row.record.grid, "第三网格", "Wang's edit, through B then A");
    let c = zhang.store().counts().expect("counts");
    assert_eq!((c.visits, c.diary_entries), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_to_one_document_through_two_instances_lose_nothing() {
    let Some((a, b)) = two_instances("concurrent_pushes_to_one_document_through_two_instances_lose_nothing", 10).await
    else {
        return;
    };
    let village = demo::VILLAGE.0;
    let seeded = a.store.read_log(village, 0, usize::MAX).await.expect("log").entries.len();

    // Six phones of the first secretary (one member: every visit lands in the same monthly
    // log document), each also editing the same household (the registry document).
    let phones = 6u8;
    let visits_each = 5;
    let li_id = demo::member_id(0);
    let mut devices: Vec<Ledger> = Vec::new();
    for p in 1..=phones {
        let mut d = a.device(0).await;
        d.sync(&a.transport(), NOW).await.expect("first sync");
        for v in 0..visits_each {
            let at = NOW + i64::from(p) * 1000 + v as i64;
            d.record_visit(&visit(li_id, household(v % 10), at, &format!("手机{p}第{v}次走访")), at).expect("visit");
        }
        let mut h = d.store().household(household(1)).expect("read").expect("household 1").record;
        h.plan = format!("手机{p}的计划");
        d.put_household(&h, NOW + 50_000).expect("edit");
        devices.push(d);
    }
    let made = usize::from(phones) * (visits_each + 1);

    // All push at once, alternating instances.
    let mut tasks = Vec::new();
    for (i, mut d) in devices.into_iter().enumerate() {
        let transport = if i % 2 == 0 { a.transport() } else { b.transport() };
        tasks.push(tokio::spawn(async move {
            d.sync(&transport, NOW + 100_000).await.expect("concurrent sync");
            d
        }));
    }
    let mut devices = Vec::new();
    for t in tasks {
        devices.push(t.await.expect("sync task"));
    }

    // The log: the seed plus every change the phones made, each exactly once.
    let log = b.store.read_log(village, 0, usize::MAX).await.expect("log");
    let hashes: HashSet<_> = log.entries.iter().map(|e| e.hash).collect();
    assert_eq!(hashes.len(), log.entries.len(), "no change stored twice");
    assert_eq!(log.entries.len(), seeded + made, "no change lost");
    let seqs: Vec<u64> = log.entries.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "the log is in seq order");

    // Everyone picks up the rest (through either instance) and ends with the same tables.
    for round in 0..2 {
        for (i, d) in devices.iter_mut().enumerate() {
            let t = if (i + round) % 2 == 0 { b.transport() } else { a.transport() };
            d.sync(&t, NOW + 200_000).await.expect("catch-up sync");
        }
    }
    let want = digest(&devices[0]);
    for d in &devices {
        assert_eq!(digest(d), want, "every phone holds the same tables");
        assert!(d.pending_docs().expect("pending").is_empty());
        assert_eq!(d.store().counts().expect("counts").visits, usize::from(phones) * visits_each);
    }
    // Six concurrent edits of one field: one visible conflict holding all six values.
    let h1 = devices[0].store().household(household(1)).expect("read").expect("household 1");
    let plan = h1.conflicts.iter().find(|c| c.field == "plan").expect("the plan is in conflict");
    let mut values = plan.values.clone();
    values.sort();
    let mut want: Vec<String> = (1..=phones).map(|p| format!("手机{p}的计划")).collect();
    want.sort();
    assert_eq!(values, want);
    assert!(want.contains(&h1.record.plan));
    assert_eq!(backend_name(), "postgres");
}
