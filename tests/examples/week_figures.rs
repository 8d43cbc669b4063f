//! Measures one week of a 3-person team offline: requests and bytes each way of each device's
//! sync, against the zstd-compressed size of the changes themselves. Prints one JSON line;
//! the full benchmark harness is issue 6. Run: `cargo run --release -p taizhang-tests --example week_figures`.

use taizhang_doc::demo;
use taizhang_tests::*;

#[tokio::main]
async fn main() {
    let server = TestServer::start(200).await;
    let t = server.transport();
    let mut devs = Vec::new();
    for i in 0..3 {
        devs.push(server.device(i).await);
    }
    for d in devs.iter_mut() {
        d.sync(&t, NOW).await.expect("first sync");
    }
    let cursor_before = server.store.read_log(demo::VILLAGE.0, 0, usize::MAX).await.expect("log").cursor;
    for (i, d) in devs.iter_mut().enumerate() {
        let me = demo::member_id(i);
        for day in 0..7i64 {
            let at = NOW + day * 86_400_000 + i as i64 * 1000;
            d.check_in(&check_in(me, at), at).expect("check-in");
            for k in 0..4 {
                let h = household(((day * 4 + k) as usize + i * 50) % 200);
                d.record_visit(
                    &visit(me, h, at + k * 600_000, "了解家庭收入、就医、就学情况，核实两不愁三保障落实"),
                    at + 3_600_000,
                )
                .expect("visit");
            }
            d.write_diary(&diary(me, at, "上午入户走访四户，下午参加村两委会议，研究产业项目推进"), at + 7_200_000)
                .expect("diary");
        }
    }
    let mut out = Vec::new();
    for (i, d) in devs.iter_mut().enumerate() {
        let r = d.sync(&t, NOW + 8 * 86_400_000).await.expect("sync");
        out.push(format!(
            "{{\"device\":{i},\"requests\":{},\"bytes_up\":{},\"bytes_down\":{},\"pushed\":{},\"received\":{}}}",
            r.requests, r.bytes_up, r.bytes_down, r.changes_pushed, r.changes_received
        ));
    }
    // The payload itself: the week's changes, concatenated and zstd-compressed at the same level.
    let log = server.store.read_log(demo::VILLAGE.0, cursor_before, usize::MAX).await.expect("log");
    let raw: Vec<u8> = log.entries.iter().flat_map(|e| e.bytes.clone()).collect();
    let compressed = zstd::bulk::compress(&raw, 9).expect("zstd");
    println!(
        "{{\"week_changes\":{},\"payload_raw\":{},\"payload_zstd\":{},\"syncs\":[{}]}}",
        log.entries.len(),
        raw.len(),
        compressed.len(),
        out.join(",")
    );
}
