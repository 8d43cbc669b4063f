//! The county view over HTTP (issue 5): the county page (`/county/`, embedded files),
//! its log-in, and the JSON and export endpoints it and `taizhang pull` call. Handlers gather
//! facts (session, places, the read model's records) and hand them to `taizhang-county`'s pure
//! functions; the API is described in `sync-server/county/API.md`.

mod readmodel;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use taizhang_auth::{may_read, Place, Role};
use taizhang_county::{Dataset, Entered, MonthInputs, Scope, VillageData, VillageInfo, YearInputs};
use taizhang_domain::{local_date, MemberId};
use taizhang_rules::{Period, Policy, VillageRecords};
use taizhang_server_db::{Account, CountyInput};
use uuid::Uuid;

pub use readmodel::ReadModel;

use crate::auth::{principal, server_key};
use crate::{ApiError, AppState, RateLimiter};

/// The county view's share of the server state.
#[derive(Debug)]
pub struct CountyState {
    /// The rules of counties without a policy of their own (a policy file, or the seed
    /// articles' defaults).
    pub default_policy: Policy,
    /// Counties with their own policy file (a provincial server serves many counties).
    pub policies: HashMap<Uuid, Policy>,
    pub model: Arc<ReadModel>,
    /// Log-in attempts per login name per minute.
    login_limiter: RateLimiter,
}

impl CountyState {
    pub fn new(default_policy: Policy, policies: HashMap<Uuid, Policy>) -> Self {
        Self { default_policy, policies, model: Arc::new(ReadModel::default()), login_limiter: RateLimiter::new(10) }
    }

    /// The rules `county` is judged by.
    pub fn policy(&self, county: Uuid) -> Policy {
        self.policies.get(&county).unwrap_or(&self.default_policy).clone()
    }
}

impl Default for CountyState {
    fn default() -> Self {
        Self::new(Policy::default(), HashMap::new())
    }
}

/// Starts the background task that builds the read model (every placed village) and then
/// refreshes it as syncs arrive.
pub fn spawn_read_model(st: &AppState) -> tokio::task::JoinHandle<()> {
    let st = st.clone();
    tokio::spawn(async move {
        let villages = match st.accounts.places().await {
            Ok(places) => {
                places.into_iter().filter(|p| p.kind == "village" && p.parent.is_some()).map(|p| p.id).collect()
            }
            Err(e) => {
                tracing::warn!(error = %e, "listing villages for the county read model failed");
                Vec::new()
            }
        };
        st.county.model.clone().run(st.store.clone(), villages).await;
    })
}

const COOKIE: &str = "tz_county";

/// An error of the county API: the status, and `{"error": "..."}` for the page.
#[derive(Debug)]
pub struct JsonError(ApiError);

