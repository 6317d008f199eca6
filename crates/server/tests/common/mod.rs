//! Shared helpers of the end-to-end tests: a real server on a free loopback port over a temp
//! store, a small HTTP client, and inline fixture articles about an invented event.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use storyfold_server::{Server, ServerConfig};

pub const TOKEN: &str = "test-token-5d1c";

/// A running server; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server over a fresh store, with the write token unless `token` is `None`.
    pub fn start(token: Option<&str>) -> Self {
        Self::start_with(|config| config.token = token.map(str::to_string))
    }

    /// A server whose config `adjust` edits (the store and `127.0.0.1:0` are set already).
    pub fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = ServerConfig::new(dir.path().join("store.db"));
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        adjust(&mut config);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let server = Server::bind(config).await.expect("server binds");
                ready_tx.send(server.local_addr()).expect("test waits");
                server
                    .run_until(async {
                        let _ = shutdown_rx.await;
                    })
                    .await
                    .expect("server runs");
            });
        });
        let addr = ready_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server started");
        Self {
            addr,
            dir,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    pub fn get(&self, path: &str) -> Response {
        get(&self.url(path))
    }

    pub fn get_json(&self, path: &str) -> Value {
        let response = self.get(path);
        assert_eq!(response.status, 200, "GET {path}: {}", response.body);
        response.json()
    }

    pub fn post(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> Response {
        let mut request = agent()
            .post(&self.url(path))
            .header("Content-Type", content_type);
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        Response::from(request.send(body).expect("request"))
    }

    /// Posts the fixture articles and returns the reply.
    pub fn ingest_fixtures(&self) -> Value {
        let reply = self.post(
            "/api/articles",
            Some(TOKEN),
            "application/json",
            &fixtures().to_string(),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }

    /// Number of stored articles, from the health route.
    pub fn article_count(&self) -> u64 {
        self.get_json("/api/health")["articles"]
            .as_u64()
            .expect("count")
    }

    /// The story an article belongs to.
    pub fn story_of(&self, article: &str) -> String {
        self.get_json(&format!("/api/articles/{article}"))["story"]
            .as_str()
            .expect("article has a story")
            .to_string()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl From<ureq::http::Response<ureq::Body>> for Response {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response.body_mut().read_to_string().expect("body");
        Self {
            status,
            headers,
            body,
        }
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

pub fn get(url: &str) -> Response {
    Response::from(agent().get(url).call().expect("request"))
}

/// Waits until `check` holds, polling every 100 ms.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The payload of the hostile article: if it ever ran, the page title or a body attribute
/// would change.
pub const SCRIPT_TITLE: &str = "<script>document.title='pwned'</script>Ferry notice";
pub const IMG_PAYLOAD: &str =
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";

/// Four reports of one invented event (a wire original, a verbatim copy, a rewrite, an
/// independent report that disagrees on a number and alters a quote), plus a hostile article.
pub fn fixtures() -> Value {
    let wire = "A storm surge flooded the Varnholt ferry terminal on Thursday, forcing the \
        port authority to suspend all crossings to Skellby Island.\n\n\
        About 120 passengers were stranded overnight in the terminal building, the Varnholt \
        Port Authority said.\n\n\
        Harbour master Elin Brask said: \"We will reopen the terminal as soon as the pumps have \
        cleared the car deck.\"\n\n\
        Engineers expect the crossings to resume on Saturday, November 22.";
    let rewrite = "The Varnholt ferry terminal was flooded by a storm surge on Thursday, and \
        the port authority suspended every crossing to Skellby Island.\n\n\
        Roughly 120 passengers spent the night stranded in the terminal building, according to \
        the Varnholt Port Authority.\n\n\
        Harbour master Elin Brask said: \"We will reopen the terminal as soon as the pumps have \
        cleared the car deck.\"\n\n\
        Crossings are expected to resume on Saturday, November 22, engineers said.";
    let independent = "Skellby Island was cut off from the mainland on Thursday after \
        seawater poured into the Varnholt ferry terminal during a storm surge.\n\n\
        Some 200 passengers were stranded at the terminal, island council spokesperson Jonas \
        Tveit told the Gazette.\n\n\
        Harbour master Elin Brask said: \"We might reopen the terminal once the pumps have \
        cleared the car deck.\"\n\n\
        The council said the ferry service would resume on Saturday, November 22.";
    json!([
        {"id": "wire-1", "outlet": "Nordic Wire", "published": "2026-11-20",
         "url": "https://wire.example/varnholt-surge",
         "title": "Storm surge closes Varnholt ferry terminal", "text": wire},
        {"id": "echo-1", "outlet": "Coastal Echo", "published": "2026-11-20",
         "title": "Storm surge closes Varnholt ferry terminal",
         // A verbatim copy with a dateline added: a different article (its clean text, hence
         // its content hash, differs) that copies the wire word for word.
         "text": format!("VARNHOLT (Coastal Echo) - {wire}")},
        {"id": "herald-1", "outlet": "Harbour Herald", "published": "2026-11-21",
         "title": "Varnholt terminal flooded, crossings to Skellby halted", "text": rewrite},
        {"id": "gazette-1", "outlet": "Skellby Gazette", "published": "2026-11-21",
         "title": "Island cut off as surge floods Varnholt terminal", "text": independent},
        {"id": "xss-1", "outlet": "Bulletin <b>board</b>", "published": "2026-11-21",
         "url": "javascript:alert(1)",
         "title": SCRIPT_TITLE,
         "text": format!("A notice about the Varnholt ferry appeared with this markup: {IMG_PAYLOAD} \
             and {SCRIPT_TITLE} in its text.\n\nThe notice was posted on the harbour board on \
             Friday.")}
    ])
}
