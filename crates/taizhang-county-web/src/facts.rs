//! The facts handlers gather before the one call into `taizhang-county`: today on the
//! server's clock, the period asked for, the officer's villages (places listed once per
//! request), what county staff entered for a set of villages (one storage call), and a way to
//! run the pure computation off the async threads.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use taizhang_auth::{may_read, Place};
use taizhang_county::{CountyError, Entered, VillageInfo};
use taizhang_domain::{local_date, MemberId};
use taizhang_rules::Period;
use taizhang_server_db::{AccountStore, CountyInput};
use uuid::Uuid;

use crate::error::Result;
use crate::{CountyState, CountyWebError, Session};

/// Today (Asia/Shanghai) on the server's clock.
#[derive(Debug, Clone, Copy)]
pub struct Today(pub NaiveDate);

impl<S: Send + Sync> FromRequestParts<S> for Today
where
    CountyState: FromRef<S>,
{
    type Rejection = CountyWebError;

    async fn from_request_parts(_: &mut Parts, state: &S) -> Result<Self> {
        let st = CountyState::from_ref(state);
        Ok(Today(local_date((st.clock)())))
    }
}

/// `?from=&to=` (YYYY-MM-DD, both optional).
#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

fn date(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        CountyWebError::BadRequest(format!(
            "{what}日期“{s}”无法识别,请用 YYYY-MM-DD / the {what} date '{s}' is not YYYY-MM-DD"
        ))
    })
}

/// The period asked for; by default 1 January of this year to today (Asia/Shanghai).
pub fn period(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period> {
    let from = match from.filter(|s| !s.is_empty()) {
        Some(s) => date(s, "from")?,
        None => NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
    };
    let to = match to.filter(|s| !s.is_empty()) {
        Some(s) => date(s, "to")?,
        None => today.max(from),
    };
    Ok(Period::new(from, to)?)
}

impl PeriodQuery {
    pub fn period(&self, today: NaiveDate) -> Result<Period> {
        period(self.from.as_deref(), self.to.as_deref(), today)
    }
}

/// The county's name (only the answers that show it look it up).
pub async fn county_name(accounts: &dyn AccountStore, county: Uuid) -> Result<String> {
    Ok(accounts
        .places()
        .await?
        .into_iter()
        .find(|p| p.kind == "county" && p.id == county)
        .map_or_else(|| county.to_string(), |p| p.name))
}

/// The villages the officer may read (`taizhang_auth::may_read`: their county's, or their
/// township's) with their township's name (the places listed once).
pub async fn villages_of(accounts: &dyn AccountStore, session: &Session) -> Result<Vec<VillageInfo>> {
    Ok(places_of(accounts, session).await?.into_iter().map(|(info, _)| info).collect())
}

/// [`villages_of`] with each village's place (for the access decision of a write).
pub async fn places_of(accounts: &dyn AccountStore, session: &Session) -> Result<Vec<(VillageInfo, Place)>> {
    let county = session.county;
    let places = accounts.places().await?;
    let townships: HashMap<Uuid, String> = places
        .iter()
        .filter(|p| p.kind == "township" && p.parent == Some(county))
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let p = session.account.principal();
    Ok(places
        .into_iter()
        .filter(|v| v.kind == "village")
        .filter_map(|v| {
            let t = v.parent?;
            let township = townships.get(&t)?.clone();
            let place = Place { village: v.id, township: Some(t), county: Some(county) };
            // The access rules decide, as for devices.
            may_read(&p, &place).ok()?;
            Some((VillageInfo { id: v.id, name: v.name, township }, place))
        })
        .collect())
}

/// One village of the officer's county (not found otherwise).
/// The access place of village `id` within the session's scope (unknown village otherwise): what
/// a write by an officer is judged against.
pub async fn place_of(accounts: &dyn AccountStore, session: &Session, id: Uuid) -> Result<Place> {
    places_of(accounts, session)
        .await?
        .into_iter()
        .find(|(i, _)| i.id == id)
        .map(|(_, p)| p)
        .ok_or_else(|| CountyError::UnknownVillage(id).into())
}

pub fn find_village(infos: &[VillageInfo], id: Uuid) -> Result<VillageInfo> {
    infos.iter().find(|v| v.id == id).cloned().ok_or_else(|| CountyError::UnknownVillage(id).into())
}

/// What county staff entered for the members of `villages`, read in one storage call; every
/// village given has an entry (empty when nothing was entered).
pub async fn entered_of(accounts: &dyn AccountStore, villages: &[Uuid]) -> Result<BTreeMap<Uuid, Entered>> {
    let rows = accounts.county_inputs_of(villages).await?;
    let mut by_village: HashMap<Uuid, Vec<&CountyInput>> = HashMap::new();
    for r in &rows {
        by_village.entry(r.village).or_default().push(r);
    }
    let mut out = BTreeMap::new();
    for village in villages {
        let rows = by_village.get(village).map_or(&[][..], Vec::as_slice);
        let e = Entered::from_rows(rows.iter().map(|r| (MemberId(r.member), r.period.as_str(), r.data.as_str())));
        if e.unreadable > 0 {
            tracing::warn!(%village, unreadable = e.unreadable, "stored county inputs this version cannot read");
        }
        out.insert(*village, e);
    }
    Ok(out)
}

/// Runs the pure (CPU-bound) computation `f` on the blocking pool.
pub async fn compute<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, CountyError> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CountyWebError::Internal(format!("a county computation failed: {e}")))?
        .map_err(CountyWebError::from)
}

/// `f` over `items` on every core (scoped threads), results in input order. The rules engine
/// is CPU-bound and each village is independent.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
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
