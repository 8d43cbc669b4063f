//! Issues 19 and 22 on the village's own records, through the app's commands against a real
//! server: a photo of a household and the signed responsibility letter as a PDF attached
//! offline, synced, and seen by a teammate (the photo by its thumbnail); photos on a follow-up
//! item and a progress update; a follow-up item turned into a project (转为项目) on one phone
//! and other items joined to it (并入项目) on two phones while both were offline, every link
//! present on both after the sync; closing the project leaves the items open, said in words.

mod common;

use taizhang_app_core::contract::{
    AddAttachmentsRequest, AttachRequest, AttachmentStateCode, AttachmentsQuery, CloseProjectRequest,
    FollowUpToProjectRequest, HouseholdFilter, JoinProjectRequest, PlanInput, PlanKindCode, PlanStateCode,
    ProgressInput, ProjectKindCode, ProjectStateCode, RecordKindCode,
};
use taizhang_app_core::AppCore;
use taizhang_attach::media::samples;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Title (responsibility letter) >> endobj\ntrailer << >>\n%%EOF\n";

fn attach(kind: RecordKindCode, name: &str, bytes: Vec<u8>) -> AttachRequest {
    AttachRequest { record_kind: kind, record_id: None, name: name.into(), bytes, keep_location: false }
}

fn query(kind: RecordKindCode, id: &str) -> AttachmentsQuery {
    AttachmentsQuery { record_kind: kind, record_id: id.to_string() }
}

/// A visit to `household` with a promise (承诺事项) made on it; the item's id.
async fn promise(core: &AppCore, household: &str, text: &str) -> String {
    let mut v = common::visit_input(household, "入户了解情况");
    v.follow_up = text.into();
    v.promise_due = Some(String::new());
    core.record_visit(v).await.expect("a visit with a promise");
    let detail = core.household(household.to_string()).await.expect("household");
    detail.follow_ups.iter().find(|f| f.text == text).expect("the promise is an item").id.clone()
}

#[tokio::test]
async fn a_household_photo_and_the_letters_pdf_made_offline_reach_a_teammate() {
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let household = li.households(HouseholdFilter::default()).await.expect("households").items[0].id.clone();
    phones.server.stop().await;

    // Offline: a photo of the house, saved with the household form.
    let photo = li
        .attach_file(attach(RecordKindCode::Household, "house.jpg", samples::photo(1600, 1200, 5)))
        .await
        .expect("photo");
    let mut form = li.household(household.clone()).await.expect("household").household;
    assert!(form.attachments.is_empty(), "a household from before has none");
    form.attachments = vec![photo.id.clone()];
    let saved = li.save_household(form).await.expect("saved with its photo");
    assert_eq!(saved.household.attachments, vec![photo.id.clone()]);
    // Saving the form again (an older window sends no photos) keeps it.
    let mut again = saved.household.clone();
    again.attachments = Vec::new();
    again.plan = "发展养殖,修缮住房".into();
    let again = li.save_household(again).await.expect("saved again");
    assert_eq!(again.household.attachments, vec![photo.id.clone()], "the photo stays");
    // A photo that is not on this device is refused; nothing changes.
    let ghost = AddAttachmentsRequest {
        record_kind: RecordKindCode::Household,
        record_id: household.clone(),
        attachments: vec!["0".repeat(64)],
    };
    let err = li.add_attachments(ghost).await.expect_err("not on this device");
    assert!(err.to_string().contains("add it again"), "{err}");
    let listed = li.attachments_for(query(RecordKindCode::Household, &household)).await.expect("list");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].words_zh, "等待上传");

    // The responsibility letter signed with the sending unit, its scan as a PDF.
    let pdf = li.attach_file(attach(RecordKindCode::Plan, "责任书.pdf", PDF.to_vec())).await.expect("pdf");
    let year = chrono::Datelike::year(&phones.today);
    let plans = li
        .save_plan_item(PlanInput {
            id: None,
            kind: PlanKindCode::Letter,
            year,
            title: "县农业农村局".into(),
            target: "年内村集体经济收入达到10万元".into(),
            due: Some(phones.today.to_string()),
            state: PlanStateCode::Open,
            result: String::new(),
            closed_on: None,
            attachments: vec![pdf.id.clone()],
        })
        .await
        .expect("the letter with its scan");
    let letter = plans.items.iter().find(|i| i.kind == PlanKindCode::Letter).expect("the letter");
    assert_eq!(letter.photos, 1);
    let letter_id = letter.id.clone();

    // Back in signal: the records in one request, then the files.
    let server = common::Server::start(phones.store.clone(), &phones.addr).await;
    assert_eq!(li.sync_now().await.expect("sync").requests, 1);
    let sent = li.transfer_attachments().await.expect("files");
    assert_eq!((sent.uploaded, sent.waiting), (2, 0), "{sent:?}");
    let up = li.attachments_for(query(RecordKindCode::Plan, &letter_id)).await.expect("list");
    assert_eq!((up.items[0].kind.as_str(), up.items[0].state), ("pdf", AttachmentStateCode::Uploaded));

    // 王芳's phone: the household and the letter say they have their files; the photo's
    // thumbnail comes after the records.
    wang.sync_now().await.expect("王芳 syncs");
    let got = wang.transfer_attachments().await.expect("thumbnails");
    assert_eq!(got.thumbs, 1, "the photo's thumbnail (a PDF has none)");
    let seen = wang.attachments_for(query(RecordKindCode::Household, &household)).await.expect("list");
    assert_eq!(seen.items.len(), 1);
    assert!(seen.items[0].thumb.as_deref().is_some_and(|t| t.starts_with("data:image/jpeg;base64,")));
    assert_eq!(seen.items[0].words_zh, "队友上传");
    let letter_files = wang.attachments_for(query(RecordKindCode::Plan, &letter_id)).await.expect("list");
    assert_eq!(letter_files.items.len(), 1, "the letter's scan is listed");
    let theirs = wang.household(household.clone()).await.expect("household");
    assert_eq!(theirs.household.attachments, vec![photo.id.clone()]);
    // 王芳 edits the household (the plan): the photo, 李明's, stays on the record.
    let mut edit = theirs.household;
    edit.plan = "发展养殖,修缮住房,务工".into();
    edit.attachments = Vec::new();
    let edited = wang.save_household(edit).await.expect("王芳's edit");
    assert_eq!(edited.household.attachments, vec![photo.id]);
    server.stop().await;
}