impl<E: Into<ApiError>> From<E> for JsonError {
    fn from(e: E) -> Self {
        JsonError(e.into())
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let (status, message) = self.0.status_and_message();
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

impl From<taizhang_county::CountyError> for ApiError {
    fn from(e: taizhang_county::CountyError) -> Self {
        match e {
            taizhang_county::CountyError::UnknownVillage(_) | taizhang_county::CountyError::UnknownMember(_) => {
                ApiError::NotFound(e.to_string())
            }
            taizhang_county::CountyError::Export(_) => {
                tracing::error!(error = %e, "export failed");
                ApiError::Unavailable
            }
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

impl From<taizhang_rules::RulesError> for ApiError {
    fn from(e: taizhang_rules::RulesError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

type Result<T> = std::result::Result<T, JsonError>;

/// The county page's ES modules, served at `/county/js/<name>.js` (no build step: as written).
const MODULES: &[(&str, &str)] = &[
    ("api", include_str!("../../county/js/api.js")),
    ("dom", include_str!("../../county/js/dom.js")),
    ("entry", include_str!("../../county/js/entry.js")),
    ("format", include_str!("../../county/js/format.js")),
    ("i18n", include_str!("../../county/js/i18n.js")),
    ("inspection", include_str!("../../county/js/inspection.js")),
    ("main", include_str!("../../county/js/main.js")),
    ("overview", include_str!("../../county/js/overview.js")),
    ("state", include_str!("../../county/js/state.js")),
    ("ui", include_str!("../../county/js/ui.js")),
    ("village", include_str!("../../county/js/village.js")),
];

/// The routes under `/county`.
pub fn routes() -> Router<AppState> {
    let router = MODULES.iter().fold(Router::new(), |router, &(name, body)| {
        router.route(
            &format!("/county/js/{name}.js"),
            get(move || async move { page("text/javascript; charset=utf-8", body) }),
        )
    });
    router
        .route("/county", get(|| async { Redirect::permanent("/county/") }))
        .route("/county/", get(|| async { page("text/html; charset=utf-8", include_str!("../../county/index.html")) }))
        .route(
            "/county/app.css",
            get(|| async { page("text/css; charset=utf-8", include_str!("../../county/app.css")) }),
        )
        .route("/county/api/login", post(login))
        .route("/county/api/logout", post(logout))
        .route("/county/api/me", get(me))
        .route("/county/api/overview", get(overview))
        .route("/county/api/village/{id}", get(village))
        .route("/county/api/village/{id}/sample", get(sample))
        .route("/county/api/export", get(export))
        .route("/county/api/grades", get(grades))
        .route("/county/api/policy", get(policy))
        .route("/county/api/village/{id}/member/{member}/year/{year}", put(put_year))
        .route("/county/api/village/{id}/member/{member}/month/{month}", put(put_month))
}

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            // The page loads nothing from elsewhere and runs no inline script.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body,
    )
        .into_response()
}

// ---- Session ----

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

fn bad_login() -> JsonError {
    JsonError(ApiError::Unauthorized("登录名或密码不正确 / wrong login name or password".into()))
}

/// A hash to check against when the login name is unknown, so both cases take as long.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| taizhang_auth::hash_password("decoy", [0; 16], taizhang_auth::PASSWORD_ITERATIONS))
}

fn login_key(login: &str) -> Uuid {
    // FNV-1a over the login, as a limiter key (not a secret).
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in login.trim().as_bytes() {
        h ^= u128::from(*b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    Uuid::from_u128(h)
}

/// The county a county officer works for; any other account is refused.
fn county_of(account: &Account) -> Result<Uuid> {
    match (account.role, account.county) {
        (Role::CountyStaff, Some(c)) => Ok(c),
        _ => Err(JsonError(ApiError::Forbidden(
            "只有县委组织部账号可以登录县级页面 / only county staff accounts can use the county page".into(),
        ))),
    }
}

/// The county's name (only the answers that show it look it up).
async fn county_name(st: &AppState, county: Uuid) -> Result<String> {
    Ok(st
        .accounts
        .places()
        .await?
        .into_iter()
        .find(|p| p.kind == "county" && p.id == county)
        .map_or_else(|| county.to_string(), |p| p.name))
}

/// A request body that is not the JSON expected: 400 with serde's account of why.
fn bad_json(e: JsonRejection) -> JsonError {
    JsonError(ApiError::BadRequest(format!(
        "请求内容有误 / the request body is not what was expected: {}",
        e.body_text()
    )))
}

async fn login(
    State(st): State<AppState>,
    req: std::result::Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Response> {
    let Json(req) = req.map_err(bad_json)?;
    let now = (st.clock)();
    let login = req.login.trim().to_string();
    st.county
        .login_limiter
        .check(login_key(&login), now)
        .map_err(|retry_after_s| JsonError(ApiError::TooMany { retry_after_s }))?;
    let accounts = st.accounts.accounts().await?;
    let matching: Vec<&Account> = match login.parse::<Uuid>() {
        Ok(id) => accounts.iter().filter(|a| a.id == id).collect(),
        Err(_) => accounts.iter().filter(|a| a.name == login).collect(),
    };
    if matching.len() > 1 {
        return Err(JsonError(ApiError::BadRequest(
            "有多个账号同名,请用账号编号登录 / several accounts have this name: log in with the account id".into(),
        )));
    }
    let account = matching.first().map(|a| (*a).clone());
    let stored = match &account {
        Some(a) => st.accounts.password_hash(a.id).await?,
        None => None,
    };
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| decoy_hash());
        taizhang_auth::verify_password(&password, hash) && stored.is_some()
    })
    .await
    .map_err(|_| JsonError(ApiError::Unavailable))?;
    let (Some(account), true) = (account, ok) else { return Err(bad_login()) };
    let county = county_of(&account)?;
    let county_name = county_name(&st, county).await?;
    let issued = server_key(&st).await?.issue_session(account.id, now);
    tracing::info!(account = %account.id, "county page log-in");
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
        token: Some(issued.token),
        expires_at: Some(issued.expires_at),
    };
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| JsonError(ApiError::Unavailable))?;
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

async fn logout() -> Response {
    let clear = format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/county; Max-Age=0");
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response()
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

/// The logged-in county officer, from the cookie or a bearer session token.
async fn session(st: &AppState, headers: &HeaderMap) -> Result<(Account, Uuid)> {
    let now = (st.clock)();
    let token = session_token(headers)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| JsonError(ApiError::Unauthorized("请先登录 / log in first".into())))?;
    let account = server_key(st)
        .await?
        .verify_session(token, now)
        .map_err(|e| JsonError(ApiError::Unauthorized(format!("登录已失效,请重新登录 / {e}"))))?;
    let account = st
        .accounts
        .account(account)
        .await?
        .ok_or_else(|| JsonError(ApiError::Unauthorized("账号已不存在 / this account no longer exists".into())))?;
    let county = county_of(&account)?;
    Ok((account, county))
}

async fn me(State(st): State<AppState>, headers: HeaderMap) -> Result<Json<Me>> {
    let (account, county) = session(&st, &headers).await?;
    let county_name = county_name(&st, county).await?;
    Ok(Json(Me { account: account.id, name: account.name, county, county_name, token: None, expires_at: None }))
}

// ---- Places and period ----

/// The villages of a county with their township's name.
async fn villages_of(st: &AppState, account: &Account, county: Uuid) -> Result<Vec<VillageInfo>> {
    let places = st.accounts.places().await?;
    let townships: HashMap<Uuid, String> = places
        .iter()
        .filter(|p| p.kind == "township" && p.parent == Some(county))
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let p = principal(account);
    Ok(places
        .into_iter()
        .filter(|v| v.kind == "village")
        .filter_map(|v| {
            let t = v.parent?;
            let township = townships.get(&t)?.clone();
            // The access rules decide, as for devices.
            may_read(&p, &Place { village: v.id, township: Some(t), county: Some(county) }).ok()?;
            Some(VillageInfo { id: v.id, name: v.name, township })
        })
        .collect())
}

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

fn today(st: &AppState) -> NaiveDate {
    local_date((st.clock)())
}

fn date(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        JsonError(ApiError::BadRequest(format!(
            "{what}日期“{s}”无法识别,请用 YYYY-MM-DD / the {what} date '{s}' is not YYYY-MM-DD"
        )))
    })
}

/// The period asked for; by default 1 January of this year to today (Asia/Shanghai).
fn period(q: &PeriodQuery, today: NaiveDate) -> Result<Period> {
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => date(s, "from")?,
        None => NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
    };
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => date(s, "to")?,
        None => today.max(from),
    };
    Ok(Period::new(from, to).map_err(ApiError::from)?)
}

