//! The wasm32 side: opening the ledger in OPFS, the fetch transport, and the one exported entry
//! `WebCore.call(name, requestJson)` over `AppCore::dispatch_json`. The ledger is encrypted
//! (SQLCipher, keyed by the PIN through Argon2id: `AppCore::open_locked` with no keystore), and
//! the small files beside it (the settings, the app lock's state, a wipe's note) are files of
//! the same pool, reached through [`PoolFiles`].

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use rsqlite_vfs::transfer::{DbTransfer, ExportSource};
use rsqlite_vfs::VfsFilesManager;
use send_wrapper::SendWrapper;
use sqlite_wasm_vfs::sahpool::{install, OpfsSAHError, OpfsSAHPoolCfg, OpfsSAHPoolUtil};
use taizhang_app_core::contract::{CommandError, ErrorCode};
use taizhang_app_core::{system_clock, AppCore, Connect, PinKdf};
use taizhang_client::{Transport, TransportError};
use taizhang_store::files::Files;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{Headers, Request, RequestInit, Response};

/// The ledger and the settings, as files of the opfs-sahpool VFS (an older web client kept the
/// settings in a plain SQLite file, `/taizhang.settings.sqlite3`: read once and removed).
const STORE: &str = "/taizhang.sqlite3";
const SETTINGS: &str = "/taizhang.settings.json";
/// Files the pool must have room for: the ledger, its journal, its encrypted copy while a
/// plain store is encrypted (and that one's journal), two slots each of the settings, the lock
/// state and a wipe's note, an older client's settings database and its journal.
const POOL_FILES: usize = 16;

/// The PIN's Argon2id cost in the browser: the same as natively (64 MiB, 3 passes; README,
/// "The app lock", for the time it takes in a browser).
fn web_kdf() -> PinKdf {
    PinKdf::new()
}

/// The pool's files as whole files, for what is not a database (`taizhang_store::files`).
struct PoolFiles(OpfsSAHPoolUtil);

fn io(e: OpfsSAHError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Files for PoolFiles {
    fn read(&self, name: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !self.0.contains(name).map_err(io)? {
            return Ok(None);
        }
        self.0.export_db(name).map(Some).map_err(io)
    }

    fn head(&self, name: &str, len: usize) -> std::io::Result<Option<Vec<u8>>> {
        if !self.0.contains(name).map_err(io)? {
            return Ok(None);
        }
        let mut source = self.0.open_export(name).map_err(io)?;
        let mut buf = vec![0; len.min(usize::try_from(source.size()).unwrap_or(usize::MAX))];
        let mut n = 0;
        while n < buf.len() {
            match source.read_at(n as u64, &mut buf[n..]).map_err(io)? {
                0 => break,
                k => n += k,
            }
        }
        buf.truncate(n);
        Ok(Some(buf))
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0.remove(name).map_err(io)?;
        self.0.import_db_unchecked(name, bytes).map_err(io)
    }

    fn remove(&self, name: &str) -> std::io::Result<()> {
        self.0.remove(name).map(|_| ()).map_err(io)
    }
}

/// `POST {base}{path}` through the browser's `fetch` (the page's or the worker's global).
#[derive(Debug)]
pub struct FetchTransport {
    base: String,
}

impl FetchTransport {
    pub fn new(base_url: &str) -> Self {
        Self { base: base_url.trim_end_matches('/').to_string() }
    }
}

fn unreachable(e: JsValue) -> TransportError {
    let what =
        e.as_string().or_else(|| Reflect::get(&e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()));
    TransportError::Unreachable(what.unwrap_or_else(|| "the browser is offline or the server does not answer".into()))
}

async fn fetch_post(
    url: String,
    content_type: &'static str,
    body: Vec<u8>,
    token: Option<String>,
) -> Result<Vec<u8>, TransportError> {
    let headers = Headers::new().map_err(unreachable)?;
    headers.set("content-type", content_type).map_err(unreachable)?;
    if let Some(t) = token {
        headers.set("authorization", &format!("Bearer {t}")).map_err(unreachable)?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&Uint8Array::from(body.as_slice()));
    let request = Request::new_with_str_and_init(&url, &init).map_err(unreachable)?;
    let global = js_sys::global();
    let fetch: Function = Reflect::get(&global, &JsValue::from_str("fetch"))
        .map_err(unreachable)?
        .dyn_into()
        .map_err(|_| TransportError::Unreachable("this browser has no fetch".into()))?;
    let promise: Promise = fetch.call1(&global, &request).map_err(unreachable)?.dyn_into().map_err(unreachable)?;
    let resp: Response = JsFuture::from(promise).await.map_err(unreachable)?.dyn_into().map_err(unreachable)?;
    let retry_after = resp.headers().get("retry-after").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    let buf = JsFuture::from(resp.array_buffer().map_err(unreachable)?).await.map_err(unreachable)?;
    let bytes = Uint8Array::new(&buf).to_vec();
    let status = resp.status();
    if status == 429 {
        return Err(TransportError::RateLimited { retry_after_s: retry_after.unwrap_or(60) });
    }
    if !(200..300).contains(&status) {
        let message = String::from_utf8_lossy(&bytes).chars().take(500).collect();
        return Err(TransportError::Status { status, message });
    }
    Ok(bytes)
}

#[async_trait::async_trait]
impl Transport for FetchTransport {
    async fn post(&self, path: &str, body: Vec<u8>, token: Option<&str>) -> Result<Vec<u8>, TransportError> {
        let content_type =
            if path == taizhang_sync::paths::SYNC { "application/x-taizhang-sync" } else { "application/json" };
        // The browser's futures live on this one thread; SendWrapper satisfies the trait's Send.
        SendWrapper::new(fetch_post(format!("{}{path}", self.base), content_type, body, token.map(str::to_owned))).await
    }
}

fn error_json(e: &CommandError) -> JsValue {
    JsValue::from_str(
        &serde_json::to_string(e)
            .unwrap_or_else(|_| format!("{{\"code\":\"INTERNAL\",\"message\":{:?},\"field\":null}}", e.message)),
    )
}

/// The web client's core: one per worker.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WebCore {
    core: Rc<AppCore>,
}

