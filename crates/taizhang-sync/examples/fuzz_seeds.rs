//! Writes the fuzzers' seed corpus (`fuzz/seeds/<target>/`): valid requests, answers, changes,
//! sync messages and document names, so fuzzing starts from inputs that reach deep code.
//! Run: `cargo run -p taizhang-sync --example fuzz_seeds`.

use std::path::PathBuf;

use automerge::sync::{Capability, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ROOT};
use taizhang_sync::{
    encode_request, encode_response, save_for_network, BootCursor, DocChanges, DocOutcome, DocPush, DocResult,
    SyncRequest, SyncResponse, PROTOCOL_VERSION,
};

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    let mut doc = Automerge::new().with_actor(ActorId::from(vec![5u8; 16]));
    for i in 0..3 {
        let mut tx = doc.transaction();
        let _ = tx.put(ROOT, format!("visit/{i}"), format!("入户走访 {i}"));
        tx.commit();
    }
    let changes: Vec<Vec<u8>> = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let mut state = State::new();
    let hello = Automerge::new().generate_sync_message(&mut State::new());
    if let Some(h) = hello {
        let _ = doc.receive_sync_message(&mut state, h);
    }
    state.their_capabilities = Some(vec![Capability::MessageV1]);
    let message = doc.generate_sync_message(&mut state).map(|m| m.encode()).unwrap_or_default();

    let request = SyncRequest {
        version: PROTOCOL_VERSION,
        village: uuid::Uuid::from_u128(1),
        cursor: 3,
        want_bytes: 60_000,
        docs: vec![
            DocPush {
                doc: "log/0193a000-0000-7000-8000-000000010000/2026-11".into(),
                changes: changes.clone(),
                sync_message: None,
            },
            DocPush { doc: "registry".into(), changes: vec![], sync_message: Some(message.clone()) },
        ],
    };
    let response = SyncResponse {
        version: PROTOCOL_VERSION,
        results: vec![DocResult {
            doc: "registry".into(),
            outcome: DocOutcome::Accepted { new: 3 },
            heads: vec![[7; 32]],
            sync_message: None,
        }],
        download: vec![DocChanges { doc: "team/2026".into(), changes: changes.clone(), heads: vec![[8; 32]] }],
        cursor: 9,
        more: true,
        server_time: 1_795_536_000_000,
        token: Some("dGVzdC10b2tlbg".into()),
    };
    // A fresh device's answer (issue 23): the document's saved form, then a change after it.
    let mut early = Automerge::new().with_actor(ActorId::from(vec![5u8; 16]));
    let first: Vec<automerge::Change> = doc.get_changes(&[]).into_iter().take(2).collect();
    early.apply_changes(first).expect("apply");
    let saved = save_for_network(&early);
    let boot = SyncResponse {
        download: vec![DocChanges {
            doc: "team/2026".into(),
            changes: vec![saved.clone(), changes[2].clone()],
            heads: vec![[8; 32]],
        }],
        cursor: BootCursor { upto: 9, next: 1 }.encode().expect("fits"),
        ..response.clone()
    };
    // Records as the field app writes them, each the first change of its own actor.
    let member = taizhang_domain::MemberId(uuid::Uuid::from_u128(taizhang_sync::fuzzing::FUZZ_MEMBER));
    let at = 1_795_536_000_000 + 10 * 3_600_000; // 2026-11-25 10:00 in Shanghai
    let record_change = |actor: u8, write: &dyn Fn(&mut automerge::transaction::Transaction<'_>)| {
        let mut d = Automerge::new().with_actor(ActorId::from(vec![actor; 16]));
        let mut tx = d.transaction();
        write(&mut tx);
        tx.commit();
        d.get_changes(&[])[0].raw_bytes().to_vec()
    };
    let check_in = taizhang_domain::CheckIn {
        id: taizhang_domain::CheckInId(uuid::Uuid::from_u128(11)),
        member,
        at,
        kind: taizhang_domain::CheckKind::In,
        location: Some(taizhang_domain::GpsFix {
            point: taizhang_domain::GeoPoint { lat: 26.1, lon: 107.2 },
            accuracy_m: Some(20.0),
        }),
        in_geofence: Some(true),
    };
    let diary = taizhang_domain::DiaryEntry {
        id: taizhang_domain::DiaryId(uuid::Uuid::from_u128(12)),
        member,
        date: taizhang_domain::local_date(at),
        text: "入户走访三户，了解春耕准备".into(),
        amends: None,
        written_at: at,
        attachments: Vec::new(),
    };
    let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
        ("pushed_records", "check_in", record_change(21, &|tx| taizhang_doc::write(tx, &check_in).expect("write"))),
        ("pushed_records", "diary", record_change(22, &|tx| taizhang_doc::write(tx, &diary).expect("write"))),
        (
            "pushed_records",
            "household",
            record_change(23, &|tx| taizhang_doc::write(tx, &taizhang_doc::demo::households(1)[0]).expect("write")),
        ),
        ("sync_request", "request.zst", encode_request(&request)),
        ("sync_response", "response.zst", encode_response(&response)),
        ("sync_response", "response_saved_form.zst", encode_response(&boot)),
        ("saved_form", "document", save_for_network(&doc)),
        ("saved_form", "deflated", doc.save()),
        ("change_chunk", "change", changes[0].clone()),
        ("change_chunk", "sync_message_v1", message),
        ("doc_id", "registry", b"registry".to_vec()),
        ("doc_id", "team", b"team/2026".to_vec()),
        ("doc_id", "log", b"log/0193a000-0000-7000-8000-000000010000/2026-11".to_vec()),
    ];
    for (target, name, bytes) in seeds {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
    }
    println!("seeds written under {}", root.display());
    Ok(())
}
