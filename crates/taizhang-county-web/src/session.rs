//! Who is logged in: the log-in (password, per-name attempt limit, session cookie and token),
//! the log-out, `GET /county/api/me`, and the [`Session`] extractor every other endpoint takes
//! (a county or township officer and their scope, from the cookie or a bearer session token).

use std::sync::OnceLock;

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use taizhang_auth::Role;
use taizhang_server_db::{Account, AccountStore};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Json;
use crate::facts::county_name;
use crate::guard::{normalise, ClientAddr, LoginKey};
use crate::state::Accounts;
use crate::{CountyState, CountyWebError};

const COOKIE: &str = "tz_county";

/// A county or township officer with a valid session, and the county they work in (a
/// township's county is the township's parent place).
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub county: Uuid,
    /// The township of a township officer (`None`: county staff).
    pub township: Option<Uuid>,
}

/// What a session sees: a whole county, or one township of it. Which villages is always
/// `taizhang_auth::may_read`'s decision over the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Scope {
    County(Uuid),
    Township(Uuid),
}

impl Session {
    pub fn scope(&self) -> Scope {
        match self.township {
            Some(t) => Scope::Township(t),
            None => Scope::County(self.county),
        }
    }

    /// Refuses a township officer what only county staff do (scores entered, the county's
    /// yearly grading).
    pub fn require_county(&self) -> Result<()> {
        match self.township {
            None => Ok(()),
            Some(_) => Err(CountyWebError::Forbidden(
                "这是县委组织部的工作,乡镇账号不能使用 / this is the county organisation department's work: \
                 township accounts cannot use it"
                    .into(),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session
where
    CountyState: FromRef<S>,
{
    type Rejection = CountyWebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let st = CountyState::from_ref(state);
        let now = (st.clock)();
        let token = session_token(&parts.headers)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| CountyWebError::Unauthorized("请先登录 / log in first".into()))?;
        let (account, issued_at) = st
            .key
            .get(st.accounts.as_ref())
            .await?
            .verify_session_issued(token, now)
            .map_err(|e| CountyWebError::Unauthorized(format!("登录已失效,请重新登录 / {e}")))?;
        // Ended by a log-out or a password change since it was issued.
        if st.accounts.sessions_from(account).await?.is_none_or(|from| issued_at < from) {
            return Err(CountyWebError::Unauthorized(
                "已退出登录,请重新登录 / this session has ended: log in again".into(),
            ));
        }
        let account = st
            .accounts
            .account(account)
            .await?
            .ok_or_else(|| CountyWebError::Unauthorized("账号已不存在 / this account no longer exists".into()))?;
        let (county, township) = scope_of(st.accounts.as_ref(), &account).await?;
        Ok(Session { account, county, township })
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// Who is logged in.
#[derive(Debug, Serialize)]
pub struct Me {
    pub account: Uuid,
    pub name: String,
    pub county: Uuid,
    pub county_name: String,
    /// `county` or `township`: what the page shows.
    pub scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub township: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub township_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

fn bad_login() -> CountyWebError {
    CountyWebError::Unauthorized("登录名或密码不正确 / wrong login name or password".into())
}

/// A hash to check against when the login name is unknown, so both cases take as long.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| taizhang_auth::hash_password("decoy", [0; 16], taizhang_auth::PASSWORD_ITERATIONS))
}

/// The county an officer works in and, for a township officer, their township (whose parent
/// place is the county); any other account is refused.
async fn scope_of(accounts: &dyn AccountStore, account: &Account) -> Result<(Uuid, Option<Uuid>)> {
    let refused = || {
        CountyWebError::Forbidden(
            "只有县委组织部和乡镇账号可以登录此页面 / only county and township staff accounts can use this page".into(),
        )
    };
    match (account.role, account.county, account.township) {
        (Role::CountyStaff, Some(c), _) => Ok((c, None)),
        (Role::TownshipStaff, _, Some(t)) => {
            let places = accounts.places().await?;
            let county = places.iter().find(|p| p.kind == "township" && p.id == t).and_then(|p| p.parent);
            county.map(|c| (c, Some(t))).ok_or_else(refused)
        }
        _ => Err(refused()),
    }
}

/// The name of a township (its id when unknown).
async fn township_name(accounts: &dyn AccountStore, township: Option<Uuid>) -> Result<Option<String>> {
    let Some(t) = township else { return Ok(None) };
    let places = accounts.places().await?;
    Ok(Some(places.into_iter().find(|p| p.kind == "township" && p.id == t).map_or_else(|| t.to_string(), |p| p.name)))
}

fn scope_code(township: Option<Uuid>) -> &'static str {
    if township.is_some() {
        "township"
    } else {
        "county"
    }
}

/// The account `login` names (an id or a unique name), with its stored password hash.
async fn find_login(accounts: &dyn AccountStore, login: &str) -> Result<(Option<Account>, Option<String>)> {
    let all = accounts.accounts().await?;
    let matching: Vec<&Account> = match login.parse::<Uuid>() {
        Ok(id) => all.iter().filter(|a| a.id == id).collect(),
        Err(_) => all.iter().filter(|a| a.name == login).collect(),
    };
    if matching.len() > 1 {
        return Err(CountyWebError::BadRequest(
            "有多个账号同名,请用账号编号登录 / several accounts have this name: log in with the account id".into(),
        ));
    }
    let account = matching.first().map(|a| (*a).clone());
    let stored = match &account {
        Some(a) => accounts.password_hash(a.id).await?,
        None => None,
    };
    Ok((account, stored))
}

/// `POST /county/api/login`: a session cookie, and the token for `taizhang pull`. Guarded
/// (see `guard`): the address's budget, then the account's delay for this address, then one
/// password hash at a time.
pub async fn login(
    State(st): State<CountyState>,
    ClientAddr(address): ClientAddr,
    Json(req): Json<LoginRequest>,
) -> Result<Response> {
    let now = (st.clock)();
    let too_many = |retry_after_s| CountyWebError::TooManyLogins { retry_after_s };
    st.guard.address(address, now).map_err(too_many)?;
    let login = normalise(&req.login);
    let (account, stored) = find_login(st.accounts.as_ref(), &login).await?;
    let key = match &account {
        Some(a) => LoginKey::Account(a.id),
        None => LoginKey::Unknown(login.clone()),
    };
    st.guard.may_try(&key, address, now).map_err(too_many)?;
    let password = req.password;
    let permit = st
        .guard
        .hashing
        .acquire()
        .await
        .map_err(|e| CountyWebError::Internal(format!("the password check is closed: {e}")))?;
    let ok = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| decoy_hash());
        taizhang_auth::verify_password(&password, hash) && stored.is_some()
    })
    .await
    .map_err(|e| CountyWebError::Internal(format!("checking a password failed: {e}")))?;
    drop(permit);
    st.guard.outcome(key, address, now, ok);
    let (Some(account), true) = (account, ok) else { return Err(bad_login()) };
    let (county, township) = scope_of(st.accounts.as_ref(), &account).await?;
    let county_name = county_name(st.accounts.as_ref(), county).await?;
    let township_name = township_name(st.accounts.as_ref(), township).await?;
    let issued = st.key.get(st.accounts.as_ref()).await?.issue_session(account.id, now);
    tracing::info!(account = %account.id, scope = scope_code(township), "county page log-in");
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/county; Max-Age={}",
        issued.token,
        taizhang_auth::SESSION_TTL_MS / 1000
    );
    let me = Me {
        account: account.id,
        name: account.name,
        county,
        county_name,
        scope: scope_code(township),
        township,
        township_name,
        token: Some(issued.token),
        expires_at: Some(issued.expires_at),
    };
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|e| CountyWebError::Internal(format!("the session cookie is not a header value: {e}")))?;
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(me)).into_response())
}

