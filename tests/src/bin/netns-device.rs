//! One phone as a child process for the network-namespace tests (`peer_netns.rs`): the
//! `taizhang-client` library on a store file, one command per run, results on stdout as
//! `key value` lines. `forge-peer` and `forge-server` play a dishonest teammate who signs a
//! change made in a colleague's name with its own key.

use std::path::PathBuf;

use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_client::{enroll, HttpTransport, Ledger, Transport};
use taizhang_peer::channel::Channel;
use taizhang_peer::wire::{binding_message, Give, Hello, Offer, Outcome};
use taizhang_sync::{paths, DocPush, SyncRequest, MAX_BATCH_BYTES, PROTOCOL_VERSION};

fn now() -> i64 {
    taizhang_sync_server::system_clock()
}

fn fail(what: impl std::fmt::Display) -> ! {
    println!("error {what}");
    std::process::exit(1);
}

/// A change in `victim`'s name (its actor) in a month nobody wrote, signed by this device.
fn forged(victim_actor: &str, victim_member: &str) -> (String, Vec<u8>) {
    let actor = hex::decode(victim_actor).unwrap_or_else(|e| fail(e));
    let mut doc = Automerge::new().with_actor(ActorId::from(actor));
    let mut tx = doc.transaction();
    let rec = tx.put_object(ROOT, "diary/00000000-0000-7000-8000-00000000f0f0", automerge::ObjType::Map);
    let rec = rec.unwrap_or_else(|e| fail(e));
    tx.put(&rec, "text", "forged").unwrap_or_else(|e| fail(e));
    tx.commit();
    let change = doc.get_changes(&[]).first().map(|c| c.raw_bytes().to_vec()).unwrap_or_default();
    (format!("log/{victim_member}/2027-01"), change)
}

