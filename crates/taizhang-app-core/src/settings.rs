//! The app's own settings (server address, language), kept in a small JSON file beside the
//! store and replaced atomically (write a temporary file, fsync, rename), so a crash while
//! saving leaves the old or the new settings, never half a file.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write as _;
#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;

use crate::contract::{Language, Settings};
use crate::AppError;

/// Where the demo server listens by default (the README's run command).
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8620";

impl Default for Settings {
    fn default() -> Self {
        Settings { server_url: DEFAULT_SERVER.to_string(), language: Language::Zh }
    }
}

/// Reads the settings; a missing or unreadable file gives the defaults (settings are not
/// records: nothing the user typed into the ledger lives here).
#[cfg(not(target_arch = "wasm32"))]
pub fn load(path: &Path) -> Settings {
    std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn save(path: &Path, s: &Settings) -> Result<(), AppError> {
    let bytes = serde_json::to_vec_pretty(s).map_err(|e| AppError::Internal(e.to_string()))?;
    replace_file(path, &bytes).map_err(|e| AppError::Storage(format!("settings {}: {e}", path.display())))
}

/// Replaces the small JSON file `path` (`<name>.json`) whole or not at all: a temporary file
/// beside it, flushed, then renamed over it. On a first start the app's data folder may not
/// exist yet (the PIN and the settings can come before the store that would have made it), so
/// the folder is made first. The settings and the app lock's file are written this way.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The browser has no files: there the settings are the same JSON kept in the browser's storage
/// through `taizhang_store::files` (two slots, so a crash while saving leaves the old settings).
/// They hold no secret (the server address and the language). An older web client kept them as
/// a plain SQLite database at the same name with `.sqlite3`: read once, then removed, so no
/// plain SQLite file stays in the browser's storage (issue 21).
#[cfg(target_arch = "wasm32")]
mod browser {
    use std::path::Path;

    use rusqlite::{Connection, OptionalExtension as _};

    use crate::contract::Settings;
    use crate::AppError;

    fn name(path: &Path) -> String {
        path.display().to_string()
    }

    /// The settings of an older web client, if its database is there (and then removes it).
    fn legacy(path: &Path) -> Option<Settings> {
        let files = taizhang_store::files::files().ok()?;
        let old = path.with_extension("sqlite3");
        files.head(&name(&old), 16).ok().flatten()?;
        let read = || -> rusqlite::Result<Option<String>> {
            let c = Connection::open(&old)?;
            c.query_row("SELECT v FROM settings WHERE k = 'app'", [], |r| r.get(0)).optional()
        };
        let s = read().ok().flatten().and_then(|v| serde_json::from_str(&v).ok());
        if let Some(s) = &s {
            if save(path, s).is_err() {
                return Some(s.clone());
            }
        }
        for f in [old.clone(), old.with_extension("sqlite3-journal")] {
            let _ = files.remove(&name(&f));
        }
        s
    }

    pub fn load(path: &Path) -> Settings {
        let kept = taizhang_store::files::files()
            .ok()
            .and_then(|f| taizhang_store::files::load_atomic(&*f, &name(path)).ok().flatten());
        match kept {
            Some(b) => serde_json::from_slice(&b).unwrap_or_default(),
            None => legacy(path).unwrap_or_default(),
        }
    }

    pub fn save(path: &Path, s: &Settings) -> Result<(), AppError> {
        let bytes = serde_json::to_vec(s).map_err(|e| AppError::Internal(e.to_string()))?;
        let files = taizhang_store::files::files().map_err(|e| AppError::Storage(e.to_string()))?;
        taizhang_store::files::save_atomic(&*files, &name(path), &bytes)
            .map_err(|e| AppError::Storage(format!("settings {}: {e}", path.display())))
    }
}
#[cfg(target_arch = "wasm32")]
pub use browser::{load, save};

/// Checks and normalises a server address: `http(s)://host[:port][/path]`, no trailing slash.
pub fn normalise_server_url(url: &str) -> Result<String, AppError> {
    let u = url.trim().trim_end_matches('/');
    let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace) => Ok(u.to_string()),
        _ => Err(AppError::BadServerUrl(url.chars().take(200).collect())),
    }
}

/// The host and port of a server address, for the cheap reachability probe.
pub fn host_port(url: &str) -> Option<(String, u16)> {
    let (rest, default_port) = match url.strip_prefix("http://") {
        Some(r) => (r, 80),
        None => (url.strip_prefix("https://")?, 443),
    };
    let authority = rest.split('/').next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None => default_port,
        };
        return Some((host.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), p.parse().ok()?)),
        None => Some((authority.to_string(), default_port)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_checked_and_split() {
        assert_eq!(normalise_server_url(" http://10.0.0.2:8620/ ").ok().as_deref(), Some("http://10.0.0.2:8620"));
        assert!(normalise_server_url("10.0.0.2:8620").is_err());
        assert!(normalise_server_url("http://").is_err());
        assert_eq!(host_port("http://10.0.0.2:8620"), Some(("10.0.0.2".into(), 8620)));
        assert_eq!(host_port("https://sync.example.cn/v"), Some(("sync.example.cn".into(), 443)));
        assert_eq!(host_port("http://[::1]:9"), Some(("::1".into(), 9)));
        assert_eq!(host_port("ftp://x"), None);
    }

    #[test]
    fn settings_survive_a_round_trip_and_default_when_missing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("settings.json");
        assert_eq!(load(&p), Settings::default());
        let s = Settings { server_url: "http://x:1".into(), language: Language::En };
        save(&p, &s).expect("saved");
        assert_eq!(load(&p), s);
    }
}
