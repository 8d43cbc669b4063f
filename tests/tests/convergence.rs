//! The convergence law, by property test: 2–5 replicas, random edits, random syncs with
//! dropped, lost-answer, repeated and delayed (reordered) requests, and random exchanges between
//! two replicas phone to phone (issue 20: the encrypted peer channel over loopback TCP, the
//! changes judged by their signed author); after everyone syncs twice with the server, every
//! replica holds the same materialised tables and has nothing left to send. Cases: TAIZHANG_CONVERGENCE_CASES, else
//! PROPTEST_CASES (default 24; CI runs 2,000; more on demand, e.g. 20000).

use proptest::prelude::*;
use taizhang_doc::demo;
use taizhang_tests::*;

#[derive(Debug, Clone)]
enum Op {
    Visit(usize),
    Diary,
    CheckIn,
    EditPlan(usize, u8),
    EditHead(usize, u8),
}

#[derive(Debug, Clone)]
enum Step {
    Edit(usize, Op),
    Sync(usize, Fault),
    /// Replica `.0` offers its store, replica `.1` joins (no server involved).
    Peer(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..10).prop_map(Op::Visit),
        Just(Op::Diary),
        Just(Op::CheckIn),
        (0usize..4, any::<u8>()).prop_map(|(h, v)| Op::EditPlan(h, v)),
        (0usize..4, any::<u8>()).prop_map(|(h, v)| Op::EditHead(h, v)),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::Pass),
        1 => Just(Fault::DropRequest),
        1 => Just(Fault::DropResponse),
        1 => Just(Fault::Repeat),
        1 => Just(Fault::Delay),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..5, op()).prop_map(|(r, o)| Step::Edit(r, o)),
        2 => (0usize..5, fault()).prop_map(|(r, f)| Step::Sync(r, f)),
        1 => (0usize..5, 0usize..5).prop_map(|(a, b)| Step::Peer(a, b)),
    ]
}

fn cases() -> u32 {
    ["TAIZHANG_CONVERGENCE_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok().and_then(|c| c.parse().ok()))
        .unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_whatever_the_link_does(n in 2usize..=5, steps in proptest::collection::vec(step(), 1..40)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let server = TestServer::start(10).await;
            let mut replicas = Vec::new();
            for i in 0..n {
                replicas.push(server.device(i % 3).await);
            }
            // One link per replica, kept across syncs, so a delayed request lands later.
            let links: Vec<_> = (0..n).map(|_| FaultyTransport::new(server.transport(), [])).collect();
            for r in replicas.iter_mut() {
                r.sync(&server.transport(), NOW).await.expect("first sync");
            }
            for (k, s) in steps.into_iter().enumerate() {
                let at = NOW + k as i64 * 1000;
                match s {
                    Step::Edit(r, o) => {
                        let r = r % n;
                        let me = demo::member_id(r % 3);
                        let dev = &mut replicas[r];
                        match o {
                            Op::Visit(h) => dev.record_visit(&visit(me, household(h), at, "走访"), at).expect("visit"),
                            Op::Diary => dev.write_diary(&diary(me, at, "日记"), at).expect("diary"),
                            Op::CheckIn => { dev.check_in(&check_in(me, at), at).expect("check-in"); }
                            Op::EditPlan(h, v) | Op::EditHead(h, v) => {
                                let mut hh = dev.store().household(household(h)).expect("read").expect("exists").record;
                                if matches!(o, Op::EditPlan(..)) { hh.plan = format!("计划{v}"); } else { hh.head = format!("户主{v}"); }
                                dev.put_household(&hh, at).expect("edit");
                            }
                        }
                    }
                    Step::Sync(r, f) => {
                        links[r % n].then(f);
                        let _ = replicas[r % n].sync(&links[r % n], at).await; // failures are part of the test
                    }
                    Step::Peer(a, b) => {
                        let (a, b) = (a % n, b % n);
                        if a == b {
                            continue;
                        }
                        let (lo, hi) = (a.min(b), a.max(b));
                        let (left, right) = replicas.split_at_mut(hi);
                        let (first, second) = (&mut left[lo], &mut right[0]);
                        let (offers, joins) = if a < b { (first, second) } else { (second, first) };
                        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
                        let addr = listener.local_addr().expect("address");
                        let (served, joined) = tokio::join!(
                            offers.peer_serve_one(&listener, "PEER-TEST-CODE", at),
                            joins.peer_sync(addr, "PEER-TEST-CODE", at)
                        );
                        served.expect("the offering phone completes the exchange");
                        joined.expect("the joining phone completes the exchange");
                    }
                }
            }
            // Held-back requests land now, late, before everyone syncs twice.
            for (r, link) in replicas.iter_mut().zip(&links) {
                r.sync(link, NOW).await.expect("final sync through the faulty link");
            }
            for _ in 0..2 {
                for r in replicas.iter_mut() {
                    r.sync(&server.transport(), NOW).await.expect("final sync");
                }
            }
            let first = digest(&replicas[0]);
            for (i, r) in replicas.iter().enumerate() {
                assert_eq!(digest(r), first, "replica {i} differs");
                assert!(r.pending_docs().expect("pending").is_empty(), "replica {i} still has unsent changes");
            }
        });
    }
}
