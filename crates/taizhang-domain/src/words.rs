//! Field and value words for the records two devices can change at once (issue 16): a sync
//! conflict is shown as 「承诺事项：A / B」, never as `text: A / B`. A record kind is its key
//! prefix in the registry document (`household`, `person`, `followup`, …); words are per
//! kind because one stored name means different things in different records (`text` is the
//! promise of a follow-up item and the problem of a finding; `households` counts a village's
//! households in the situation register and lists a project's households).

use crate::village_ledger::{MeetingKind, ProjectKind, ProjectState};
use crate::village_plan::{PlanKind, PlanState};
use crate::Verdict;

/// The record kinds whose conflicts a person settles on the app (key prefixes in the
/// registry document), with what one is called, Chinese and English.
pub const CONFLICT_KINDS: &[(&str, &str, &str)] = &[
    ("household", "农户", "household"),
    ("person", "家庭成员", "family member"),
    ("followup", "承诺事项", "follow-up item"),
    ("finding", "检查发现的问题", "inspection finding"),
    ("meeting", "会议活动", "meeting"),
    ("project", "项目", "project"),
    ("progress", "项目进展", "project progress"),
    ("situation", "村情", "village situation"),
    ("plan", "帮扶计划", "plan item"),
];

/// What a record of `kind` is called (`None`: not a kind settled on the app).
pub fn kind_words(kind: &str) -> Option<(&'static str, &'static str)> {
    CONFLICT_KINDS.iter().find(|(k, _, _)| *k == kind).map(|(_, zh, en)| (*zh, *en))
}