#[wasm_bindgen]
impl WebCore {
    /// Runs command `name` with its request as JSON (`null` when it has none). Resolves to the
    /// answer's JSON; rejects with the `CommandError`'s JSON. A saving command resolves only
    /// after its SQLite commit was flushed to OPFS.
    pub fn call(&self, name: String, req: String) -> Promise {
        let core = self.core.clone();
        future_to_promise(async move {
            let req: serde_json::Value = match serde_json::from_str(&req) {
                Ok(v) => v,
                Err(e) => {
                    return Err(error_json(&CommandError {
                        code: ErrorCode::InvalidInput,
                        message: format!("the request is not JSON: {e}"),
                        field: None,
                    }))
                }
            };
            match core.dispatch_json(&name, req).await {
                Ok(v) => Ok(JsValue::from_str(&v.to_string())),
                Err(e) => Err(error_json(&e)),
            }
        })
    }

    /// One background sync tick (something waiting, or the last pull is old): "synced",
    /// "offline", "nothing", "busy", "not-joined" or "failed: <message>".
    pub fn auto_sync(&self) -> Promise {
        let core = self.core.clone();
        future_to_promise(async move {
            use taizhang_app_core::AutoSync::*;
            let word = match core.auto_sync_tick().await {
                Synced(_) => "synced".to_string(),
                Offline => "offline".into(),
                NothingToDo => "nothing".into(),
                Busy => "busy".into(),
                NotJoined => "not-joined".into(),
                Failed(e) => format!("failed: {}", e.message),
            };
            Ok(JsValue::from_str(&word))
        })
    }
}

/// Opens the ledger in this origin's OPFS (only a dedicated worker may: the VFS needs
/// synchronous access handles). `server` is the address the join form starts with (the server
/// that served the page). Fails in words when the browser cannot keep files.
#[wasm_bindgen]
pub async fn open(server: Option<String>) -> Result<WebCore, JsValue> {
    let pool = install::<sqlite_wasm_rs::WasmOsCallback>(&OpfsSAHPoolCfg::default(), true).await.map_err(|e| {
        JsValue::from_str(&format!(
            "this browser cannot keep the ledger (Origin Private File System unavailable: {e}); \
             open the page over https (or on this computer's 127.0.0.1), in one tab only, and not in a private window"
        ))
    })?;
    pool.ensure_capacity(POOL_FILES)
        .await
        .map_err(|e| JsValue::from_str(&format!("the browser's storage has no room for the ledger's files: {e}")))?;
    taizhang_store::files::install(Rc::new(PoolFiles(pool)));
    let connect: Connect = Arc::new(|url: &str| Ok(Box::new(FetchTransport::new(url)) as Box<dyn Transport>));
    // No keystore in a browser: the PIN is the ledger's key, set before joining (issue 21).
    let core = AppCore::open_locked(
        PathBuf::from(STORE),
        PathBuf::from(SETTINGS),
        None,
        system_clock(),
        (None, None),
        web_kdf,
    )
    .map_err(|e| JsValue::from_str(&format!("opening the ledger failed: {e}")))?
    .with_transport(connect);
    let core = Rc::new(core);
    // A fresh browser starts with the address of the server that served the page.
    if let Some(url) = server.filter(|s| !s.trim().is_empty()) {
        let status = core.setup_status().await.map_err(|e| JsValue::from_str(&e.to_string()))?;
        if !status.joined && status.settings.server_url == taizhang_app_core::DEFAULT_SERVER {
            let s = taizhang_app_core::contract::Settings { server_url: url, language: status.settings.language };
            core.save_settings(s).await.map_err(|e| JsValue::from_str(&e.to_string()))?;
        }
    }
    Ok(WebCore { core })
}
