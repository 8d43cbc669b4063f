//! 附近的队员 (issue 20) in the app: the server is out of reach; 王芳 offers on the village's
//! Wi-Fi, 李明 joins with her code and her address, and the diary entry he wrote offline goes
//! to her phone — both screens say with whom, and how much went each way. A wrong code fails in
//! words and loses nothing; stopping the offer ends it.

mod common;

use taizhang_app_core::contract::{DiaryInput, NearbyJoin, NearbyStatus};
use taizhang_app_core::AppCore;

/// The port of the offer, from the addresses the screen shows.
fn port(s: &NearbyStatus) -> String {
    let a = s.addresses.first().expect("an address to give the teammate");
    a.rsplit(':').next().expect("host:port").to_string()
}

async fn settled(core: &AppCore) -> NearbyStatus {
    for _ in 0..200 {
        let s = core.nearby_status().await.expect("status");
        if !s.busy && !s.exchanges.is_empty() {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the offering phone never recorded the exchange");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diary_entry_goes_to_a_teammates_phone_with_no_server() {
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    // Both synced once in town (the join): each holds the team's certificates.
    phones.server.stop().await;

    let entry = "村里没有信号，今天在三组走访，记在手机上";
    li.write_diary(DiaryInput { date: None, text: entry.into(), amends: None, attachments: Vec::new() })
        .await
        .expect("李明 writes offline");

    let before = wang.nearby_status().await.expect("status");
    assert!(before.available && !before.offering && before.exchanges.is_empty());
    let offer = wang.nearby_offer().await.expect("王芳 offers");
    assert!(offer.offering);
    let code = offer.code.clone().expect("a pairing code");
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
    assert!(offer.until.is_some());
    let address = format!("127.0.0.1:{}", port(&offer));

    // A wrong code opens nothing, and says so.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let failed = li
        .nearby_join(NearbyJoin { code: wrong.into(), address: Some(address.clone()) })
        .await
        .expect("a failed exchange is an answer, not a fault");
    assert!(failed.error.is_some() && failed.received == 0 && failed.sent == 0, "{failed:?}");
    let _ = settled(wang).await; // her side records the failed attempt too

    let done = li.nearby_join(NearbyJoin { code: code.clone(), address: Some(address) }).await.expect("李明 joins");
    assert_eq!(done.error, None, "{done:?}");
    assert!(!done.offered);
    assert_eq!(done.teammate.as_deref(), Some("王芳"), "{done:?}");
    assert!(done.sent >= 1, "李明's diary entry went to 王芳's phone: {done:?}");
    let wang_side = loop {
        let s = settled(wang).await;
        if s.exchanges.iter().any(|e| e.error.is_none()) {
            break s;
        }
    };
    let hers = wang_side.exchanges.iter().find(|e| e.error.is_none()).expect("the good exchange");
    assert!(hers.offered);
    assert_eq!(hers.teammate.as_deref(), Some("李明"));
    assert_eq!(hers.received, done.sent, "what he sent is what she received");
    assert!(wang_side.exchanges.iter().any(|e| e.error.is_some()), "the wrong code is on her list too");

    // Stopped: no offer any more.
    let stopped = wang.nearby_stop().await.expect("stop");
    assert!(!stopped.offering && stopped.code.is_none());
    assert!(li.nearby_join(NearbyJoin { code: "12".into(), address: Some("not an address".into()) }).await.is_err());
}
