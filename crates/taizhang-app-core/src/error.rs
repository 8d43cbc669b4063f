//! The one error type of the app core. Each message says what to do; [`AppError::code`] gives
//! the stable code the UI translates, and [`AppError::to_command_error`] what crosses to it.

use taizhang_client::{ClientError, TransportError};
use taizhang_domain::DomainError;

use crate::contract::{CommandError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("this device has not joined a village yet: enter the server address and your code on the set-up screen")]
    NotJoined,
    #[error("this device already belongs to a village; to join another, install the app again on a fresh device")]
    AlreadyJoined,
    #[error(
        "the join code was not accepted ({0}): ask the administrator for a new one-time code (XXXX-XXXX-XXXX-XXXX)"
    )]
    BadJoinCode(String),
    #[error(
        "the server address {0:?} is not valid: it starts with http:// or https://, e.g. http://192.168.1.10:8620"
    )]
    BadServerUrl(String),
    #[error("{message}")]
    Invalid { message: String, field: Option<String> },
    #[error("{0} was not found on this device: sync, then try again")]
    NotFound(String),
    #[error("{0}")]
    NotAllowed(String),
    #[error("month {0} is filed (月备案): write an amendment to one of its entries instead")]
    MonthFiled(String),
    #[error("the village's team and households have not arrived on this device yet: sync once with signal")]
    NotSyncedYet,
    #[error("the server could not be reached ({0}); everything is saved on this device and will be sent later")]
    Unreachable(String),
    #[error("the server refused the sync ({0}); everything is saved on this device")]
    Refused(String),
    #[error("the server's answer could not be read ({0}); everything is saved on this device")]
    Unreadable(String),
    #[error("the sync stopped after {0} requests; it continues with the next sync")]
    Incomplete(u32),
    #[error("a sync is already running: wait for it to finish")]
    SyncRunning,
    #[error("the device's storage failed, the record was NOT saved ({0}); check free space and try again")]
    Storage(String),
    #[error("internal fault: {0}")]
    Internal(String),
    /// What the server would refuse, decided on the device before saving: nothing was saved.
    #[error("{message}")]
    Denied { code: ErrorCode, message: String },
    /// The administrator revoked this device and had it erased (issue 21).
    #[error("{0}")]
    Wiped(String),
    /// The app lock (issue 21) is closed, or a PIN must be set first.
    #[error("{0}")]
    Locked(String),
    #[error("wrong PIN: {0} attempts left")]
    WrongPin(u32),
    #[error("too many wrong PINs: the app stays locked (it still syncs while it runs); ask the administrator to reset this device")]
    PinBlocked,
    /// Too many wrong PINs for a PIN-keyed store: the next attempt waits until this moment (ms).
    #[error("too many wrong PINs: wait before the next attempt (until {0} ms since 1970)")]
    PinWait(i64),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::NotJoined => ErrorCode::NotJoined,
            AppError::AlreadyJoined => ErrorCode::AlreadyJoined,
            AppError::BadJoinCode(_) => ErrorCode::BadJoinCode,
            AppError::BadServerUrl(_) => ErrorCode::BadServerUrl,
            AppError::Invalid { .. } => ErrorCode::InvalidInput,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::NotAllowed(_) => ErrorCode::NotAllowed,
            AppError::MonthFiled(_) => ErrorCode::MonthFiled,
            AppError::NotSyncedYet => ErrorCode::NotSyncedYet,
            AppError::Unreachable(_) => ErrorCode::ServerUnreachable,
            AppError::Refused(_) => ErrorCode::ServerRefused,
            AppError::Unreadable(_) => ErrorCode::ServerAnswerUnreadable,
            AppError::Incomplete(_) => ErrorCode::SyncIncomplete,
            AppError::SyncRunning => ErrorCode::SyncRunning,
            AppError::Storage(_) => ErrorCode::Storage,
            AppError::Internal(_) => ErrorCode::Internal,
            AppError::Denied { code, .. } => *code,
            AppError::Wiped(_) => ErrorCode::DeviceWiped,
            AppError::Locked(_) => ErrorCode::Locked,
            AppError::WrongPin(_) => ErrorCode::WrongPin,
            AppError::PinBlocked => ErrorCode::PinBlocked,
            AppError::PinWait(_) => ErrorCode::PinWait,
        }
    }

    /// What the window receives.
    pub fn to_command_error(&self) -> CommandError {
        let field = match self {
            AppError::Invalid { field, .. } => field.clone(),
            _ => None,
        };
        CommandError { code: self.code(), message: self.to_string(), field }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { message: message.into(), field: Some(field.to_string()) }
    }
}

impl From<AppError> for CommandError {
    fn from(e: AppError) -> Self {
        e.to_command_error()
    }
}

