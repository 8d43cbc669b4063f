//! Issue 22's village ledger in the app (村级台账), without a window: a meeting recorded (its
//! attendance left empty stays unknown), a project made with its funding by source and the
//! households that benefit, a progress update that marks it underway, and its closing with a
//! result; the domain's refusals (a day after today, no topics, a closing without a result,
//! a household not of the village) come back as invalid input on the field concerned; a meeting
//! and a project corrected after they were saved (who recorded them is kept, a closed project
//! stays closed).

mod common;

use taizhang_app_core::contract::{
    CloseProjectRequest, ErrorCode, MeetingInput, MeetingKindCode, ProgressInput, ProjectInput, ProjectKindCode,
    ProjectStateCode,
};
use taizhang_app_core::AppCore;

/// 2026-11-25 10:00 in Shanghai.
const NOW: i64 = 1_795_536_000_000 + 10 * 3_600_000;

fn core_with_village(dir: &std::path::Path) -> (AppCore, Vec<taizhang_domain::Household>) {
    common::core_with_village(dir, NOW)
}

fn meeting(date: &str, attendance: Option<u32>, topics: &str) -> MeetingInput {
    MeetingInput {
        id: None,
        date: date.into(),
        kind: MeetingKindCode::PartyLecture,
        led_by: "李明".into(),
        attendance,
        topics: topics.into(),
        decisions: String::new(),
    }
}

#[tokio::test]
async fn a_meeting_is_recorded_and_listed_and_a_bad_one_is_refused_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, _) = core_with_village(dir.path());
    // Recorded weeks later: accepted for its own day; attendance not counted stays unknown.
    let m = core.record_meeting(meeting("2026-10-28", None, "学习乡村振兴政策")).await.expect("meeting");
    assert_eq!((m.date.as_str(), m.attendance, m.recorded_by_name.as_str()), ("2026-10-28", None, "李明"));
    core.record_meeting(meeting("2026-11-20", Some(23), "村两委研究产业项目")).await.expect("meeting");
    let v = core.village_ledger().await.expect("ledger");
    assert_eq!(v.today, "2026-11-25");
    let listed: Vec<(&str, Option<u32>)> = v.meetings.iter().map(|m| (m.date.as_str(), m.attendance)).collect();
    assert_eq!(listed, [("2026-11-20", Some(23)), ("2026-10-28", None)], "the latest first");

    let future = core.record_meeting(meeting("2026-11-26", None, "明天的会")).await.expect_err("tomorrow");
    let e = future.to_command_error();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    assert!(!e.message.is_empty());
    let empty = core.record_meeting(meeting("2026-11-20", None, "  ")).await.expect_err("no topics").to_command_error();
    assert_eq!(empty.code, ErrorCode::InvalidInput, "{empty:?}");
    assert_eq!(empty.field.as_deref(), Some("topics"), "the form's field is named");
    let zero =
        core.record_meeting(meeting("2026-11-20", Some(0), "议题")).await.expect_err("0 people").to_command_error();
    assert_eq!(zero.code, ErrorCode::InvalidInput, "0 is not a count: leave it empty: {zero:?}");
    assert_eq!(zero.field.as_deref(), Some("attendance"));
    let bad_day = core.record_meeting(meeting("11/20", None, "议题")).await.expect_err("not a day").to_command_error();
    assert_eq!(bad_day.field.as_deref(), Some("date"));
    assert_eq!(core.village_ledger().await.expect("ledger").meetings.len(), 2, "nothing refused was saved");
}

