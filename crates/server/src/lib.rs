//! `storyfold serve`: the HTTP API (JSON, described by OpenAPI 3.1 at `/openapi.json`) and the
//! web page over the store, plus live ingest from feeds and folders.
//!
//! The server is a shell around the library: reads go to a small pool of read-only SQLite
//! connections and their rendered responses are cached per *store generation* (bumped by every
//! write this process makes and by any change of the database files made by another process);
//! writes go through one [`storyfold::Pipeline`] behind a mutex, each request committed before
//! the reply. Cached bodies of 1 KiB or more are gzipped once when cached and sent compressed to
//! clients that accept gzip (`Vary: Accept-Encoding`). Article content is untrusted: every page is built with `maud`, which escapes all
//! text, and every response carries a strict Content-Security-Policy.
//!
//! Routes (see [`route_table`]; the OpenAPI document lists exactly these):
//!
//! | route | what |
//! |---|---|
//! | `GET /` | story list (newest first) or full-text search (`?q=`), HTML |
//! | `GET /stories/{id}` | one story: brief with citations, claims, quotes, timeline, copies |
//! | `GET /articles/{id}` | one article's page: its clean text, source and copy link, HTML |
//! | `GET /api/health` | `{"status":"ok",...}` |
//! | `GET /api/stories?limit&offset&q` | `{"stories":[summary...],...}` |
//! | `GET /api/stories/{id}` | the story document of DESIGN.md: `{"stories":[story]}` |
//! | `GET /api/articles/{id}` | one article with its analysis |
//! | `POST /api/articles` | ingest JSON, JSON array, JSON Lines or HTML (bearer token) |
//! | `GET /openapi.json` | the OpenAPI 3.1 document |
//!
//! ```no_run
//! use storyfold_server::{Server, ServerConfig};
//! # async fn example() -> storyfold_server::Result<()> {
//! let mut config = ServerConfig::new("news.db".into());
//! config.token = Some("s3cret".into());
//! let server = Server::bind(config).await?;
//! println!("listening on http://{}", server.local_addr());
//! server.run().await
//! # }
//! ```
#![deny(missing_docs)]
// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "256"]

mod api;
mod body;
mod cache;
mod diff;
mod graph;
mod html;
mod openapi;
mod watch;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use storyfold::{Pipeline, PipelineConfig, Store};
use tower_http::set_header::SetResponseHeaderLayer;

pub use watch::{backoff_delay, WatchSource};

/// The Content-Security-Policy every response carries: nothing from elsewhere, no inline script
/// or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
    script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// Largest accepted request body (a POST of many articles).
pub const MAX_BODY_BYTES: usize = 32 << 20;

/// Errors of the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] storyfold_store::Error),
    /// The pipeline could not be built over the store.
    #[error(transparent)]
    Pipeline(#[from] storyfold::Error),
    /// A `--watch` source is not usable.
    #[error("watch source {source_name}: {reason}")]
    Watch {
        /// The source as given.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// The token is empty.
    #[error("the write token is empty; give a non-empty --token or STORYFOLD_TOKEN")]
    EmptyToken,
    /// Serving failed.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Result of server operations.
pub type Result<T> = std::result::Result<T, Error>;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The SQLite store (created if missing).
    pub store: PathBuf,
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// Bearer token required by `POST /api/articles`; without one, writes are refused (403).
    pub token: Option<String>,
    /// Feed URLs (`http://`, `https://`) and folders or files to poll for new articles.
    pub watch: Vec<String>,
    /// Seconds between polls of each watched source (doubled per consecutive failure).
    pub poll_secs: u64,
    /// Most read-only connections kept open for reads.
    pub read_connections: usize,
    /// Stage settings of the write pipeline.
    pub pipeline: PipelineConfig,
}

impl ServerConfig {
    /// Defaults: `127.0.0.1:8080`, no token, no watch, 300 s polls, 8 read connections.
    pub fn new(store: PathBuf) -> Self {
        Self {
            store,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            watch: Vec::new(),
            poll_secs: 300,
            read_connections: 8,
            pipeline: PipelineConfig::default(),
        }
    }
}

/// A failure of one request: an HTTP status and a message for the client.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: StatusCode,
    pub message: String,
}