/// The field a domain error is about, in the form's own names.
fn domain_field(e: &DomainError) -> Option<String> {
    let f = match e {
        DomainError::UnknownHousehold(_) => "householdId",
        DomainError::UnknownMember(_) => "member",
        DomainError::FutureTime { .. } => "at",
        DomainError::FutureDate { .. } => "date",
        DomainError::MonthFiled { .. } => "date",
        DomainError::UnknownDiaryEntry(_) => "amends",
        DomainError::UnknownProject(_) => "project",
        DomainError::FindingSubject => "household",
        DomainError::FindingReview(_) => "review",
        DomainError::Empty { field } | DomainError::TooLong { field, .. } | DomainError::OutOfRange { field, .. } => {
            match *field {
                "head of household" => "head",
                "village group" => "group",
                "members count" => "membersCount",
                "needs raised" => "needs",
                "follow-up" => "followUp",
                "diary text" => "text",
                "location" | "location accuracy" => "location",
                "item reason" | "item points" | "veto points" | "score items" => "items",
                // The village ledger (issue 22).
                "who led the meeting" => "ledBy",
                "meeting topics" => "topics",
                "meeting decisions" => "decisions",
                "attendance" => "attendance",
                "project name" => "projectName",
                "funding" => "funding",
                "households that benefit" => "householdIds",
                "project result" | "project result (what was delivered, or why it was dropped)" => "result",
                "progress update" => "progressText",
                "meeting date" | "project start day" | "project closing day" | "progress day" => "date",
                "answer to the finding" | "answer to the finding (整改情况)" => "answer",
                // The village situation and the plans (issue 22).
                "situation year" | "plan year" => "year",
                "population" => "population",
                "households" => "households",
                "party members" => "partyMembers",
                "collective income" => "collectiveIncome",
                "committee members"
                | "committee member's name"
                | "committee member's post"
                | "committee member's birth year" => "committee",
                "income sources" => "incomeSources",
                "main industries" => "industries",
                "roads" => "roads",
                "drinking water" => "water",
                "network" => "network",
                "main problems" => "problems",
                "plan item" | "whom the letter is signed with" => "title",
                "plan target" => "target",
                "plan due day" => "due",
                "plan result" | "plan result (what was achieved, or why not)" => "result",
                "the day the plan item was closed" | "plan closing day" => "closedOn",
                "plan state" => "state",
                other => household_field(other),
            }
        }
        DomainError::LeaveDatesReversed { .. } => "to",
        DomainError::ReturnBeforeLeave { .. } | DomainError::ReturnWithoutApproval { .. } => "returnedOn",
        DomainError::MonthNotOver { .. } => "month",
        DomainError::UnknownCode { field, .. } => household_field(field),
        DomainError::Malformed { what, .. } => household_field(what),
    };
    Some(f.to_string())
}

/// The household and family forms' names for the domain's fields (issue 16).
fn household_field(domain: &str) -> &str {
    match domain {
        "phone" => "phone",
        "helper's phone" => "helperPhone",
        "address" => "address",
        "door number" => "doorNumber",
        "helper's name" | "helper's name (a unit is given)" => "helperName",
        "helper's unit" => "helperUnit",
        "income per head" => "incomePerHead",
        "monitored type" => "monitoredType",
        "risk kind" => "risks",
        "risk cleared" => "riskClearedOn",
        "guarantee" => "checks",
        "relation to the head" => "relation",
        "ability to work" => "workAbility",
        "family member's name" => "name",
        "birth year" => "birthYear",
        "disability grade" => "disabilityGrade",
        "who entered the ID number" => "idNumber",
        "amended visit" => "amends",
        w if w.starts_with("ID card number") => "idNumber",
        other => other,
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::MonthFiled { month } => AppError::MonthFiled(month.to_string()),
            e @ DomainError::MonthNotOver { .. } => {
                AppError::Denied { code: ErrorCode::MonthNotOver, message: e.to_string() }
            }
            other => AppError::Invalid { field: domain_field(&other), message: other.to_string() },
        }
    }
}

impl From<ClientError> for AppError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Invalid(d) => d.into(),
            ClientError::Store(s) => AppError::Storage(s.to_string()),
            ClientError::Doc(d) => AppError::Storage(d.to_string()),
            ClientError::Transport(TransportError::Unreachable(m)) => AppError::Unreachable(m),
            ClientError::Transport(e @ TransportError::RateLimited { .. }) => AppError::Refused(e.to_string()),
            ClientError::Transport(TransportError::Status { status, message }) => {
                AppError::Refused(format!("{status}: {}", message.chars().take(200).collect::<String>()))
            }
            ClientError::Protocol(p) => AppError::Unreadable(p.to_string()),
            ClientError::NotInitialised | ClientError::NotEnrolled => AppError::NotJoined,
            ClientError::AlreadyEnrolled(_) => AppError::AlreadyJoined,
            ClientError::Enroll(m) => AppError::BadJoinCode(m),
            ClientError::NoVillage(role) => {
                AppError::BadJoinCode(format!("the code is for a {role} account, which has no village of its own"))
            }
            ClientError::Corrupt { doc, reason } => AppError::Storage(format!("{doc}: {reason}")),
            ClientError::NotFound(what) => AppError::NotFound(what),
            ClientError::Denied { code, message } => {
                let code = match code {
                    "own_leave" => ErrorCode::OwnLeave,
                    "month_filed" => ErrorCode::MonthFiled,
                    "invalid_record" => ErrorCode::InvalidInput,
                    _ => ErrorCode::NotAllowed,
                };
                AppError::Denied { code, message: format!("not saved: {message}") }
            }
            ClientError::TooManyRounds(n) => AppError::Incomplete(n),
            // The app never pulls county exports; should it ever, the server refused or was away.
            ClientError::Pull(m) => AppError::Refused(m),
            ClientError::WipeOrdered(m) => AppError::Wiped(m),
            ClientError::Keystore(m) => AppError::Storage(m),
            // The peer exchange (附近的队员) is the CLI's for now; its refusals are in words.
            ClientError::Peer(m) => AppError::Refused(m),
        }
    }
}

impl From<taizhang_store::StoreError> for AppError {
    fn from(e: taizhang_store::StoreError) -> Self {
        AppError::Storage(e.to_string())
    }
}

impl From<taizhang_rules::RulesError> for AppError {
    fn from(e: taizhang_rules::RulesError) -> Self {
        AppError::Internal(e.to_string())
    }
}