#[tokio::test]
async fn a_project_is_made_gets_progress_and_is_closed_with_its_result() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = core_with_village(dir.path());
    let input = ProjectInput {
        id: None,
        name: "组组通硬化路".into(),
        kind: ProjectKindCode::Practical,
        funding_collective: Some(20_000),
        funding_fiscal: Some(300_000),
        funding_party_fees: None,
        funding_urban_rural: None,
        household_ids: vec![hs[0].id.to_string(), hs[2].id.to_string()],
        state: ProjectStateCode::Planned,
        started_on: None,
    };
    let p = core.add_project(input.clone()).await.expect("project");
    assert_eq!(p.state, ProjectStateCode::Planned);
    assert_eq!(p.funding_total, Some(320_000));
    assert_eq!(p.funding_party_fees, None, "not recorded, not 0");
    let shown = |h: &taizhang_domain::Household| format!("{}（{}）", h.head, h.group);
    assert_eq!(p.household_heads, [shown(&hs[0]), shown(&hs[2])], "heads with their group: namesakes are common");

    // Refusals: a closed state at birth, a household of another village, negative money.
    let closed = ProjectInput { state: ProjectStateCode::Done, ..input.clone() };
    assert_eq!(
        core.add_project(closed).await.expect_err("done at birth").to_command_error().field.as_deref(),
        Some("state")
    );
    let stranger = ProjectInput { household_ids: vec![uuid::Uuid::from_u128(7).to_string()], ..input.clone() };
    assert_eq!(
        core.add_project(stranger).await.expect_err("stranger").to_command_error().code,
        ErrorCode::InvalidInput
    );
    let negative = ProjectInput { funding_fiscal: Some(-5), ..input.clone() };
    assert_eq!(
        core.add_project(negative).await.expect_err("negative").to_command_error().code,
        ErrorCode::InvalidInput
    );

    let p = core
        .add_progress(ProgressInput {
            project_id: p.id.clone(),
            day: "2026-11-24".into(),
            text: "路基完成".into(),
            attachments: Vec::new(),
        })
        .await
        .expect("progress");
    assert_eq!(p.state, ProjectStateCode::Underway, "the first update marks a planned project underway");
    assert_eq!(
        p.progress.iter().map(|u| (u.day.as_str(), u.text.as_str())).collect::<Vec<_>>(),
        [("2026-11-24", "路基完成")]
    );

    let no_result = CloseProjectRequest {
        project_id: p.id.clone(),
        state: ProjectStateCode::Done,
        day: "2026-11-25".into(),
        result: String::new(),
    };
    assert_eq!(
        core.close_project(no_result.clone()).await.expect_err("no result").to_command_error().code,
        ErrorCode::InvalidInput
    );
    let done = core
        .close_project(CloseProjectRequest { result: "硬化道路3.2公里".into(), ..no_result })
        .await
        .expect("closed");
    assert_eq!(done.state, ProjectStateCode::Done);
    assert_eq!((done.closed_on.as_deref(), done.closed_by_name.as_deref()), (Some("2026-11-25"), Some("李明")));
    let v = core.village_ledger().await.expect("ledger");
    assert_eq!(v.projects.len(), 1);
    assert_eq!(v.projects[0].result, "硬化道路3.2公里");
    assert_eq!(v.households.len(), 3, "every household to pick from");
}