impl Failure {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn internal(error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "Request failed.");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
    }
}

impl From<storyfold_store::Error> for Failure {
    fn from(error: storyfold_store::Error) -> Self {
        Self::internal(&error)
    }
}

impl From<storyfold::Error> for Failure {
    fn from(error: storyfold::Error) -> Self {
        match error {
            storyfold::Error::UnknownStory(id) => Self::not_found(format!("no story {id}")),
            storyfold::Error::UnknownArticle(id) => Self::not_found(format!("no article {id}")),
            other => Self::internal(&other),
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

pub(crate) struct Shared {
    pub reads: cache::ReadPool,
    pub cache: cache::ResponseCache,
    /// The one write pipeline; `None` when the server takes no writes at all.
    pub writer: Option<Arc<Mutex<Pipeline>>>,
    pub token: Option<String>,
    pub generation: AtomicU64,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Marks everything cached as stale: the store changed.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Runs `f` on a read-only connection on the blocking pool.
    pub async fn read<R, F>(&self, f: F) -> std::result::Result<R, Failure>
    where
        R: Send + 'static,
        F: FnOnce(&Store) -> std::result::Result<R, Failure> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.reads.with(f))
            .await
            .map_err(|e| Failure::internal(&e))?
    }

    /// A cached rendered response for `key`, computed by `f` on a read connection when the
    /// store changed since it was cached.
    pub async fn cached<F>(
        &self,
        key: String,
        f: F,
    ) -> std::result::Result<cache::Rendered, Failure>
    where
        F: FnOnce(&Store) -> std::result::Result<cache::Rendered, Failure> + Send + 'static,
    {
        // Read the generation before computing: a write that lands meanwhile bumps it, so the
        // entry stored under the older generation is never served after that write.
        let generation = self.generation();
        if let Some(hit) = self.cache.get(&key, generation) {
            return Ok(hit);
        }
        // Compressed on the blocking pool, once per cache entry.
        let rendered = self
            .read(move |store| f(store).map(cache::Rendered::compressed))
            .await?;
        if rendered.status.is_success() {
            self.cache.put(key, generation, rendered.clone());
        }
        Ok(rendered)
    }
}

/// The router's routes, recorded as they are added so tests and the OpenAPI check can walk them.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = match method.as_str() {
            "GET" => axum::routing::get(handler),
            "POST" => axum::routing::post(handler),
            other => unreachable!("no route uses method {other}"),
        };
        self.router = self.router.route(path, route);
        self.table.push((method, path));
        self
    }
}

fn routes() -> Routes {
    Routes {
        router: Router::new(),
        table: Vec::new(),
    }
    .add(Method::GET, "/", html::list)
    .add(Method::GET, "/stories/{id}", html::story)
    .add(Method::GET, "/articles/{id}", html::article)
    .add(Method::GET, "/assets/style.css", html::style)
    .add(Method::GET, "/api/health", api::health)
    .add(Method::GET, "/api/stories", api::stories)
    .add(Method::GET, "/api/stories/{id}", api::story)
    .add(Method::GET, "/api/articles/{id}", api::article)
    .add(Method::POST, "/api/articles", api::post_articles)
    .add(Method::GET, "/openapi.json", api::openapi)
}

/// Every route the server answers, as `(method, path)` with `{param}` placeholders, in the
/// order they were added. The OpenAPI document describes exactly these.
pub fn route_table() -> Vec<(String, String)> {
    routes()
        .table
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect()
}

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub fn openapi_document() -> serde_json::Value {
    openapi::document()
}

fn app(state: AppState) -> Router {
    let header = |name, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    routes()
        .router
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(cache::negotiate_encoding))
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .with_state(state)
}

/// A bound server, ready to run.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: AppState,
    store: PathBuf,
    watch: Vec<WatchSource>,
    poll: Duration,
}