/// A stored field of a record of `kind` in words, Chinese and English (`None`: no words; the
/// caller shows the stored name; the test below lists every stored field of the kinds above).
pub fn record_field_words(kind: &str, field: &str) -> Option<(&'static str, &'static str)> {
    let common = match field {
        "created_by" | "recorded_by" | "updated_by" => Some(("记录人", "recorded by")),
        "created_at" | "recorded_at" | "updated_at" => Some(("记录时间", "recorded at")),
        "attachments" => Some(("照片和附件", "photos and files")),
        _ => None,
    };
    let own = match (kind, field) {
        ("household" | "person", f) => crate::field_words(f),
        ("followup", "household") => Some(("农户", "household")),
        ("followup", "visit") => Some(("来自走访", "from the visit")),
        ("followup", "text") => Some(("承诺事项", "what was promised")),
        ("followup", "owner") => Some(("负责人", "owner")),
        ("followup", "due") => Some(("完成期限", "due by")),
        ("followup", "state") => Some(("办理状态", "state")),
        ("followup", "done_by") => Some(("办结人", "closed by")),
        ("followup", "done_at") => Some(("办结时间", "closed at")),
        ("followup", "done_note") => Some(("办结情况", "how it was done")),
        ("followup", "project") => Some(("所属项目", "project")),
        ("finding", "household") => Some(("农户", "household")),
        ("finding", "diary") => Some(("民情日记", "diary entry")),
        ("finding", "member") => Some(("队员", "team member")),
        ("finding", "text") => Some(("发现的问题", "the finding")),
        ("finding", "found_by" | "found_by_name") => Some(("检查人", "inspector")),
        ("finding", "found_at") => Some(("检查时间", "found at")),
        ("finding", "state") => Some(("整改状态", "state")),
        ("finding", "answer") => Some(("整改答复", "the team's answer")),
        ("finding", "answered_by") => Some(("答复人", "answered by")),
        ("finding", "answered_at") => Some(("答复时间", "answered at")),
        ("finding", "review") => Some(("验收结果", "review")),
        ("finding", "review_note") => Some(("验收意见", "review note")),
        ("finding", "reviewed_by" | "reviewed_by_name") => Some(("验收人", "reviewed by")),
        ("finding", "reviewed_at") => Some(("验收时间", "reviewed at")),
        ("finding", "reviewed_answer_at") => Some(("所验收的答复时间", "time of the answer reviewed")),
        ("meeting", "date") => Some(("日期", "date")),
        ("meeting", "kind") => Some(("类别", "kind")),
        ("meeting", "led_by") => Some(("主持人/授课人", "led by")),
        ("meeting", "attendance") => Some(("参加人数", "attendance")),
        ("meeting", "topics") => Some(("议题/内容", "topics")),
        ("meeting", "decisions") => Some(("议定事项", "decisions")),
        ("project", "name") => Some(("项目名称", "name")),
        ("project", "kind") => Some(("类别", "kind")),
        ("project", "funding_collective") => Some(("村集体资金(元)", "collective funds (yuan)")),
        ("project", "funding_fiscal") => Some(("财政资金(元)", "fiscal funds (yuan)")),
        ("project", "funding_party_fees") => Some(("党费(元)", "party fees (yuan)")),
        ("project", "funding_urban_rural") => Some(("城乡结对帮扶资金(元)", "urban–rural pairing funds (yuan)")),
        ("project", "households") => Some(("受益农户", "households that benefit")),
        ("project", "state") => Some(("项目状态", "state")),
        ("project", "started_on") => Some(("开工日期", "started on")),
        ("project", "closed_on") => Some(("结束日期", "closed on")),
        ("project", "closed_by") => Some(("结项人", "closed by")),
        ("project", "result") => Some(("项目成效", "result")),
        ("progress", "project") => Some(("所属项目", "project")),
        ("progress", "day") => Some(("日期", "day")),
        ("progress", "text") => Some(("进展情况", "progress")),
        ("progress", "by") => Some(("记录人", "recorded by")),
        ("progress", "at") => Some(("记录时间", "recorded at")),
        ("situation", "population") => Some(("户籍人口", "population")),
        ("situation", "households") => Some(("户数", "households")),
        ("situation", "committee") => Some(("村两委成员", "the two committees")),
        ("situation", "party_members") => Some(("党员人数", "party members")),
        ("situation", "collective_income") => Some(("村集体经济收入(元)", "collective income (yuan)")),
        ("situation", "income_sources") => Some(("集体收入来源", "sources of collective income")),
        ("situation", "income_per_head") => Some(("农民人均可支配收入(元)", "income per head (yuan)")),
        ("situation", "industries") => Some(("主导产业", "main industries")),
        ("situation", "roads") => Some(("道路", "roads")),
        ("situation", "water") => Some(("饮水", "water")),
        ("situation", "network") => Some(("网络 / 通信", "network")),
        ("situation", "problems") => Some(("主要问题", "main problems")),
        ("plan", "kind") => Some(("类别", "kind")),
        ("plan", "year") => Some(("年度", "year")),
        ("plan", "title") => Some(("目标/事项", "goal")),
        ("plan", "target") => Some(("指标", "target")),
        ("plan", "due") => Some(("完成期限", "due by")),
        ("plan", "state") => Some(("完成情况", "state")),
        ("plan", "result") => Some(("完成结果", "result")),
        ("plan", "closed_on") => Some(("完成日期", "closed on")),
        _ => None,
    };
    own.or(common)
}

/// A stored code of a record of `kind` in words, `(zh, en)`; `None` when the value is not a
/// code (text, numbers, dates, ids: the caller shows those).
pub fn record_code_words(kind: &str, field: &str, value: &str) -> Option<(String, String)> {
    let pair = |zh: &str, en: &str| Some((zh.to_string(), en.to_string()));
    match (kind, field) {
        ("household" | "person", f) => {
            let (zh, en) = (crate::value_words(f, value), crate::value_words_en(f, value));
            (zh != value || en != value || f == "id_number").then_some((zh, en))
        }
        ("followup", "state") => match value {
            "open" => pair("待办", "open"),
            "done" => pair("已办结", "done"),
            _ => None,
        },
        ("finding", "review") => match Verdict::from_code(value)? {
            Verdict::Accepted => pair("验收通过", "accepted"),
            Verdict::Returned => pair("退回", "returned"),
        },
        ("meeting", "kind") => MeetingKind::from_code(value).ok().and_then(|k| pair(k.zh(), k.en())),
        ("project", "kind") => ProjectKind::from_code(value).ok().and_then(|k| pair(k.zh(), k.en())),
        ("project", "state") => ProjectState::from_code(value).ok().and_then(|k| pair(k.zh(), k.en())),
        ("plan", "kind") => PlanKind::from_code(value).ok().and_then(|k| pair(k.zh(), k.en())),
        ("plan", "state") => PlanState::from_code(value).ok().and_then(|k| pair(k.zh(), k.en())),
        _ => None,
    }
}