/// A meeting and a project are corrected on the screen after they were saved: the same record
/// (no second one), who recorded it kept; a closed project keeps its state and result; an unknown
/// id is refused on its field.
#[tokio::test]
async fn a_meeting_and_a_project_are_corrected_after_they_were_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = core_with_village(dir.path());
    let m = core.record_meeting(meeting("2026-11-20", Some(23), "村两委研究产业项目")).await.expect("meeting");
    let fixed = MeetingInput {
        id: Some(m.id.clone()),
        attendance: Some(32),
        ..meeting("2026-11-19", Some(32), "村两委研究产业项目")
    };
    let again = core.record_meeting(fixed).await.expect("corrected");
    assert_eq!((again.id.as_str(), again.date.as_str(), again.attendance), (m.id.as_str(), "2026-11-19", Some(32)));
    assert_eq!(again.recorded_by_name, "李明");
    assert_eq!(core.village_ledger().await.expect("ledger").meetings.len(), 1, "corrected, not added");
    let unknown =
        MeetingInput { id: Some(uuid::Uuid::from_u128(9).to_string()), ..meeting("2026-11-19", None, "议题") };
    assert_eq!(
        core.record_meeting(unknown).await.expect_err("unknown").to_command_error().field.as_deref(),
        Some("meetingId")
    );

    let input = ProjectInput {
        id: None,
        name: "组组通路".into(),
        kind: ProjectKindCode::Practical,
        funding_collective: None,
        funding_fiscal: Some(30_000),
        funding_party_fees: None,
        funding_urban_rural: None,
        household_ids: vec![hs[0].id.to_string()],
        state: ProjectStateCode::Planned,
        started_on: None,
    };
    let p = core.add_project(input.clone()).await.expect("project");
    let fix = ProjectInput {
        id: Some(p.id.clone()),
        name: "组组通硬化路".into(),
        funding_fiscal: Some(300_000),
        household_ids: vec![hs[0].id.to_string(), hs[1].id.to_string()],
        state: ProjectStateCode::Underway,
        ..input.clone()
    };
    let fixed = core.add_project(fix.clone()).await.expect("corrected");
    assert_eq!(
        (fixed.id.as_str(), fixed.name.as_str(), fixed.funding_fiscal),
        (p.id.as_str(), "组组通硬化路", Some(300_000))
    );
    assert_eq!((fixed.state, fixed.household_ids.len()), (ProjectStateCode::Underway, 2));
    let done = core
        .close_project(CloseProjectRequest {
            project_id: p.id.clone(),
            state: ProjectStateCode::Done,
            day: "2026-11-25".into(),
            result: "硬化道路3.2公里".into(),
        })
        .await
        .expect("closed");
    assert_eq!(done.state, ProjectStateCode::Done);
    // The money corrected after closing: the project stays done with its result.
    let late_fix = ProjectInput { funding_collective: Some(20_000), state: ProjectStateCode::Planned, ..fix };
    let after = core.add_project(late_fix).await.expect("corrected after closing");
    assert_eq!(
        (after.state, after.result.as_str(), after.funding_collective),
        (ProjectStateCode::Done, "硬化道路3.2公里", Some(20_000))
    );
    assert_eq!(core.village_ledger().await.expect("ledger").projects.len(), 1);
}

fn situation(year: i32) -> taizhang_app_core::contract::SituationInput {
    use taizhang_app_core::contract::{CadreItem, SituationInput};
    SituationInput {
        year,
        population: Some(1_204),
        households: Some(356),
        committee: vec![
            CadreItem {
                name: "王建国".into(),
                post: "村党支部书记".into(),
                birth_year: Some(1972),
                education: Some("senior".into()),
            },
            // A row the form left empty is dropped, not refused.
            CadreItem { name: " ".into(), post: String::new(), birth_year: None, education: None },
        ],
        party_members: Some(31),
        collective_income_yuan: Some(86_000),
        income_sources: "光伏电站收益".into(),
        income_per_head_yuan: None,
        industries: "茶叶、生猪".into(),
        roads: String::new(),
        water: String::new(),
        network: String::new(),
        problems: "三组通组路未硬化".into(),
    }
}

#[tokio::test]
async fn the_village_situation_is_filled_in_beside_last_years_and_the_registrys_counts() {
    use taizhang_app_core::contract::YearQuery;
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, hs) = core_with_village(dir.path());
    let empty = core.village_situation(YearQuery { year: None }).await.expect("situation");
    assert_eq!((empty.year, empty.this_year, empty.current.is_none()), (2026, 2026, true), "nothing entered yet");
    assert_eq!(empty.registry_households as usize, hs.len(), "the registry's own count beside the reported one");
    assert_eq!(empty.educations.len(), 5);
    // Last year's register, filled in late, then this year's.
    core.save_situation(taizhang_app_core::contract::SituationInput {
        collective_income_yuan: Some(52_000),
        ..situation(2025)
    })
    .await
    .expect("last year");
    let v = core.save_situation(situation(2026)).await.expect("this year");
    let cur = v.current.expect("saved");
    assert_eq!(cur.committee.len(), 1, "the empty row was dropped");
    assert_eq!(cur.committee[0].education.as_deref(), Some("senior"));
    assert_eq!(
        (cur.filled, cur.parts, cur.updated_by_name.as_str()),
        (8, 12, "李明"),
        "income per head, roads, water, network left"
    );
    assert_eq!(cur.income_per_head_yuan, None, "not entered stays unknown");
    assert_eq!(v.previous.map(|p| p.collective_income_yuan), Some(Some(52_000)), "last year shown beside");
    // Next year cannot be reported yet; a bad birth year names the committee field.
    let next = core.save_situation(situation(2027)).await.expect_err("next year").to_command_error();
    assert_eq!(next.field.as_deref(), Some("year"), "{next:?}");
    let mut born = situation(2026);
    born.committee[0].birth_year = Some(2031);
    let e = core.save_situation(born).await.expect_err("born later").to_command_error();
    assert_eq!(e.field.as_deref(), Some("committee"), "{e:?}");
    assert!(e.message.contains("王建国"), "{e:?}");
    let again = core.village_situation(YearQuery { year: Some(2026) }).await.expect("situation");
    assert_eq!(again.current.map(|c| c.committee[0].birth_year), Some(Some(1972)), "nothing refused was saved");
}