async fn records(st: &AppState, village: Uuid) -> Result<Arc<VillageRecords>> {
    Ok(st.county.model.refresh(&st.store, village).await?)
}

/// Several villages' records, refreshed in parallel, in the order given.
async fn records_of(st: &AppState, villages: &[VillageInfo]) -> Result<Vec<Arc<VillageRecords>>> {
    let ids: Vec<Uuid> = villages.iter().map(|v| v.id).collect();
    Ok(st.county.model.refresh_many(&st.store, &ids).await?)
}

/// What county staff entered for a village's members.
async fn entered(st: &AppState, village: Uuid) -> Result<Entered> {
    let rows = st.accounts.county_inputs(village).await?;
    let e = Entered::from_rows(rows.iter().map(|r| (MemberId(r.member), r.period.as_str(), r.data.as_str())));
    if e.unreadable > 0 {
        tracing::warn!(%village, unreadable = e.unreadable, "stored county inputs this version cannot read");
    }
    Ok(e)
}

// ---- Views ----

/// `f` over `items` on every core (scoped threads), results in input order. The rules engine
/// is CPU-bound and each village is independent.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let width = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    if width == 1 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(width);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    })
}

#[derive(Debug, Serialize)]
struct Overview {
    county: serde_json::Value,
    period: Period,
    today: NaiveDate,
    computed_ms: u128,
    villages: Vec<taizhang_county::VillageSummary>,
}

