//! How domain values are spelled in the SQLite columns, both ways, in one place so writes
//! and reads cannot drift apart: canonical UUID text, 'YYYY-MM-DD' dates, JSON conflicts.

use std::str::FromStr;

use chrono::NaiveDate;
use taizhang_doc::FieldConflict;
use taizhang_domain::{GeoPoint, GpsFix, PovertyCause, ScoreItem};

use crate::StoreError;

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(what: &str, s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::corrupt(what, format!("{s:?}: {e}")))
}

pub(crate) fn parse<T: FromStr>(what: &str, s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::corrupt(what, format!("{s:?}: {e}")))
}

pub(crate) fn parse_opt<T: FromStr>(what: &str, s: Option<String>) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.map(|s| parse(what, &s)).transpose()
}

pub(crate) fn conflicts_json(c: &[FieldConflict]) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|e| StoreError::corrupt("conflict list", e))
}

pub(crate) fn parse_conflicts(s: &str) -> Result<Vec<FieldConflict>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::corrupt("conflict list", format!("{s:?}: {e}")))
}

/// A score sheet's items as the JSON array its document holds.
pub(crate) fn items_json(items: &[ScoreItem]) -> Result<String, StoreError> {
    serde_json::to_string(items).map_err(|e| StoreError::corrupt("score items", e))
}

pub(crate) fn parse_items(s: &str) -> Result<Vec<ScoreItem>, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::corrupt("score items", format!("{s:?}: {e}")))
}

pub(crate) fn causes_text(c: &[PovertyCause]) -> String {
    c.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")
}

pub(crate) fn parse_causes(s: &str) -> Result<Vec<PovertyCause>, StoreError> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(|c| PovertyCause::parse(c).map_err(|e| StoreError::corrupt("cause of poverty", e)))
        .collect()
}

/// The (lat, lon, accuracy) columns of an optional fix.
pub(crate) fn gps_columns(loc: &Option<GpsFix>) -> (Option<f64>, Option<f64>, Option<f64>) {
    match loc {
        Some(fx) => (Some(fx.point.lat), Some(fx.point.lon), fx.accuracy_m),
        None => (None, None, None),
    }
}

pub(crate) fn gps_from(lat: Option<f64>, lon: Option<f64>, accuracy_m: Option<f64>) -> Option<GpsFix> {
    Some(GpsFix { point: GeoPoint { lat: lat?, lon: lon? }, accuracy_m })
}

pub(crate) fn heads_blob(heads: &[[u8; 32]]) -> Vec<u8> {
    heads.iter().flatten().copied().collect()
}

pub(crate) fn parse_heads(doc: &str, blob: &[u8]) -> Result<Vec<[u8; 32]>, StoreError> {
    if !blob.len().is_multiple_of(32) {
        return Err(StoreError::corrupt(
            format!("confirmed heads of {doc}"),
            format!("{} bytes is not a whole number of 32-byte hashes", blob.len()),
        ));
    }
    Ok(blob.chunks_exact(32).filter_map(|c| <[u8; 32]>::try_from(c).ok()).collect())
}
