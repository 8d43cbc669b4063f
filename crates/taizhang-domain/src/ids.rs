//! Stable record ids. They are UUIDs (v7 when generated here) chosen by the device that
//! creates the record, so two offline devices never collide and records never need renumbering.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Wraps a UUID the caller generated (the domain never draws random numbers).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| DomainError::Malformed {
                    what: $what,
                    value: s.chars().take(64).collect(),
                })
            }
        }
    };
}

id_type!(/// A village (one ledger).
    VillageId, "village id");
id_type!(/// A person of the work team.
    MemberId, "member id");
id_type!(/// A household of the village registry.
    HouseholdId, "household id");
id_type!(/// One household visit.
    VisitId, "visit id");
id_type!(/// One diary entry.
    DiaryId, "diary entry id");
id_type!(/// One check-in or check-out.
    CheckInId, "check-in id");
id_type!(/// One leave request.
    LeaveId, "leave request id");
id_type!(/// One person of a household's family roster (家庭成员).
    PersonId, "family member id");
id_type!(/// One follow-up item (承诺事项 / 待办).
    FollowUpId, "follow-up item id");
id_type!(/// One inspection finding (检查发现的问题) and its answer (整改).
    FindingId, "finding id");
id_type!(/// One meeting or activity (会议 / 活动).
    MeetingId, "meeting id");
id_type!(/// One project (项目: 民生实事 or 帮扶专案).
    ProjectId, "project id");
id_type!(/// One progress update of a project (项目进展).
    ProgressId, "progress update id");
id_type!(/// One goal, plan item or responsibility letter (帮扶目标 / 计划 / 责任书).
    PlanId, "plan item id");