async fn overview(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Overview>> {
    let started = std::time::Instant::now();
    let (account, county) = session(&st, &headers).await?;
    let county_name = county_name(&st, county).await?;
    let today = today(&st);
    let period = period(&q, today)?;
    let infos = villages_of(&st, &account, county).await?;
    let data: Vec<_> = infos.clone().into_iter().zip(records_of(&st, &infos).await?).collect();
    let policy = st.county.policy(county);
    let villages = tokio::task::spawn_blocking(move || {
        par_map(&data, |(info, r)| taizhang_county::village_summary(info, r, period, today, &policy))
            .into_iter()
            .collect::<std::result::Result<Vec<_>, _>>()
    })
    .await
    .map_err(|_| JsonError(ApiError::Unavailable))?
    .map_err(ApiError::from)?;
    Ok(Json(Overview {
        county: serde_json::json!({ "id": county, "name": county_name }),
        period,
        today,
        computed_ms: started.elapsed().as_millis(),
        villages,
    }))
}

async fn one_village(
    st: &AppState,
    headers: &HeaderMap,
    id: Uuid,
) -> Result<(VillageInfo, Arc<VillageRecords>, Uuid, Account)> {
    let (account, county) = session(st, headers).await?;
    let info = villages_of(st, &account, county)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| ApiError::from(taizhang_county::CountyError::UnknownVillage(id)))?;
    let r = records(st, id).await?;
    Ok((info, r, county, account))
}