#[tokio::test]
async fn a_follow_up_becomes_a_project_and_items_joined_on_two_phones_offline_are_all_linked() {
    let phones = common::TwoPhones::join().await;
    let (li, wang) = (&phones.a, &phones.b);
    let households = li.households(HouseholdFilter::default()).await.expect("households").items;
    let (h1, h2, h3) = (households[0].id.clone(), households[1].id.clone(), households[2].id.clone());

    // 李明 promised a wall repaired; it is bigger than one household's promise: 转为项目.
    let wall = promise(li, &h1, "帮助修缮倒塌院墙").await;
    let water = promise(li, &h2, "协调自来水入户").await;
    let project = li
        .follow_up_to_project(FollowUpToProjectRequest {
            id: wall.clone(),
            kind: ProjectKindCode::Practical,
            name: None,
        })
        .await
        .expect("转为项目");
    assert_eq!(project.name, "帮助修缮倒塌院墙", "named after the item");
    assert_eq!((project.state, project.household_ids.clone()), (ProjectStateCode::Planned, vec![h1.clone()]));
    assert_eq!((project.follow_ups.len(), project.open_follow_ups), (1, 1));
    assert_eq!(project.follow_ups[0].id, wall);
    assert_eq!(project.follow_ups_words_zh, "关联承诺事项 1 项，1 项待办");
    // The same item twice is refused in words.
    let twice = li
        .follow_up_to_project(FollowUpToProjectRequest {
            id: wall.clone(),
            kind: ProjectKindCode::Practical,
            name: None,
        })
        .await
        .expect_err("already linked");
    assert!(twice.to_string().contains("already linked"), "{twice}");
    // A photo of the wall on the item.
    let photo = li
        .attach_file(attach(RecordKindCode::Followup, "wall.jpg", samples::photo(1200, 900, 9)))
        .await
        .expect("photo");
    let files = li
        .add_attachments(AddAttachmentsRequest {
            record_kind: RecordKindCode::Followup,
            record_id: wall.clone(),
            attachments: vec![photo.id.clone()],
        })
        .await
        .expect("a photo on the item");
    assert_eq!(files.items.len(), 1);
    li.sync_now().await.expect("李明 syncs");
    let road = promise(wang, &h3, "修通入户便道").await;
    wang.sync_now().await.expect("王芳 syncs");

    // Both offline: 李明 joins the water item, 王芳 the path item, to the same project.
    phones.server.stop().await;
    let joined = li
        .join_project(JoinProjectRequest { id: water.clone(), project_id: project.id.clone() })
        .await
        .expect("并入项目 on 李明's phone");
    assert_eq!(joined.follow_ups.len(), 2);
    let joined = wang
        .join_project(JoinProjectRequest { id: road.clone(), project_id: project.id.clone() })
        .await
        .expect("并入项目 on 王芳's phone");
    assert_eq!(joined.follow_ups.len(), 2, "王芳's phone: the wall and the path");
    // A progress update with a photo, on 王芳's phone.
    let progress_photo = wang
        .attach_file(attach(RecordKindCode::Progress, "work.jpg", samples::photo(1200, 900, 4)))
        .await
        .expect("photo");
    let with_update = wang
        .add_progress(ProgressInput {
            project_id: project.id.clone(),
            day: phones.today.to_string(),
            text: "院墙地基已打好".into(),
            attachments: vec![progress_photo.id.clone()],
        })
        .await
        .expect("progress with a photo");
    assert_eq!(with_update.progress.last().map(|p| p.photos), Some(1));

    // Back in signal: every link is on both phones.
    let server = common::Server::start(phones.store.clone(), &phones.addr).await;
    li.sync_now().await.expect("李明 syncs");
    wang.sync_now().await.expect("王芳 syncs");
    li.sync_now().await.expect("李明 syncs again");
    for (who, core) in [("李明", li), ("王芳", wang)] {
        let view = core.village_ledger().await.expect("ledger");
        let p = view.projects.iter().find(|p| p.id == project.id).expect("the project");
        let mut linked: Vec<&str> = p.follow_ups.iter().map(|f| f.id.as_str()).collect();
        linked.sort();
        let mut expected = vec![wall.as_str(), water.as_str(), road.as_str()];
        expected.sort();
        assert_eq!(linked, expected, "{who}: both offline links survive the merge");
        assert_eq!(p.progress.len(), 1, "{who}");
        // The item says which project it is part of.
        let item = core.household(h3.clone()).await.expect("household").follow_ups;
        let item = item.iter().find(|f| f.id == road).expect("the path item");
        assert_eq!(
            (item.project_id.as_deref(), item.project_name.as_str()),
            (Some(project.id.as_str()), "帮助修缮倒塌院墙")
        );
    }
    // The photos travel after the records and reach the other phone as thumbnails.
    assert_eq!(li.transfer_attachments().await.expect("li's files").uploaded, 1);
    assert_eq!(wang.transfer_attachments().await.expect("wang's files").uploaded, 1);
    let on_wang = wang.attachments_for(query(RecordKindCode::Followup, &wall)).await.expect("list");
    assert!(on_wang.items[0].thumb.is_some(), "the wall's photo on 王芳's phone");
    assert_eq!(li.transfer_attachments().await.expect("thumbs").thumbs, 1);
    let update_id = li.village_ledger().await.expect("ledger").projects[0].progress[0].id.clone();
    let on_li = li.attachments_for(query(RecordKindCode::Progress, &update_id)).await.expect("list");
    assert!(on_li.items[0].thumb.is_some(), "the work's photo on 李明's phone");

    // Closed done: the items stay open, and the project says so.
    let closed = li
        .close_project(CloseProjectRequest {
            project_id: project.id.clone(),
            state: ProjectStateCode::Done,
            day: phones.today.to_string(),
            result: "院墙修好".into(),
        })
        .await
        .expect("closed");
    assert_eq!((closed.state, closed.open_follow_ups), (ProjectStateCode::Done, 3));
    assert!(closed.follow_ups_words_zh.contains("仍有 3 项承诺事项待办"), "{}", closed.follow_ups_words_zh);
    assert!(closed.follow_ups_words_en.contains("does not close them"), "{}", closed.follow_ups_words_en);
    let today = li.today().await.expect("today");
    assert!(today.follow_ups.iter().any(|f| f.id == wall && !f.done), "still on the to-do list");
    server.stop().await;
}