/// Whether the village's team may settle a conflict on this field: not on the officer's part
/// of an inspection finding (the problem, who found it, the review), which only the
/// township's or county's page writes (the server refuses a team's change to it).
pub fn team_may_settle(kind: &str, field: &str) -> bool {
    !(kind == "finding" && crate::FINDING_OFFICER_FIELDS.contains(&field))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the registry stores for the kinds settled on the app has words (the
    /// stored names come from `taizhang-doc`'s records; this list is theirs as of schema 13).
    #[test]
    fn every_field_of_the_settled_kinds_has_words() {
        let fields: &[(&str, &[&str])] = &[
            (
                "followup",
                &[
                    "household",
                    "visit",
                    "text",
                    "owner",
                    "due",
                    "created_by",
                    "created_at",
                    "state",
                    "done_by",
                    "done_at",
                    "done_note",
                    "project",
                    "attachments",
                ],
            ),
            (
                "finding",
                &[
                    "household",
                    "diary",
                    "member",
                    "text",
                    "found_by",
                    "found_by_name",
                    "found_at",
                    "state",
                    "answer",
                    "answered_by",
                    "answered_at",
                    "review",
                    "review_note",
                    "reviewed_by",
                    "reviewed_by_name",
                    "reviewed_at",
                    "reviewed_answer_at",
                ],
            ),
            ("meeting", &["date", "kind", "led_by", "attendance", "topics", "decisions", "recorded_by", "recorded_at"]),
            (
                "project",
                &[
                    "name",
                    "kind",
                    "funding_collective",
                    "funding_fiscal",
                    "funding_party_fees",
                    "funding_urban_rural",
                    "households",
                    "state",
                    "started_on",
                    "created_by",
                    "created_at",
                    "closed_on",
                    "closed_by",
                    "result",
                ],
            ),
            ("progress", &["project", "day", "text", "by", "at", "attachments"]),
            (
                "situation",
                &[
                    "population",
                    "households",
                    "committee",
                    "party_members",
                    "collective_income",
                    "income_sources",
                    "income_per_head",
                    "industries",
                    "roads",
                    "water",
                    "network",
                    "problems",
                    "updated_by",
                    "updated_at",
                ],
            ),
            (
                "plan",
                &[
                    "kind",
                    "year",
                    "title",
                    "target",
                    "due",
                    "state",
                    "result",
                    "closed_on",
                    "recorded_by",
                    "recorded_at",
                    "attachments",
                ],
            ),
        ];
        for (kind, names) in fields {
            assert!(kind_words(kind).is_some(), "{kind} has a name");
            for f in *names {
                let (zh, en) = record_field_words(kind, f).unwrap_or_else(|| panic!("{kind}.{f} has no words"));
                assert!(!zh.is_empty() && !en.is_empty() && zh != *f, "{kind}.{f}");
            }
        }
        // One stored name, two meanings.
        assert_eq!(record_field_words("followup", "text").map(|w| w.0), Some("承诺事项"));
        assert_eq!(record_field_words("finding", "text").map(|w| w.0), Some("发现的问题"));
        assert_eq!(record_field_words("situation", "households").map(|w| w.0), Some("户数"));
        assert_eq!(record_field_words("project", "households").map(|w| w.0), Some("受益农户"));
        assert_eq!(record_field_words("household", "status").map(|w| w.0), Some("户类型"));
    }

    #[test]
    fn codes_are_words_and_text_is_left_alone() {
        assert_eq!(record_code_words("followup", "state", "done"), Some(("已办结".into(), "done".into())));
        assert_eq!(record_code_words("finding", "review", "returned"), Some(("退回".into(), "returned".into())));
        assert_eq!(record_code_words("meeting", "kind", "party_lecture").map(|w| w.0), Some("党课".into()));
        assert_eq!(record_code_words("followup", "text", "修路"), None);
        assert_eq!(record_code_words("followup", "state", "???"), None);
        assert!(team_may_settle("finding", "answer") && !team_may_settle("finding", "review"));
        assert!(team_may_settle("followup", "text"));
        // An ID number is masked in both languages.
        assert_eq!(
            record_code_words("person", "id_number", "11010519491231002X").map(|w| w.1),
            Some("110***********002X".into())
        );
    }
}
