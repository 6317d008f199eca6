//! Read connections and the rendered-response cache.
use crate::{AppState, Failure};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use storyfold::Store;

/// A small pool of read-only connections (a rusqlite connection is `Send` but not `Sync`, so
/// each blocking task borrows one for the length of its query).
pub(crate) struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
    keep: usize,
}

impl ReadPool {
    pub fn new(path: PathBuf, keep: usize) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
            keep,
        }
    }

    /// Runs `f` on an idle connection, opening one when none is idle.
    pub fn with<R>(&self, f: impl FnOnce(&Store) -> Result<R, Failure>) -> Result<R, Failure> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match idle {
            Some(store) => store,
            None => Store::open_read_only(&self.path)?,
        };
        let result = f(&store);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.keep {
            idle.push(store);
        }
        result
    }
}

/// A rendered response: status, content type, body and, for bodies worth it, the body gzipped
/// once when it was rendered (cached responses are compressed once, not per request). Cheap to
/// clone.
#[derive(Clone, Debug)]
pub(crate) struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    pub gzip: Option<Bytes>,
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const HTML: &str = "text/html; charset=utf-8";

/// Bodies shorter than this go out as they are: gzip saves too little on them.
const COMPRESS_FROM: usize = 1024;

impl Rendered {
    pub fn json(value: &impl serde::Serialize) -> Result<Self, Failure> {
        let body = serde_json::to_vec(value).map_err(|e| Failure::internal(&e))?;
        Ok(Self {
            status: StatusCode::OK,
            content_type: JSON,
            body: body.into(),
            gzip: None,
        })
    }

    pub fn html(markup: maud::Markup) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: HTML,
            body: markup.into_string().into(),
            gzip: None,
        }
    }

    /// Adds the gzipped body (once; kept only when it is smaller).
    pub fn compressed(mut self) -> Self {
        if self.gzip.is_none() && self.body.len() >= COMPRESS_FROM {
            self.gzip = gzip(&self.body).filter(|z| z.len() < self.body.len());
        }
        self
    }
}

/// `body` gzipped at the default level, or `None` if the encoder fails (it writes to memory, so
/// it does not).
pub(crate) fn gzip(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// Whether an `Accept-Encoding` header value accepts gzip: `gzip` (or `x-gzip`, or `*` when gzip
/// is not named) with a quality above zero.
pub(crate) fn accepts_gzip(accept_encoding: &str) -> bool {
    let mut star = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| v.trim().parse::<f32>().ok())
                    .flatten()
            })
            .next()
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => return quality > 0.0,
            "*" => star = Some(quality > 0.0),
            _ => {}
        }
    }
    star.unwrap_or(false)
}

/// The gzipped body of a rendered response, left in the response's extensions for
/// [`negotiate_encoding`] to pick when the client accepts it.
#[derive(Clone)]
struct Gzipped(Bytes);

impl IntoResponse for Rendered {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        // Pages change whenever an article arrives; let clients revalidate every time.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Some(gzip) = self.gzip {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            response.extensions_mut().insert(Gzipped(gzip));
        }
        response
    }
}

/// Middleware: answers with the precompressed body of a [`Rendered`] response when the request
/// accepts gzip (`Content-Encoding: gzip`), with the plain body otherwise.
pub(crate) async fn negotiate_encoding(request: Request, next: Next) -> Response {
    let gzip_ok = request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_gzip);
    let mut response = next.run(request).await;
    let Some(Gzipped(gzip)) = response.extensions_mut().remove::<Gzipped>() else {
        return response;
    };
    if !gzip_ok {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(gzip))
}

/// Rendered responses by request key, valid for one store generation.
#[derive(Default)]
pub(crate) struct ResponseCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    generation: u64,
    entries: HashMap<String, Rendered>,
}

/// Entries kept before the cache starts over (bounds memory against varied queries).
const MAX_ENTRIES: usize = 4096;

impl ResponseCache {
    pub fn get(&self, key: &str, generation: u64) -> Option<Rendered> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    pub fn put(&self, key: String, generation: u64, rendered: Rendered) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if generation < inner.generation {
            return;
        }
        if generation > inner.generation || inner.entries.len() >= MAX_ENTRIES {
            inner.entries.clear();
            inner.generation = generation;
        }
        inner.entries.insert(key, rendered);
    }
}

/// Size and modification time of the database and its write-ahead log: any commit by any
/// process changes one of them.
fn files_signature(store: &Path) -> Vec<Option<(u64, SystemTime)>> {
    let mut wal = store.as_os_str().to_owned();
    wal.push("-wal");
    [store.to_path_buf(), PathBuf::from(wal)]
        .iter()
        .map(|path| {
            std::fs::metadata(path)
                .ok()
                .map(|m| (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
        })
        .collect()
}

/// How often the store files are checked for writes by other processes (`storyfold run`, a
/// NATS follower): the longest a cached page can lag behind them.
pub(crate) const STORE_CHECK: Duration = Duration::from_millis(500);

/// Bumps the generation whenever the store files change, so writes made by other processes
/// reach the cached pages too.
pub(crate) async fn follow_store_files(state: AppState, store: PathBuf) {
    let mut last = files_signature(&store);
    let mut ticker = tokio::time::interval(STORE_CHECK);
    loop {
        ticker.tick().await;
        let now = files_signature(&store);
        if now != last {
            last = now;
            state.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Rendered {
        Rendered {
            status: StatusCode::OK,
            content_type: JSON,
            body: Bytes::from(text.to_string()),
            gzip: None,
        }
    }

    #[test]
    fn cache_serves_only_its_generation() {
        let cache = ResponseCache::default();
        cache.put("a".into(), 1, page("one"));
        assert_eq!(cache.get("a", 1).map(|r| r.body), Some(Bytes::from("one")));
        assert!(cache.get("a", 2).is_none());
        cache.put("a".into(), 2, page("two"));
        assert_eq!(cache.get("a", 2).map(|r| r.body), Some(Bytes::from("two")));
        // A slow request computed under an older generation does not overwrite newer entries.
        cache.put("a".into(), 1, page("stale"));
        assert_eq!(cache.get("a", 2).map(|r| r.body), Some(Bytes::from("two")));
    }

    #[test]
    fn gzip_is_negotiated_by_quality() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip;q=0, *"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip(""));
    }

    #[test]
    fn large_bodies_are_compressed_once_and_round_trip() {
        use std::io::Read;
        let text = "The ferry terminal flooded. ".repeat(200);
        let small = page("tiny").compressed();
        assert!(small.gzip.is_none());
        let big = page(&text).compressed();
        let z = big.gzip.clone().expect("a large body is compressed");
        assert!(z.len() < text.len() / 4);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&z[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn store_signature_changes_on_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let before = files_signature(&path);
        std::fs::write(&path, b"x").unwrap();
        assert_ne!(before, files_signature(&path));
    }
}
