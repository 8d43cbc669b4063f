//! Authorization through the real HTTP server on port 0: the matrix of every role × every
//! document kind × read/write (plus other village, revoked device, expired, missing and bad
//! token), a forged actor, deleting a colleague's check-in, revocation, a reused enrollment
//! code, the rate limit, and a filed month.

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT};
use chrono::NaiveDate;
use taizhang_auth::Role;
use taizhang_doc::{demo, write, FilingRecord};
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, GeoPoint, LeaveId, LeaveKind, LeaveRequest, LeaveState,
    MemberId, MonthFiling, MonthScoreSheet, MonthSubmission, ReportPeriod, ScoreItem, ScoreItemKind, ScoreState,
    YearMonth,
};

use taizhang_sync::DocOutcome;
use taizhang_sync_server::{admin, Limits};
use taizhang_tests::*;
use uuid::Uuid;

const NOV: YearMonth = YearMonth { year: 2026, month: 11 };
const ZHANG: usize = 2;
/// 张伟's pending leave request, made in the set-up; the deciders decide it.
const ZHANG_LEAVE: LeaveId = LeaveId(Uuid::from_u128(0x1ea7e));

fn log_doc(member: Uuid) -> String {
    format!("log/{member}/{NOV}")
}

fn check_in_of(member: Uuid) -> CheckIn {
    CheckIn {
        id: CheckInId(Uuid::now_v7()),
        member: MemberId(member),
        at: NOW,
        kind: CheckKind::In,
        location: None,
        in_geofence: None,
    }
}

/// What the server did with one pushed document (or the whole request).
#[derive(Debug, Clone, PartialEq)]
enum Got {
    Accepted,
    Rejected(String),
    Http(u16),
}

impl Got {
    fn allowed(&self) -> bool {
        matches!(self, Got::Accepted)
    }
}