fn secret(ledger: &Ledger) -> [u8; 32] {
    ledger
        .store()
        .meta("device_key")
        .ok()
        .flatten()
        .and_then(|k| hex::decode(k).ok())
        .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
        .unwrap_or_else(|| fail("not enrolled"))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let store = PathBuf::from(args.get(1).cloned().unwrap_or_else(|| fail("usage: netns-device <store> <cmd> ...")));
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| fail(format!("argument {i} missing")));
    match arg(2).as_str() {
        "enroll" => {
            let t = HttpTransport::new(&arg(3)).unwrap_or_else(|e| fail(e));
            let mut l = enroll(&store, &t, &arg(4), "netns phone", now()).await.unwrap_or_else(|e| fail(e));
            l.remember_server(&arg(3)).unwrap_or_else(|e| fail(e));
            println!("actor {}", hex::encode(l.actor().to_bytes()));
            println!("member {}", l.member().map(|m| m.0.to_string()).unwrap_or_default());
            println!("device {}", l.device_id().ok().flatten().map(|d| d.to_string()).unwrap_or_default());
        }
        "sync" => {
            let mut l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let t = HttpTransport::new(&arg(3)).unwrap_or_else(|e| fail(e));
            let r = l.sync(&t, now()).await.unwrap_or_else(|e| fail(e));
            l.refresh_peer_credentials(&t).await.unwrap_or_else(|e| fail(e));
            println!("pushed {} new {} received {}", r.changes_pushed, r.changes_new_on_server, r.changes_received);
            for (doc, why) in r.rejected {
                println!("rejected {doc} {why}");
            }
        }
        "record" => {
            let mut l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let me = l.member().unwrap_or_else(|| fail("no member"));
            let text = arg(3);
            l.write_diary(&taizhang_tests::diary(me, now(), &text), now()).unwrap_or_else(|e| fail(e));
            println!("recorded {text}");
        }
        "digest" => {
            let l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            println!("{}", taizhang_tests::digest(&l));
        }
        "serve" => {
            let mut l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let listener = tokio::net::TcpListener::bind(arg(3)).await.unwrap_or_else(|e| fail(e));
            println!("listening {}", listener.local_addr().map(|a| a.to_string()).unwrap_or_default());
            let count: u32 = arg(5).parse().unwrap_or(1);
            for _ in 0..count {
                match l.peer_serve_one(&listener, &arg(4), now()).await {
                    Ok(r) => {
                        println!("served received {} sent {}", r.changes_received, r.changes_sent);
                        for (doc, why) in r.refused {
                            println!("refused {doc} {why}");
                        }
                    }
                    Err(e) => println!("failed {e}"),
                }
            }
        }
        "join" => {
            let mut l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let addr = arg(3).parse().unwrap_or_else(|e| fail(e));
            let r = l.peer_sync(addr, &arg(4), now()).await.unwrap_or_else(|e| fail(e));
            println!(
                "joined received {} sent {} bytes {}",
                r.changes_received,
                r.changes_sent,
                r.bytes_in + r.bytes_out
            );
            for (doc, why) in r.refused_by_peer {
                println!("refused-by-peer {doc} {why}");
            }
        }
        "forge-peer" => {
            // Speaks the peer protocol by hand with an honest certificate and a forged change.
            let l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let key = secret(&l);
            let creds = l.peer_credentials().ok().flatten().unwrap_or_else(|| fail("no credentials"));
            let stream = tokio::net::TcpStream::connect(arg(3)).await.unwrap_or_else(|e| fail(e));
            let mut ch = Channel::connect(stream, &arg(4)).await.unwrap_or_else(|e| fail(e));
            let binding = taizhang_auth::sign(&key, &binding_message(ch.handshake_hash())).to_vec();
            // Speaks version 1 of the exchange (one Give, no batches), as an older app would:
            // the phone answers in version 1, and still refuses the forgery.
            let hello = Hello { version: 1, cert: creds.cert, binding, certs: creds.team, revocations: None };
            ch.send(&hello).await.unwrap_or_else(|e| fail(e));
            let _theirs: Hello = ch.recv().await.unwrap_or_else(|e| fail(e));
            ch.send(&Ok::<(), String>(())).await.unwrap_or_else(|e| fail(e));
            let admitted: Result<(), String> = ch.recv().await.unwrap_or_else(|e| fail(e));
            admitted.unwrap_or_else(|e| fail(e));
            ch.send(&Offer { docs: Vec::new() }).await.unwrap_or_else(|e| fail(e));
            let _: (Offer, Give) = ch.recv().await.unwrap_or_else(|e| fail(e));
            let (doc, change) = forged(&arg(5), &arg(6));
            let hash = automerge::Change::try_from(change.as_slice()).unwrap_or_else(|e| fail(e)).hash().0;
            let give = Give { docs: vec![(doc, vec![change])], sigs: vec![taizhang_peer::sign_change(&key, &hash)] };
            ch.send(&give).await.unwrap_or_else(|e| fail(e));
            let outcome: Outcome = ch.recv().await.unwrap_or_else(|e| fail(e));
            ch.send(&Outcome { docs: Vec::new() }).await.unwrap_or_else(|e| fail(e));
            for (doc, r) in outcome.docs {
                match r {
                    Ok(n) => println!("accepted {doc} {n}"),
                    Err(e) => println!("refused {doc} {e}"),
                }
            }
        }
        "forge-server" => {
            let l = Ledger::open(&store).unwrap_or_else(|e| fail(e));
            let key = secret(&l);
            let t = HttpTransport::new(&arg(3)).unwrap_or_else(|e| fail(e));
            let token = l.store().meta("auth_token").ok().flatten().unwrap_or_else(|| fail("no token"));
            let (doc, change) = forged(&arg(4), &arg(5));
            let hash = automerge::Change::try_from(change.as_slice()).unwrap_or_else(|e| fail(e)).hash().0;
            let req = SyncRequest {
                version: PROTOCOL_VERSION,
                village: l.village_id().0,
                cursor: u64::MAX,
                want_bytes: MAX_BATCH_BYTES as u32,
                docs: vec![DocPush { doc, changes: vec![change], sync_message: None }],
            };
            let body = taizhang_peer::encode_signed_request(&req, &[taizhang_peer::sign_change(&key, &hash)]);
            let answer = t
                .post(paths::SYNC, body, Some(&taizhang_auth::proven_bearer(&token, &key)))
                .await
                .unwrap_or_else(|e| fail(e));
            // A signed push asks for the signatures of what comes down: the answer has a trailer.
            let (resp, _) = taizhang_peer::decode_signed_response(&answer, taizhang_sync::MAX_DECODED_BYTES)
                .unwrap_or_else(|e| fail(e));
            for r in resp.results {
                match r.outcome {
                    taizhang_sync::DocOutcome::Rejected { code, .. } => println!("rejected {} {code}", r.doc),
                    other => println!("outcome {} {other:?}", r.doc),
                }
            }
        }
        other => fail(format!("unknown command {other}")),
    }
}