impl Server {
    /// Opens the store (creating it if missing), builds the write pipeline when writes are
    /// possible (a token or watched sources), and binds the address.
    ///
    /// # Errors
    /// When the store cannot be opened, the token is empty, a watch source is unusable or the
    /// address cannot be bound.
    pub async fn bind(config: ServerConfig) -> Result<Self> {
        if config.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::EmptyToken);
        }
        let watch = config
            .watch
            .iter()
            .map(|s| WatchSource::parse(s))
            .collect::<Result<Vec<_>>>()?;
        let store_path = config.store.clone();
        let pipeline_config = config.pipeline.clone();
        let wants_writer = config.token.is_some() || !watch.is_empty();
        let writer = tokio::task::spawn_blocking(move || -> Result<Option<Pipeline>> {
            // Opening read-write creates and migrates the file, so read-only connections find a
            // current schema even when this server never writes.
            let store = Store::open(&store_path)?;
            if wants_writer {
                Ok(Some(Pipeline::open(store, &pipeline_config)?))
            } else {
                Ok(None)
            }
        })
        .await
        .map_err(|e| Error::Runtime(std::io::Error::other(e)))??;
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: config.addr,
                source,
            })?;
        let state = AppState(Arc::new(Shared {
            reads: cache::ReadPool::new(config.store.clone(), config.read_connections.max(1)),
            cache: cache::ResponseCache::default(),
            writer: writer.map(|p| Arc::new(Mutex::new(p))),
            token: config.token.clone(),
            generation: AtomicU64::new(0),
        }));
        Ok(Self {
            listener,
            state,
            store: config.store,
            watch,
            poll: Duration::from_secs(config.poll_secs.max(1)),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }

    /// Serves until the process ends.
    ///
    /// # Errors
    /// When accepting connections fails.
    pub async fn run(self) -> Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    ///
    /// # Errors
    /// When accepting connections fails.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let Server {
            listener,
            state,
            store,
            watch,
            poll,
        } = self;
        let mut background = tokio::task::JoinSet::new();
        background.spawn(cache::follow_store_files(state.clone(), store));
        if let Some(writer) = &state.writer {
            for source in watch {
                background.spawn(watch::follow(source, poll, writer.clone(), state.clone()));
            }
        }
        tracing::info!(addr = %listener.local_addr().map_err(Error::Serve)?, "Serving.");
        let result = axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(Error::Serve);
        background.abort_all();
        result
    }
}

/// Runs the server on its own multi-threaded runtime until Ctrl-C; `on_ready` gets the bound
/// address once it listens.
///
/// # Errors
/// As [`Server::bind`] and [`Server::run`].
pub fn serve(config: ServerConfig, on_ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(async move {
        let server = Server::bind(config).await?;
        on_ready(server.local_addr());
        server
            .run_until(async {
                if tokio::signal::ctrl_c().await.is_ok() {
                    tracing::info!("Shutting down.");
                }
            })
            .await
    })
}

/// Percent-encodes one path segment (ids in links), leaving only unreserved characters as-is.
pub(crate) fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn openapi_lists_exactly_the_routes() {
        let routes: BTreeSet<(String, String)> = route_table().into_iter().collect();
        let document = openapi_document();
        let mut documented = BTreeSet::new();
        for (path, item) in document["paths"].as_object().expect("paths object") {
            for method in item.as_object().expect("path item").keys() {
                if method != "parameters" {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        assert_eq!(routes, documented);
        assert_eq!(document["openapi"], "3.1.0");
    }

    #[test]
    fn openapi_parameters_match_path_placeholders() {
        let document = openapi_document();
        for (path, item) in document["paths"].as_object().expect("paths object") {
            let placeholders: BTreeSet<String> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(str::to_string)
                .collect();
            for (method, operation) in item.as_object().expect("path item") {
                let declared: BTreeSet<String> = operation["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .map(|p| p["name"].as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(placeholders, declared, "{method} {path}");
            }
        }
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("wire-1"), "wire-1");
        assert_eq!(path_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(path_segment("é"), "%C3%A9");
    }
}