/// Pushes one document's changes and checks the server stored them exactly when accepted.
async fn push_one(server: &TestServer, dev: &RawDevice, doc: &str, changes: Vec<Vec<u8>>) -> Got {
    assert!(!changes.is_empty(), "the case must really change {doc}");
    let (status, answer, _) = dev.push(demo::VILLAGE.0, vec![(doc.to_string(), changes.clone())]).await;
    let got = match answer {
        None => Got::Http(status),
        Some(a) => match &a.results[0].outcome {
            DocOutcome::Accepted { new } => {
                assert_eq!(*new as usize, changes.len(), "{doc}: every change new");
                Got::Accepted
            }
            DocOutcome::Rejected { code, .. } => Got::Rejected(code.clone()),
            DocOutcome::MissingDeps => panic!("{doc}: unexpected missing deps"),
        },
    };
    let stored = server.store.doc_changes(demo::VILLAGE.0, doc).await.expect("doc changes");
    for c in &changes {
        assert_eq!(stored.contains(c), got.allowed(), "{doc}: stored exactly when accepted ({got:?})");
    }
    got
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum WriteCase {
    RegistryHousehold,
    TeamLeaveRequest,
    TeamLeaveDecision,
    TeamFiling,
    OwnLog,
    ColleagueLog,
    Assessment,
    /// Removing a household from the registry: the first secretary's decision only.
    RegistryHouseholdDelete,
    /// A check-in of another month in one's own log (a filed month reached sideways): nobody.
    OwnLogOtherMonth,
    /// 张伟's October score sheet, entered: the first secretary only.
    TeamScoreMember,
    /// The first secretary's October score sheet, scored and checked by the writer: the
    /// township only (nobody scores themselves).
    TeamScoreFirstSecretary,
    /// One's own October submission (提交本月): each member of the team, late or not.
    TeamOwnSubmission,
    /// 张伟's October submission written by someone else: nobody.
    TeamColleagueSubmission,
    /// The team's third-quarter report (季报告), signed by the writer: the first secretary only.
    TeamReport,
    /// A new inspection finding on a household, signed by the writer (issue 16): township and
    /// county staff only (the team answers findings, it does not make them).
    RegistryFinding,
}

const WRITES: [WriteCase; 15] = [
    WriteCase::RegistryHousehold,
    WriteCase::TeamLeaveRequest,
    WriteCase::TeamLeaveDecision,
    WriteCase::TeamFiling,
    WriteCase::OwnLog,
    WriteCase::ColleagueLog,
    WriteCase::Assessment,
    WriteCase::RegistryHouseholdDelete,
    WriteCase::OwnLogOtherMonth,
    WriteCase::TeamScoreMember,
    WriteCase::TeamScoreFirstSecretary,
    WriteCase::TeamOwnSubmission,
    WriteCase::TeamColleagueSubmission,
    WriteCase::TeamReport,
    WriteCase::RegistryFinding,
];

async fn attempt(server: &TestServer, dev: &RawDevice, case: WriteCase, salt: usize) -> Got {
    let me = MemberId(dev.account);
    let zhang = account(ZHANG).id;
    let (doc, changes) = match case {
        WriteCase::RegistryHousehold => {
            let mut h = demo::households(10)[3].clone();
            h.plan = format!("产业帮扶计划 {salt}");
            (
                "registry".to_string(),
                change_on(server, demo::VILLAGE.0, "registry", &dev.actor, |tx| write(tx, &h).expect("write")).await,
            )
        }
        WriteCase::TeamLeaveRequest => {
            let l = LeaveRequest {
                id: LeaveId(Uuid::now_v7()),
                member: me,
                from: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
                to: NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
                reason: "家中有事".into(),
                state: LeaveState::Pending,
                decided_by: None,
                kind: LeaveKind::Personal,
                returned_on: None,
            };
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &l).expect("write")).await,
            )
        }
        WriteCase::TeamLeaveDecision => {
            let l = LeaveRequest {
                id: ZHANG_LEAVE,
                member: MemberId(zhang),
                from: NaiveDate::from_ymd_opt(2026, 12, 10).expect("date"),
                to: NaiveDate::from_ymd_opt(2026, 12, 12).expect("date"),
                reason: "体检".into(),
                state: if salt.is_multiple_of(2) { LeaveState::Approved } else { LeaveState::Rejected },
                decided_by: Some(me),
                kind: LeaveKind::Personal,
                returned_on: None,
            };
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &l).expect("write")).await,
            )
        }
        WriteCase::TeamFiling => {
            let f = FilingRecord(MonthFiling {
                member: MemberId(zhang),
                month: YearMonth { year: 2026, month: 10 },
                filed_by: me,
                filed_at: NOW + salt as i64,
            });
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &f).expect("write")).await,
            )
        }
        WriteCase::OwnLog | WriteCase::ColleagueLog => {
            let who = if case == WriteCase::OwnLog { dev.account } else { zhang };
            let c = check_in_of(who);
            let doc = log_doc(who);
            let changes =
                change_on(server, demo::VILLAGE.0, &doc, &dev.actor, |tx| write(tx, &c).expect("write")).await;
            (doc, changes)
        }
        WriteCase::RegistryHouseholdDelete => {
            // A household of its own per device (5..9), so one removal leaves the others' there.
            let key = format!("household/{}", demo::households(10)[5 + salt % 5].id);
            let changes = change_on(server, demo::VILLAGE.0, "registry", &dev.actor, |tx| {
                tx.delete(ROOT, key.as_str()).expect("delete");
            })
            .await;
            ("registry".into(), changes)
        }
        WriteCase::OwnLogOtherMonth => {
            let c = CheckIn { at: NOW - 30 * 86_400_000, ..check_in_of(dev.account) };
            let doc = log_doc(dev.account);
            let changes =
                change_on(server, demo::VILLAGE.0, &doc, &dev.actor, |tx| write(tx, &c).expect("write")).await;
            (doc, changes)
        }
        WriteCase::TeamScoreMember | WriteCase::TeamScoreFirstSecretary => {
            let by_township = case == WriteCase::TeamScoreFirstSecretary;
            let sheet = MonthScoreSheet {
                member: if by_township { demo::member_id(0) } else { MemberId(zhang) },
                month: YearMonth { year: 2026, month: 10 },
                items: vec![ScoreItem {
                    kind: ScoreItemKind::Bonus, points: 0.5, reason: format!("协调修路 {salt}")
                }],
                note: String::new(),
                scored_by: me,
                scored_at: NOW - 86_400_000,
                state: if by_township { ScoreState::Confirmed } else { ScoreState::Entered },
                checked_by: by_township.then_some(dev.account),
                checked_at: by_township.then_some(NOW - 86_400_000),
                check_note: String::new(),
                audited_by: None,
                audited_at: None,
                audit_points: None,
                audit_note: String::new(),
            };
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &sheet).expect("write"))
                    .await,
            )
        }
        WriteCase::TeamOwnSubmission | WriteCase::TeamColleagueSubmission => {
            let whose = if case == WriteCase::TeamOwnSubmission { me } else { MemberId(zhang) };
            let sub = MonthSubmission {
                member: whose,
                month: YearMonth { year: 2026, month: 10 },
                gaps: vec![NaiveDate::from_ymd_opt(2026, 10, 9).expect("date")],
                note: format!("10月9日在县里开会 {salt}"),
                submitted_at: NOW,
            };
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &sub).expect("write")).await,
            )
        }
        WriteCase::TeamReport => {
            let r = taizhang_domain::TeamReport {
                period: ReportPeriod::Quarter { year: 2026, quarter: 3 },
                text: format!("第三季度：走访全村农户，协调修路 {salt}"),
                written_by: me,
                written_at: NOW,
            };
            (
                "team/2026".into(),
                change_on(server, demo::VILLAGE.0, "team/2026", &dev.actor, |tx| write(tx, &r).expect("write")).await,
            )
        }
        WriteCase::RegistryFinding => {
            let f = taizhang_domain::Finding {
                id: taizhang_domain::FindingId(Uuid::now_v7()),
                household: Some(demo::households(10)[3].id),
                diary: None,
                member: None,
                text: format!("饮水安全未核查 {salt}"),
                found_by: dev.account,
                found_by_name: "检查人".into(),
                found_at: NOW,
                answer: String::new(),
                answered_by: None,
                answered_at: None,
                review: None,
            };
            (
                "registry".into(),
                change_on(server, demo::VILLAGE.0, "registry", &dev.actor, |tx| write(tx, &f).expect("write")).await,
            )
        }
        WriteCase::Assessment => {
            let changes = change_on(server, demo::VILLAGE.0, "assessment/2026", &dev.actor, |tx| {
                let obj = tx.put_object(ROOT, format!("score/{}", Uuid::now_v7()), ObjType::Map).expect("obj");
                tx.put(&obj, "member", zhang.to_string()).expect("put");
                tx.put(&obj, "month", "2026-11").expect("put");
                tx.put(&obj, "points", 9i64).expect("put");
            })
            .await;
            ("assessment/2026".into(), changes)
        }
    };
    push_one(server, dev, &doc, changes).await
}