#[tokio::test]
async fn goals_a_yearly_plan_and_the_letter_are_made_and_closed_and_counted() {
    use taizhang_app_core::contract::{PlanInput, PlanKindCode, PlanStateCode, YearQuery};
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, _) = core_with_village(dir.path());
    let item = |kind, year, title: &str, due: Option<&str>| PlanInput {
        id: None,
        kind,
        year,
        title: title.into(),
        target: String::new(),
        due: due.map(str::to_string),
        state: PlanStateCode::Open,
        result: String::new(),
        closed_on: None,
        attachments: Vec::new(),
    };
    core.save_plan_item(PlanInput {
        target: "村集体经济收入达到10万元".into(),
        ..item(PlanKindCode::ThreeYear, 2025, "壮大村集体经济", Some("2027-12-31"))
    })
    .await
    .expect("goal");
    core.save_plan_item(item(PlanKindCode::Yearly, 2026, "新建茶叶加工厂", Some("2026-10-31"))).await.expect("plan");
    let v = core
        .save_plan_item(item(PlanKindCode::Yearly, 2026, "组织技能培训两期", Some("2026-12-20")))
        .await
        .expect("plan");
    assert_eq!((v.total, v.open, v.overdue, v.letter), (3, 3, 1, false), "the factory is past its day");
    let factory = v.items.iter().find(|i| i.title == "新建茶叶加工厂").expect("listed");
    assert!(factory.overdue);
    // The letter signed with the sending unit (a text record until photos).
    core.save_plan_item(item(PlanKindCode::Letter, 2026, "县农业农村局", Some("2026-03-02"))).await.expect("letter");
    // The factory closed as missed needs its reason first.
    let close = PlanInput {
        id: Some(factory.id.clone()),
        state: PlanStateCode::Missed,
        ..item(PlanKindCode::Yearly, 2026, "新建茶叶加工厂", Some("2026-10-31"))
    };
    let e = core.save_plan_item(close.clone()).await.expect_err("no reason").to_command_error();
    assert_eq!(e.field.as_deref(), Some("result"), "{e:?}");
    let v =
        core.save_plan_item(PlanInput { result: "用地审批未完成，顺延至明年".into(), ..close }).await.expect("closed");
    assert_eq!((v.total, v.done, v.missed, v.open, v.overdue, v.letter), (3, 0, 1, 2, 0, true));
    let missed = v.items.iter().find(|i| i.title == "新建茶叶加工厂").expect("listed");
    assert_eq!(
        (missed.closed_on.as_deref(), missed.recorded_by_name.as_str()),
        (Some("2026-11-25"), "李明"),
        "closed today"
    );
    // The three-year goal shows in 2027 too; 2025's view has only it.
    let later = core.plans(YearQuery { year: Some(2027) }).await.expect("2027");
    assert_eq!(later.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["壮大村集体经济"]);
    let bad = core
        .save_plan_item(item(PlanKindCode::Yearly, 2026, " ", None))
        .await
        .expect_err("no title")
        .to_command_error();
    assert_eq!(bad.field.as_deref(), Some("title"), "{bad:?}");
}
