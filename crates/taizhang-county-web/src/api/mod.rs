//! The county API by area: the overview of every village, one village (its page and random
//! inspection), the exports, the yearly grades, what county staff enter, the township's work
//! (at post today, leave to decide, months to file), the village's own ledger (村级工作台账), the
//! records' photos and scans (issue 19), and the county's rules (here).

pub mod devices;
pub mod evidence;
pub mod export;
pub mod findings;
pub mod grades;
pub mod inputs;
pub mod joinsheet;
pub mod ledger;
pub mod overview;
pub mod photos;
pub mod scores;
pub mod township;
pub mod village;

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use taizhang_rules::Policy;

use crate::{Policies, Session};

/// `GET /county/api/policy`: the county's rules, for the page's entry forms and legends.
pub async fn policy(session: Session, State(policies): State<Arc<Policies>>) -> Json<Policy> {
    Json(policies.of(session.county))
}