/// The expected write decision, from the rules.
fn expected_write(role: Role, case: WriteCase) -> bool {
    use WriteCase::*;
    match role {
        Role::Member => matches!(case, RegistryHousehold | TeamLeaveRequest | OwnLog | TeamOwnSubmission),
        Role::FirstSecretary => matches!(
            case,
            RegistryHousehold
                | RegistryHouseholdDelete
                | TeamLeaveRequest
                | TeamLeaveDecision
                | TeamFiling
                | OwnLog
                | TeamScoreMember
                | TeamOwnSubmission
                | TeamReport
        ),
        Role::TownshipStaff => {
            matches!(case, TeamLeaveDecision | TeamFiling | TeamScoreFirstSecretary | RegistryFinding)
        }
        Role::CountyStaff => matches!(case, Assessment | RegistryFinding),
        Role::Admin => false,
    }
}

/// Reads the village from cursor 0: the document kinds received, or the HTTP status. A
/// refused read must carry no byte of the village.
async fn read_kinds(
    dev: &RawDevice,
    token: Option<&str>,
    village: Uuid,
    secrets: &[Vec<u8>],
) -> Result<Vec<String>, u16> {
    let req = taizhang_sync::SyncRequest {
        version: taizhang_sync::PROTOCOL_VERSION,
        village,
        cursor: 0,
        want_bytes: taizhang_sync::MAX_BATCH_BYTES as u32,
        docs: vec![],
    };
    let (status, answer, body) = dev.sync_with(token, &req).await;
    match answer {
        Some(mut a) => {
            // Read every page.
            let mut kinds: Vec<String> =
                a.download.iter().map(|d| d.doc.split('/').next().unwrap_or("").to_string()).collect();
            while a.more {
                let (_, next, _) =
                    dev.sync_with(token, &taizhang_sync::SyncRequest { cursor: a.cursor, ..req.clone() }).await;
                a = next.expect("next page");
                kinds.extend(a.download.iter().map(|d| d.doc.split('/').next().unwrap_or("").to_string()));
            }
            kinds.sort();
            kinds.dedup();
            Ok(kinds)
        }
        None => {
            assert!(body.len() < 400, "a refusal is a short message, got {} bytes", body.len());
            let text = String::from_utf8(body.clone()).expect("a refusal is plain text");
            for h in demo::households(10) {
                assert!(!text.contains(&h.head), "the refusal leaks a household name");
            }
            for s in secrets {
                let window = &s[s.len() / 2..s.len() / 2 + 16];
                assert!(!body.windows(16).any(|w| w == window), "the refusal leaks change bytes");
            }
            Err(status)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authorization_matrix_holds_exactly() {
    let server = TestServer::start(10).await;
    let url = server.url.clone();
    let enroll = |i: usize| {
        let url = url.clone();
        let server = &server;
        async move { RawDevice::enroll(&url, &server.code(i).await).await.expect("enroll") }
    };
    // Set-up: 张伟 asks for leave and checks in; the county writes one assessment.
    let zhang = enroll(ZHANG).await;
    let leave = LeaveRequest {
        id: ZHANG_LEAVE,
        member: MemberId(zhang.account),
        from: NaiveDate::from_ymd_opt(2026, 12, 10).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 12, 12).expect("date"),
        reason: "体检".into(),
        state: LeaveState::Pending,
        decided_by: None,
        kind: LeaveKind::Personal,
        returned_on: None,
    };
    let c = change_on(&server, demo::VILLAGE.0, "team/2026", &zhang.actor, |tx| write(tx, &leave).expect("w")).await;
    assert_eq!(push_one(&server, &zhang, "team/2026", c).await, Got::Accepted);
    let c = check_in_of(zhang.account);
    let doc = log_doc(zhang.account);
    let changes = change_on(&server, demo::VILLAGE.0, &doc, &zhang.actor, |tx| write(tx, &c).expect("w")).await;
    assert_eq!(push_one(&server, &zhang, &doc, changes).await, Got::Accepted);

    let roles = [
        (1usize, Role::Member),
        (0, Role::FirstSecretary),
        (TOWNSHIP, Role::TownshipStaff),
        (COUNTY, Role::CountyStaff),
        (ADMIN, Role::Admin),
    ];
    let mut devices = Vec::new();
    for (i, role) in roles {
        assert_eq!(account(i).role, role);
        devices.push((role, enroll(i).await));
    }
    let county = &devices[3].1;
    assert_eq!(attempt(&server, county, WriteCase::Assessment, 0).await, Got::Accepted, "set-up assessment");

    let mut cases = 0;
    let mut table = String::new();
    for (k, (role, dev)) in devices.iter().enumerate() {
        for case in WRITES {
            let got = attempt(&server, dev, case, k).await;
            let want = expected_write(*role, case);
            table.push_str(&format!("{:<16} write {:<18} {:?}\n", role.code(), format!("{case:?}"), got));
            assert_eq!(got.allowed(), want, "{role} {case:?}: got {got:?}");
            if *role == Role::Admin {
                assert_eq!(got, Got::Http(403), "an administrator's sync is refused whole");
            }
            cases += 1;
        }
    }
    // Reads: every kind of document, after the writes above.
    let secrets = server.store.doc_changes(demo::VILLAGE.0, "registry").await.expect("registry");
    for (role, dev) in &devices {
        let got = read_kinds(dev, Some(&dev.token), demo::VILLAGE.0, &secrets).await;
        for kind in ["assessment", "log", "registry", "team"] {
            let allowed = *role != Role::Admin;
            table.push_str(&format!(
                "{:<16} read  {kind:<18} {:?}\n",
                role.code(),
                got.as_ref().map(|k| k.iter().any(|x| x == kind))
            ));
            match &got {
                Ok(kinds) => assert!(allowed && kinds.iter().any(|x| x == kind), "{role} reads {kind}: {kinds:?}"),
                Err(status) => assert!(!allowed && *status == 403, "{role} read {kind}: HTTP {status}"),
            }
            cases += 1;
        }
    }

    // Another county, township and village, with its own member and staff.
    let now = NOW;
    let other_county = admin::create_county(server.store.as_ref(), "长顺县", now).await.expect("county");
    let other_township =
        admin::create_township(server.store.as_ref(), other_county, "广顺镇", now).await.expect("township");
    let other_village = admin::create_village(
        server.store.as_ref(),
        Uuid::now_v7(),
        other_township,
        "新寨村",
        GeoPoint { lat: 26.0, lon: 106.4 },
        1000.0,
        now,
    )
    .await
    .expect("village");
    let mut extra = Vec::new();
    for (role, scope, name) in [
        (Role::Member, other_village, "other village member"),
        (Role::TownshipStaff, other_township, "other township staff"),
        (Role::CountyStaff, other_county, "other county staff"),
    ] {
        let a = admin::create_account(server.store.as_ref(), Uuid::now_v7(), name, role, scope, "", now)
            .await
            .expect("acct");
        let code = admin::new_enrollment_code(server.store.as_ref(), a.id, now, 30).await.expect("code");
        let dev = RawDevice::enroll(&url, &code.display()).await.expect("enroll");
        let read = read_kinds(&dev, Some(&dev.token), demo::VILLAGE.0, &secrets).await;
        assert_eq!(read, Err(403), "{name} reads 石门村");
        let got = attempt(&server, &dev, WriteCase::RegistryHousehold, 0).await;
        assert_eq!(got, Got::Http(403), "{name} writes 石门村");
        extra.push(format!("{name}: read {read:?}, write {got:?}"));
        cases += 2;
        if role == Role::Member {
            // Its own village it reads (the registry the admin wrote).
            let own = read_kinds(&dev, Some(&dev.token), other_village, &[]).await.expect("own village");
            assert_eq!(own, vec!["registry".to_string()]);
            cases += 1;
        }
    }

    // No token, a bad token, an expired token, a revoked device.
    let member = &devices[0].1;
    assert_eq!(read_kinds(member, None, demo::VILLAGE.0, &secrets).await, Err(401), "no token");
    assert_eq!(read_kinds(member, Some("00ff"), demo::VILLAGE.0, &secrets).await, Err(401), "bad token");
    let forged = {
        let mut t = hex::decode(&member.token).expect("hex");
        t[20] ^= 0x40; // a later expiry, not signed by the server
        hex::encode(t)
    };
    assert_eq!(read_kinds(member, Some(&forged), demo::VILLAGE.0, &secrets).await, Err(401), "forged token");
    server.advance(taizhang_auth::TOKEN_TTL_MS);
    assert_eq!(read_kinds(member, Some(&member.token), demo::VILLAGE.0, &secrets).await, Err(401), "expired token");
    let mut fresh = member.clone();
    fresh.token = sign_in(&fresh).await.expect("sign in again");
    assert!(read_kinds(&fresh, Some(&fresh.token), demo::VILLAGE.0, &secrets).await.is_ok(), "renewed by signing in");
    assert!(server.store.revoke_device(member.device_id, NOW).await.expect("revoke"));
    assert_eq!(read_kinds(&fresh, Some(&fresh.token), demo::VILLAGE.0, &secrets).await, Err(403), "revoked: read");
    assert_eq!(attempt(&server, &fresh, WriteCase::OwnLog, 0).await, Got::Http(403), "revoked: write");
    assert_eq!(sign_in(&fresh).await, Err(403), "revoked: no new token");
    cases += 7;

    println!("{table}{}", extra.join("\n"));
    println!("authorization matrix: {cases} cases, all as expected");
    assert_eq!(cases, 5 * WRITES.len() + 5 * 4 + 7 + 7);
}

/// Signs in by hand: challenge, signature, token.
async fn sign_in(dev: &RawDevice) -> Result<String, u16> {
    let http = reqwest::Client::new();
    let c: taizhang_sync::ChallengeResponse = serde_json::from_slice(
        &http.post(format!("{}/v1/challenge", dev.url)).send().await.expect("challenge").bytes().await.expect("body"),
    )
    .expect("json");
    let req = taizhang_sync::TokenRequest {
        device_id: dev.device_id,
        signature: hex::encode(taizhang_auth::sign(
            &dev.secret,
            &taizhang_auth::auth_message(dev.device_id, &c.challenge),
        )),
        challenge: c.challenge,
    };
    let resp = http
        .post(format!("{}/v1/token", dev.url))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&req).expect("json"))
        .send()
        .await
        .expect("token");
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(status);
    }
    let t: taizhang_sync::TokenResponse = serde_json::from_slice(&resp.bytes().await.expect("body")).expect("json");
    Ok(t.token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_actor_is_rejected_and_blocks_nobody_else() {
    let server = TestServer::start(10).await;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("li");
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("wang");
    // Wang makes a check-in in Li's name AND with Li's actor (Automerge alone would take it),
    // plus an honest household edit, in one request.
    let fake = check_in_of(li.account);
    let forged =
        change_on(&server, demo::VILLAGE.0, &log_doc(li.account), &li.actor, |tx| write(tx, &fake).expect("w")).await;
    let mut h = demo::households(10)[1].clone();
    h.plan = "修缮房屋".into();
    let honest = change_on(&server, demo::VILLAGE.0, "registry", &wang.actor, |tx| write(tx, &h).expect("w")).await;
    // Also with Li's actor in Wang's own log.
    let own = check_in_of(wang.account);
    let forged_own =
        change_on(&server, demo::VILLAGE.0, &log_doc(wang.account), &li.actor, |tx| write(tx, &own).expect("w")).await;
    let (status, answer, _) = wang
        .push(
            demo::VILLAGE.0,
            vec![
                (log_doc(li.account), forged.clone()),
                ("registry".into(), honest),
                (log_doc(wang.account), forged_own.clone()),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let a = answer.expect("answer");
    for i in [0, 2] {
        match &a.results[i].outcome {
            DocOutcome::Rejected { code, message } => {
                assert_eq!(code, "actor_not_bound");
                assert!(message.contains("not bound to this device"), "{message}");
            }
            other => panic!("forged change accepted: {other:?}"),
        }
    }
    assert_eq!(a.results[1].outcome, DocOutcome::Accepted { new: 1 }, "the honest document is stored");
    for (doc, c) in [(log_doc(li.account), &forged), (log_doc(wang.account), &forged_own)] {
        let stored = server.store.doc_changes(demo::VILLAGE.0, &doc).await.expect("changes");
        assert!(!stored.contains(&c[0]), "nothing of the forgery is stored");
    }
    // Li is not blocked: his own real check-in goes through.
    let real =
        change_on(&server, demo::VILLAGE.0, &log_doc(li.account), &li.actor, |tx| write(tx, &fake).expect("w")).await;
    let (_, answer, _) = li.push(demo::VILLAGE.0, vec![(log_doc(li.account), real)]).await;
    assert_eq!(answer.expect("answer").results[0].outcome, DocOutcome::Accepted { new: 1 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_colleagues_check_in_is_rejected() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    let mut wang = server.device(1).await;
    let li_id = demo::member_id(0);
    let wang_id = demo::member_id(1);
    li.sync(&t, NOW).await.expect("li fetches the village");
    wang.sync(&t, NOW).await.expect("wang fetches the village");
    let c = li.check_in(&check_in(li_id, NOW), NOW).expect("li checks in");
    let w = wang.check_in(&check_in(wang_id, NOW), NOW).expect("wang checks in");
    li.sync(&t, NOW).await.expect("li syncs");
    wang.sync(&t, NOW).await.expect("wang syncs");
    li.sync(&t, NOW).await.expect("li syncs again");

    // Wang (a member) deletes Li's check-in; Li (the first secretary) deletes Wang's.
    let wang_raw = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("wang raw");
    let li_raw = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("li raw");
    for (dev, victim, key) in
        [(&wang_raw, li_id, format!("checkin/{}", c.id)), (&li_raw, wang_id, format!("checkin/{}", w.id))]
    {
        let doc = log_doc(victim.0);
        let del =
            change_on(&server, demo::VILLAGE.0, &doc, &dev.actor, |tx| tx.delete(ROOT, key.as_str()).expect("delete"))
                .await;
        let (_, answer, _) = dev.push(demo::VILLAGE.0, vec![(doc.clone(), del)]).await;
        match &answer.expect("answer").results[0].outcome {
            DocOutcome::Rejected { code, .. } => assert_eq!(code, "not_owner"),
            other => panic!("a colleague's check-in was deleted: {other:?}"),
        }
    }
    // Both check-ins are still there for everyone.
    let mut zhang = server.device(2).await;
    zhang.sync(&t, NOW).await.expect("zhang syncs");
    assert_eq!(zhang.store().counts().expect("counts").check_ins, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_denied_and_nothing_it_synced_is_lost() {
    let server = TestServer::start(10).await;
    let t = server.transport();
    let mut wang = server.device(1).await;
    let wang_id = demo::member_id(1);
    wang.sync(&t, NOW).await.expect("fetch the village");
    wang.record_visit(&visit(wang_id, household(2), NOW, "了解就医需求"), NOW).expect("visit");
    wang.sync(&t, NOW).await.expect("sync before the phone is lost");

    // The phone is lost; the administrator revokes it.
    let device = wang.device_id().expect("meta").expect("enrolled");
    assert!(server.store.revoke_device(device, NOW + 1000).await.expect("revoke"));
    wang.record_visit(&visit(wang_id, household(3), NOW + 2000, "之后的走访"), NOW + 2000)
        .expect("still saves locally");
    let err = wang.sync(&t, NOW + 3000).await.expect_err("revoked");
    assert!(err.to_string().contains("revoked"), "{err}");
    let err = wang.sign_in(&t).await.expect_err("no new token either");
    assert!(err.to_string().contains("revoked"), "{err}");
    assert_eq!(wang.store().counts().expect("counts").visits, 2, "the device loses nothing either");

    // What it synced before is kept and reaches the team.
    let mut li = server.device(0).await;
    li.sync(&t, NOW + 4000).await.expect("li syncs");
    assert_eq!(li.store().counts().expect("counts").visits, 1);

    // A new phone with a new code works, and the old one stays revoked.
    let mut new_phone = server.device(1).await;
    new_phone.sync(&t, NOW + 5000).await.expect("new phone");
    assert_eq!(new_phone.store().counts().expect("counts").visits, 1);
    assert!(server.store.device(device).await.expect("device").expect("kept").revoked_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrollment_code_works_once() {
    let server = TestServer::start(5).await;
    let code = server.code(1).await;
    let first = taizhang_client::enroll_in_memory(&server.transport(), &code, "phone", NOW).await;
    assert!(first.is_ok());
    let again = taizhang_client::enroll_in_memory(&server.transport(), &code, "second phone", NOW).await;
    let err = again.expect_err("a used code enrolls nothing");
    assert!(err.to_string().contains("already used"), "{err}");
    let bad = taizhang_client::enroll_in_memory(&server.transport(), "AAAA-BBBB-CCCC-DDDD", "x", NOW).await;
    assert!(bad.expect_err("unknown").to_string().contains("not known"));
    assert_eq!(server.store.devices().await.expect("devices").len(), 1);
    // A staff account cannot open a field store (it has no village of its own).
    let staff = taizhang_client::enroll_in_memory(&server.transport(), &server.code(COUNTY).await, "pc", NOW).await;
    assert!(matches!(staff, Err(taizhang_client::ClientError::NoVillage(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_get_429_with_retry_after_then_pass_next_minute() {
    let server = TestServer::start_with(5, Limits { requests_per_minute: 3, ..Limits::default() }).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    for _ in 0..3 {
        li.sync(&t, NOW).await.expect("under the limit");
    }
    match li.sync(&t, NOW).await {
        Err(taizhang_client::ClientError::Transport(taizhang_client::TransportError::RateLimited {
            retry_after_s,
        })) => {
            assert!((1..=60).contains(&retry_after_s), "{retry_after_s}");
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // Another device is not affected.
    let mut wang = server.device(1).await;
    wang.sync(&t, NOW).await.expect("another device");
    server.advance(60_000);
    li.sync(&t, NOW).await.expect("the next minute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filed_month_takes_only_its_owners_amendments() {
    let server = TestServer::start(5).await;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("li");
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("wang");
    let d = DiaryEntry {
        id: DiaryId(Uuid::now_v7()),
        member: MemberId(wang.account),
        date: NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
        text: "走访三户".into(),
        amends: None,
        written_at: NOW,
        attachments: Vec::new(),
    };
    let doc = log_doc(wang.account);
    let c = change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &d).expect("w")).await;
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Accepted);
    // Li files Wang's November.
    let f = FilingRecord(MonthFiling {
        member: MemberId(wang.account),
        month: NOV,
        filed_by: MemberId(li.account),
        filed_at: NOW,
    });
    let c = change_on(&server, demo::VILLAGE.0, "team/2026", &li.actor, |tx| write(tx, &f).expect("w")).await;
    assert_eq!(push_one(&server, &li, "team/2026", c).await, Got::Accepted);

    // Editing the filed entry: refused. A check-in made in the month but arriving after the
    // filing is evidence, never refused for arriving late: accepted.
    let mut edited = d.clone();
    edited.text = "走访五户".into();
    let c = change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &edited).expect("w")).await;
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Rejected("month_filed".into()));
    let ci = check_in_of(wang.account);
    let c = change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &ci).expect("w")).await;
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Accepted);
    // An amendment by the owner: stored, visible as such.
    let amendment =
        DiaryEntry {
            id: DiaryId(Uuid::now_v7()), amends: Some(d.id), text: "更正：走访五户".into(), ..d.clone()
        };
    let c = change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &amendment).expect("w")).await;
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Accepted);
    // The first secretary may not amend someone else's filed month.
    let by_li = DiaryEntry { id: DiaryId(Uuid::now_v7()), ..amendment.clone() };
    let c = change_on(&server, demo::VILLAGE.0, &doc, &li.actor, |tx| write(tx, &by_li).expect("w")).await;
    assert_eq!(push_one(&server, &li, &doc, c).await, Got::Rejected("not_owner".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_by_signing_in_without_the_device_clock() {
    let server = TestServer::start(5).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("sync");
    // Weeks offline: the server's clock moves on; the device's clock is a year off.
    server.advance(21 * 86_400_000);
    let r = li.sync(&t, NOW - 365 * 86_400_000).await.expect("signs in again and syncs");
    assert!(r.rejected.is_empty());
    assert_eq!(r.server_time, NOW + 21 * 86_400_000);
}

/// `POST /v1/actor` as `dev` (its token), for `actor`, signed with `key`: the HTTP status.
async fn post_actor(dev: &RawDevice, actor: &[u8], key: &[u8; 32]) -> u16 {
    let req = taizhang_sync::ActorRequest {
        actor: hex::encode(actor),
        signature: hex::encode(taizhang_auth::sign(key, &taizhang_auth::actor_message(dev.device_id, actor))),
    };
    reqwest::Client::new()
        .post(format!("{}{}", dev.url, taizhang_sync::paths::ACTOR))
        .bearer_auth(&dev.token)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&req).expect("json"))
        .send()
        .await
        .expect("post actor")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_actor_sequence_number_is_refused_and_a_new_actor_needs_the_device_key() {
    let server = TestServer::start(5).await;
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("wang");
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("li");
    let doc = format!("log/{}/2026-11", wang.account);
    let first = check_in_of(wang.account);
    let c = change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &first).expect("w")).await;
    assert_eq!(push_one(&server, &wang, &doc, c.clone()).await, Got::Accepted);
    // The same change again is a retry: stored once, answered as accepted with nothing new.
    let (_, again, _) = wang.push(demo::VILLAGE.0, vec![(doc.clone(), c)]).await;
    assert_eq!(again.expect("answer").results[0].outcome, DocOutcome::Accepted { new: 0 });
    // Another change with the same actor and sequence number (an old copy of the store):
    // refused, nothing stored.
    let mut copy = automerge::Automerge::new().with_actor(automerge::ActorId::from(wang.actor.clone()));
    let mut tx = copy.transaction();
    write(&mut tx, &check_in_of(wang.account)).expect("w");
    tx.commit();
    let reused: Vec<Vec<u8>> = copy.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    assert_eq!(push_one(&server, &wang, &doc, reused).await, Got::Rejected("actor_reused".into()));
    assert_eq!(server.store.doc_changes(demo::VILLAGE.0, &doc).await.expect("changes").len(), 1);

    // A new actor: only with the device key's signature, never one bound to another device.
    let fresh: Vec<u8> = rand::random::<[u8; 16]>().to_vec();
    assert_eq!(post_actor(&wang, &fresh, &li.secret).await, 401, "signed by another key");
    assert_eq!(post_actor(&wang, &li.actor, &wang.secret).await, 409, "a colleague's actor");
    assert_eq!(post_actor(&wang, &fresh, &wang.secret).await, 200);
    assert_eq!(post_actor(&li, &fresh, &li.secret).await, 409, "bound to Wang now");
    let c =
        change_on(&server, demo::VILLAGE.0, &doc, &fresh, |tx| write(tx, &check_in_of(wang.account)).expect("w")).await;
    assert_eq!(push_one(&server, &li, &doc, c.clone()).await, Got::Rejected("actor_not_bound".into()));
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Accepted, "Wang's new actor writes Wang's log");
    let c =
        change_on(&server, demo::VILLAGE.0, &doc, &wang.actor, |tx| write(tx, &check_in_of(wang.account)).expect("w"))
            .await;
    assert_eq!(push_one(&server, &wang, &doc, c).await, Got::Accepted, "and the first actor still does");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_offline_syncs_in_one_signed_request_counted_with_its_sign_in() {
    let server = TestServer::start(5).await;
    let t = server.transport();
    let mut li = server.device(0).await;
    li.sync(&t, NOW).await.expect("sync");
    // A week away: the token (an hour) expired long ago. One request authenticates and syncs.
    let week = 7 * 86_400_000;
    server.advance(week);
    li.check_in(&check_in_of(demo::member_id(0).0), NOW + week).expect("check in");
    let r = li.sync(&t, NOW + week).await.expect("signed sync");
    assert_eq!(r.requests, 1, "one request, authentication included");
    assert_eq!(r.changes_new_on_server, 1);
    // The answer renewed the token: the next sync uses it, again one request.
    let r = li.sync(&t, NOW + week + 1000).await.expect("token sync");
    assert_eq!(r.requests, 1);
    // A device whose clock is far off: its signed request is outside the window, so it falls
    // back to the challenge sign-in — and every one of those requests is counted.
    server.advance(week);
    let r = li.sync(&t, NOW - 365 * 86_400_000).await.expect("signs in and syncs");
    assert_eq!(r.requests, 5, "stale token, signed (refused: clock), challenge, token, sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_signed_request_is_refused_and_a_replayed_push_stores_nothing_twice() {
    let server = TestServer::start(5).await;
    let li = RawDevice::enroll(&server.url, &server.code(0).await).await.expect("li");
    let doc = log_doc(li.account);
    let c = change_on(&server, demo::VILLAGE.0, &doc, &li.actor, |tx| write(tx, &check_in_of(li.account)).expect("w"))
        .await;
    let req = taizhang_sync::SyncRequest {
        version: taizhang_sync::PROTOCOL_VERSION,
        village: demo::VILLAGE.0,
        cursor: 0,
        want_bytes: taizhang_sync::MAX_BATCH_BYTES as u32,
        docs: vec![taizhang_sync::DocPush { doc: doc.clone(), changes: c.clone(), sync_message: None }],
    };
    let body = taizhang_sync::encode_request(&req);
    let signed = |stamp: i64| {
        taizhang_auth::SignedRequest::sign(li.device_id, stamp, taizhang_sync::paths::SYNC, &body, &li.secret).bearer()
    };
    let (status, answer, _) = li.sync_with(Some(&signed(NOW)), &req).await;
    assert_eq!(status, 200);
    let answer = answer.expect("answer");
    assert_eq!(answer.results[0].outcome, DocOutcome::Accepted { new: 1 });
    assert!(answer.token.is_some(), "a signed request is proven: its answer renews the token");
    let log_len = || async { server.store.read_log(demo::VILLAGE.0, 0, usize::MAX).await.expect("log").entries.len() };
    let stored = log_len().await;

    // The same signed request again (a replay): refused, nothing changes.
    let (status, _, _) = li.sync_with(Some(&signed(NOW)), &req).await;
    assert_eq!(status, 401, "a replayed signed request is refused");
    // An older stamp, a signature over another body or path, another device's id: refused.
    let (status, _, _) = li.sync_with(Some(&signed(NOW - 1)), &req).await;
    assert_eq!(status, 401);
    let other_body = taizhang_auth::SignedRequest::sign(li.device_id, NOW + 5, "/v1/sync", b"other", &li.secret);
    assert_eq!(li.sync_with(Some(&other_body.bearer()), &req).await.0, 401);
    let wrong_path = taizhang_auth::SignedRequest::sign(li.device_id, NOW + 6, "/v1/actor", &body, &li.secret);
    assert_eq!(li.sync_with(Some(&wrong_path.bearer()), &req).await.0, 401);
    // A stamp far from the server's clock: refused (the device falls back to the challenge).
    assert_eq!(li.sync_with(Some(&signed(NOW + 3_600_000)), &req).await.0, 401);
    assert_eq!(li.sync_with(Some("signed.garbage"), &req).await.0, 401);
    assert_eq!(log_len().await, stored);

    // Even when a request is accepted twice (a fresh stamp, or a token: requests are
    // idempotent), the push is stored once and the answer is the same.
    let (status, again, _) = li.sync_with(Some(&signed(NOW + 10)), &req).await;
    assert_eq!(status, 200);
    assert_eq!(again.expect("answer").results[0].outcome, DocOutcome::Accepted { new: 0 });
    let (_, again, _) = li.sync_with(Some(&li.token), &req).await;
    assert_eq!(again.expect("answer").results[0].outcome, DocOutcome::Accepted { new: 0 });
    assert_eq!(log_len().await, stored);
    assert_eq!(server.store.doc_changes(demo::VILLAGE.0, &doc).await.expect("doc").len(), c.len());
}

/// Issue 23: a push check that does not find the registry among the server's loaded documents
/// loads its saved form and the changes after it, not its whole history. The judgment is the
/// same: a member removing a household is still refused (which needs the household as it was
/// before the push, read from the saved form), an invalid household too, and an honest edit
/// passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_household_edit_is_refused_when_the_registry_loads_from_its_saved_form() {
    use taizhang_sync_server::snapshot::refresh_if_due;
    let server = TestServer::start(10).await;
    let wang = RawDevice::enroll(&server.url, &server.code(1).await).await.expect("wang");
    // An honest edit first, so the registry has changes after the seed; then the saved form.
    let mut h = demo::households(10)[2].clone();
    h.plan = "发展庭院经济".into();
    let honest = change_on(&server, demo::VILLAGE.0, "registry", &wang.actor, |tx| write(tx, &h).expect("w")).await;
    assert_eq!(push_one(&server, &wang, "registry", honest).await, Got::Accepted);
    assert!(refresh_if_due(server.store.as_ref(), demo::VILLAGE.0, "registry", 1).await.expect("saved form"));
    let source = server.store.snapshot_source(demo::VILLAGE.0, "registry").await.expect("source");
    assert!(source.saved.is_some() && source.after.is_empty(), "the registry is kept as one saved form");

    // A member removes a household: refused, judged on the registry loaded from the saved form.
    taizhang_sync_server::forget_loaded_documents();
    let key = format!("household/{}", demo::households(10)[6].id);
    let removal =
        change_on(&server, demo::VILLAGE.0, "registry", &wang.actor, |tx| tx.delete(ROOT, key.as_str()).expect("del"))
            .await;
    assert_eq!(push_one(&server, &wang, "registry", removal).await, Got::Rejected("household_delete".into()));

    // A household whose plan is far past the text limit: refused as invalid.
    taizhang_sync_server::forget_loaded_documents();
    let mut long = demo::households(10)[3].clone();
    long.plan = "长".repeat(Limits::default().records.max_text_chars + 1);
    let invalid = change_on(&server, demo::VILLAGE.0, "registry", &wang.actor, |tx| write(tx, &long).expect("w")).await;
    assert_eq!(push_one(&server, &wang, "registry", invalid).await, Got::Rejected("invalid_record".into()));

    // The honest edit after the saved form passes, cold and warm.
    for plan in ["种植中药材", "养殖肉牛"] {
        taizhang_sync_server::forget_loaded_documents();
        h.plan = plan.into();
        let edit = change_on(&server, demo::VILLAGE.0, "registry", &wang.actor, |tx| write(tx, &h).expect("w")).await;
        assert_eq!(push_one(&server, &wang, "registry", edit).await, Got::Accepted);
    }
    let after = server.store.doc_saved(demo::VILLAGE.0, "registry").await.expect("saved");
    assert!(taizhang_sync::is_saved_document(&after[0]));
    assert_eq!(after.len(), 3, "the saved form, then the two edits stored after it");
}