async fn village(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<taizhang_county::VillageView>> {
    let (info, r, county, account) = one_village(&st, &headers, id).await?;
    let e = entered(&st, id).await?;
    let today = today(&st);
    let period = period(&q, today)?;
    let policy = st.county.policy(county);
    let mut view =
        tokio::task::spawn_blocking(move || taizhang_county::village_view_with(&info, &r, &e, period, today, &policy))
            .await
            .map_err(|_| JsonError(ApiError::Unavailable))?
            .map_err(ApiError::from)?;
    // A scored first secretary's grade depends on the whole county (the cap on 优秀): only
    // then is the county graded, for the year the period ends in.
    if view.members.iter().any(|m| m.role == "first_secretary" && m.scheme_a.is_some()) {
        let grades = county_grades(&st, &account, county, period.to.year(), today).await?;
        view.apply_county_grades(&grades);
    }
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
pub struct SampleQuery {
    pub kind: String,
    pub n: Option<usize>,
    pub seed: Option<u64>,
    pub from: Option<String>,
    pub to: Option<String>,
}

async fn sample(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<SampleQuery>,
) -> Result<Json<serde_json::Value>> {
    let (_, r, _, _) = one_village(&st, &headers, id).await?;
    let period = period(&PeriodQuery { from: q.from.clone(), to: q.to.clone() }, today(&st))?;
    let n = q.n.unwrap_or(5).clamp(1, 50);
    // JavaScript numbers are exact up to 2^53: keep seeds within that so the page can pass
    // one back.
    let seed = q.seed.unwrap_or_else(|| rand::random::<u64>() >> 11);
    let items = match q.kind.as_str() {
        "diary" => serde_json::to_value(taizhang_county::sample_diary(&r, period, n, seed)),
        "households" => serde_json::to_value(taizhang_county::sample_households(&r, period, n, seed)),
        other => {
            return Err(ApiError::from(taizhang_county::CountyError::UnknownSampleKind(
                other.chars().take(40).collect(),
            ))
            .into())
        }
    }
    .map_err(|_| JsonError(ApiError::Unavailable))?;
    Ok(Json(serde_json::json!({ "kind": q.kind, "seed": seed, "items": items })))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub dataset: String,
    pub format: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub village: Option<Uuid>,
    pub member: Option<Uuid>,
}

async fn export(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<ExportQuery>) -> Result<Response> {
    let (account, county) = session(&st, &headers).await?;
    let county_name = county_name(&st, county).await?;
    let dataset: Dataset = q.dataset.parse().map_err(ApiError::from)?;
    let (ext, mime) = match q.format.as_str() {
        "csv" => ("csv", "text/csv; charset=utf-8"),
        "xlsx" => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        other => {
            return Err(JsonError(ApiError::BadRequest(format!(
                "未知格式“{}” / unknown format '{}': use csv or xlsx",
                other.chars().take(20).collect::<String>(),
                other.chars().take(20).collect::<String>()
            ))))
        }
    };
    if q.member.is_some() && q.village.is_none() {
        return Err(JsonError(ApiError::BadRequest(
            "导出队员数据需同时指定村 / a member export needs its village".into(),
        )));
    }
    let today = today(&st);
    let period = period(&PeriodQuery { from: q.from.clone(), to: q.to.clone() }, today)?;
    let mut infos = villages_of(&st, &account, county).await?;
    if let Some(v) = q.village {
        infos.retain(|i| i.id == v);
        if infos.is_empty() {
            return Err(ApiError::from(taizhang_county::CountyError::UnknownVillage(v)).into());
        }
    }
    let mut inputs = std::collections::BTreeMap::new();
    if dataset == Dataset::Scores {
        for info in &infos {
            inputs.insert(info.id, entered(&st, info.id).await?);
        }
    }
    let data: Vec<_> = infos.clone().into_iter().zip(records_of(&st, &infos).await?).collect();
    let policy = st.county.policy(county);
    let member = q.member.map(MemberId);
    let format = q.format.clone();
    let bytes = tokio::task::spawn_blocking(move || -> std::result::Result<Vec<u8>, taizhang_county::CountyError> {
        let scope = Scope {
            county: &county_name,
            villages: data.iter().map(|(info, records)| VillageData { info, records: records.as_ref() }).collect(),
            member,
        };
        let table = taizhang_county::table_with_inputs(dataset, &scope, &inputs, period, today, &policy)?;
        Ok(if format == "csv" { taizhang_export::to_csv(&table)? } else { taizhang_export::to_xlsx(&table)? })
    })
    .await
    .map_err(|_| JsonError(ApiError::Unavailable))?
    .map_err(ApiError::from)?;
    let name = format!("taizhang-{}-{}-{}.{ext}", dataset.code(), period.from, period.to);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|_| JsonError(ApiError::Unavailable))?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(mime)), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

// ---- What county staff enter ----

/// Checks that `member` is on the team of a village of the officer's county.
async fn member_of(st: &AppState, headers: &HeaderMap, id: Uuid, member: Uuid) -> Result<(Account, Uuid)> {
    let (account, county) = session(st, headers).await?;
    if !villages_of(st, &account, county).await?.iter().any(|v| v.id == id) {
        return Err(ApiError::from(taizhang_county::CountyError::UnknownVillage(id)).into());
    }
    let r = records(st, id).await?;
    if !r.members.iter().any(|m| m.id.0 == member) {
        return Err(ApiError::from(taizhang_county::CountyError::UnknownMember(MemberId(member))).into());
    }
    Ok((account, county))
}

async fn store_input(
    st: &AppState,
    account: &Account,
    village: Uuid,
    member: Uuid,
    period: String,
    data: String,
) -> Result<()> {
    let input = CountyInput { village, member, period, data, updated_by: account.id, updated_at: (st.clock)() };
    st.accounts.put_county_input(&input).await?;
    tracing::info!(account = %account.id, %village, %member, period = %input.period, "county input stored");
    Ok(())
}

/// `PUT .../member/{member}/year/{year}`: scheme A's components, training days, seven ones.
async fn put_year(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, member, year)): Path<(Uuid, Uuid, i32)>,
    body: std::result::Result<Json<YearInputs>, JsonRejection>,
) -> Result<Json<YearInputs>> {
    let Json(body) = body.map_err(bad_json)?;
    let (account, county) = member_of(&st, &headers, id, member).await?;
    if !(2000..=2200).contains(&year) {
        return Err(JsonError(ApiError::BadRequest(format!("{year} is not a year this ledger holds"))));
    }
    body.check(&st.county.policy(county)).map_err(ApiError::from)?;
    let data = serde_json::to_string(&body).map_err(|_| JsonError(ApiError::Unavailable))?;
    store_input(&st, &account, id, member, format!("{year:04}"), data).await?;
    Ok(Json(body))
}

