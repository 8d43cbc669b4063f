//! `taizhang pull` (issue 5): county staff pull the synced logs of their county (or of one
//! village, or one member) from the server into files — attendance, visits, diary, scores, and
//! the village ledger's projects, meetings, situation (村情) and plans (issue 22) — as CSV or Excel — with their county-page log-in. Each file is written to a temporary name
//! and renamed when complete, so a broken download never leaves a half file behind a good name.

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::ClientError;

/// The datasets of the county exports.
pub const DATASETS: [&str; 8] =
    ["attendance", "visits", "diary", "scores", "projects", "meetings", "situation", "plans"];

/// What to pull.
#[derive(Debug, Clone)]
pub struct PullRequest {
    pub server: String,
    /// The county page's login (account name or id) and password.
    pub login: String,
    pub password: String,
    /// Inclusive dates `YYYY-MM-DD`; the server's defaults (this year to today) when absent.
    pub from: Option<String>,
    pub to: Option<String>,
    pub village: Option<Uuid>,
    pub member: Option<Uuid>,
    /// Subset of [`DATASETS`].
    pub datasets: Vec<String>,
    /// `csv` and/or `xlsx`.
    pub formats: Vec<String>,
    pub out: PathBuf,
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    pub path: PathBuf,
    pub bytes: usize,
}

fn err(what: impl Into<String>) -> ClientError {
    ClientError::Pull(what.into())
}

/// The server's `{"error": ...}` message, or the status.
fn message(status: reqwest::StatusCode, body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_else(|| format!("the server answered {status}"))
}

/// The file name the server gave (`filename="..."`), kept to plain characters.
fn file_name(disposition: Option<&str>, fallback: String) -> String {
    disposition
        .and_then(|d| d.split("filename=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .map_or(fallback, str::to_string)
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ClientError> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).map_err(|e| err(format!("writing {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &path).map_err(|e| err(format!("renaming {} to {}: {e}", tmp.display(), path.display())))?;
    Ok(path)
}

/// Logs in and downloads every dataset × format asked for into `req.out`.
pub async fn pull(req: &PullRequest) -> Result<Vec<Pulled>, ClientError> {
    for d in &req.datasets {
        if !DATASETS.contains(&d.as_str()) {
            return Err(err(format!("unknown dataset '{d}': use {}", DATASETS.join(", "))));
        }
    }
    for f in &req.formats {
        if f != "csv" && f != "xlsx" {
            return Err(err(format!("unknown format '{f}': use csv or xlsx")));
        }
    }
    std::fs::create_dir_all(&req.out).map_err(|e| err(format!("creating {}: {e}", req.out.display())))?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .connect_timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| err(e.to_string()))?;
    let base = req.server.trim_end_matches('/');
    let r = http
        .post(format!("{base}/county/api/login"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "login": req.login, "password": req.password }).to_string())
        .send()
        .await
        .map_err(|e| err(format!("cannot reach {base}: {e}")))?;
    let status = r.status();
    let body = r.text().await.map_err(|e| err(e.to_string()))?;
    if !status.is_success() {
        return Err(err(format!("log-in refused: {}", message(status, &body))));
    }
    let token = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("token").and_then(|t| t.as_str()).map(str::to_string))
        .ok_or_else(|| err("the server's log-in answer has no token: is this a Taizhang server?"))?;

    let mut out = Vec::new();
    for dataset in &req.datasets {
        for format in &req.formats {
            let mut query: Vec<(&str, String)> = vec![("dataset", dataset.clone()), ("format", format.clone())];
            for (k, v) in [("from", &req.from), ("to", &req.to)] {
                if let Some(v) = v {
                    query.push((k, v.clone()));
                }
            }
            if let Some(v) = req.village {
                query.push(("village", v.to_string()));
            }
            if let Some(m) = req.member {
                query.push(("member", m.to_string()));
            }
            let r = http
                .get(format!("{base}/county/api/export"))
                .query(&query)
                .header("authorization", format!("Bearer {token}"))
                .send()
                .await
                .map_err(|e| err(format!("downloading {dataset}.{format}: {e}")))?;
            let status = r.status();
            let disposition = r.headers().get("content-disposition").and_then(|h| h.to_str().ok()).map(str::to_string);
            let bytes = r.bytes().await.map_err(|e| err(format!("downloading {dataset}.{format}: {e}")))?;
            if !status.is_success() {
                return Err(err(format!("{dataset}.{format}: {}", message(status, &String::from_utf8_lossy(&bytes)))));
            }
            let name = file_name(disposition.as_deref(), format!("taizhang-{dataset}.{format}"));
            let path = write_atomically(&req.out, &name, &bytes)?;
            out.push(Pulled { path, bytes: bytes.len() });
        }
    }
    Ok(out)
}