/// `POST /county/api/logout`: ends the session on the server — every session of the account
/// issued up to now stops working, on every instance — and clears the cookie.
pub async fn logout(State(st): State<CountyState>, headers: HeaderMap) -> Result<Response> {
    let now = (st.clock)();
    if let Some(token) = session_token(&headers).filter(|t| !t.is_empty()) {
        if let Ok((account, issued_at)) = st.key.get(st.accounts.as_ref()).await?.verify_session_issued(token, now) {
            st.accounts.end_sessions(account, now.max(issued_at.saturating_add(1))).await?;
        }
    }
    let clear = format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/county; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// `GET /county/api/me`.
pub async fn me(session: Session, State(Accounts(accounts)): State<Accounts>) -> Result<axum::Json<Me>> {
    let county_name = county_name(accounts.as_ref(), session.county).await?;
    let township_name = township_name(accounts.as_ref(), session.township).await?;
    Ok(axum::Json(Me {
        account: session.account.id,
        name: session.account.name,
        county: session.county,
        county_name,
        scope: scope_code(session.township),
        township: session.township,
        township_name,
        token: None,
        expires_at: None,
    }))
}

fn session_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(bearer) =
        headers.get(header::AUTHORIZATION).and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer "))
    {
        return Some(bearer);
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")).map(|_| c.trim()))
        .and_then(|c| c.split_once('=').map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_comes_from_the_bearer_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("lang=zh; tz_county=abc123; other=1"));
        assert_eq!(session_token(&h), Some("abc123"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer tok"));
        assert_eq!(session_token(&h), Some("tok"), "the bearer token wins");
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("tz_countyx=nope"));
        assert_eq!(session_token(&h), None, "a cookie with a longer name is not the session");
    }
}