/// `PUT .../member/{member}/month/{YYYY-MM}`: scheme B's items for the month.
async fn put_month(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, member, month)): Path<(Uuid, Uuid, String)>,
    body: std::result::Result<Json<MonthInputs>, JsonRejection>,
) -> Result<Json<MonthInputs>> {
    let Json(body) = body.map_err(bad_json)?;
    let (account, county) = member_of(&st, &headers, id, member).await?;
    let month: taizhang_domain::YearMonth = month.parse().map_err(|_| {
        JsonError(ApiError::BadRequest(format!(
            "“{}” is not a month YYYY-MM",
            month.chars().take(20).collect::<String>()
        )))
    })?;
    body.check(&st.county.policy(county)).map_err(ApiError::from)?;
    let data = serde_json::to_string(&body).map_err(|_| JsonError(ApiError::Unavailable))?;
    store_input(&st, &account, id, member, month.to_string(), data).await?;
    Ok(Json(body))
}

#[derive(Debug, Deserialize)]
pub struct GradesQuery {
    pub year: Option<i32>,
}

/// `GET /county/api/grades?year=`: the county's first secretaries graded (scheme A, cap on 优秀).
async fn grades(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<GradesQuery>,
) -> Result<Json<taizhang_county::CountyGrades>> {
    let (account, county) = session(&st, &headers).await?;
    let today = today(&st);
    let year = q.year.unwrap_or(today.year());
    Ok(Json(county_grades(&st, &account, county, year, today).await?))
}

/// The county's first secretaries graded for `year` (needs every village of the county).
async fn county_grades(
    st: &AppState,
    account: &Account,
    county: Uuid,
    year: i32,
    today: NaiveDate,
) -> Result<taizhang_county::CountyGrades> {
    let infos = villages_of(st, account, county).await?;
    let all = records_of(st, &infos).await?;
    let mut data = Vec::with_capacity(infos.len());
    for (info, r) in infos.into_iter().zip(all) {
        let e = entered(st, info.id).await?;
        data.push((info, r, e));
    }
    let policy = st.county.policy(county);
    let g = tokio::task::spawn_blocking(move || {
        let refs: Vec<_> = data.iter().map(|(i, r, e)| (i, r.as_ref(), e)).collect();
        taizhang_county::county_grades(&refs, year, today, &policy)
    })
    .await
    .map_err(|_| JsonError(ApiError::Unavailable))?
    .map_err(ApiError::from)?;
    Ok(g)
}

/// `GET /county/api/policy`: the county's rules, for the page's entry forms and legends.
async fn policy(State(st): State<AppState>, headers: HeaderMap) -> Result<Json<Policy>> {
    let (_, county) = session(&st, &headers).await?;
    Ok(Json(st.county.policy(county)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_with_its_own_policy_is_judged_by_it_and_the_others_by_the_default() {
        let strict = Policy { min_days_in_village_per_year: 220, ..Policy::default() };
        let (own, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let st = CountyState::new(Policy::default(), HashMap::from([(own, strict.clone())]));
        assert_eq!(st.policy(own), strict);
        assert_eq!(st.policy(other).min_days_in_village_per_year, 200);
    }

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
