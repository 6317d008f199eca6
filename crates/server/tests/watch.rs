//! Live ingest: `--watch` polls an RSS feed served on 127.0.0.1 and a folder; new items and
//! files become articles and the stories update while the server runs.
mod common;

use common::{wait_for, TestServer};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A tiny HTTP server on 127.0.0.1: `/feed.xml` lists the items, `/items/N.html` serves each
/// item's page, anything else is a 404.
struct FeedServer {
    base: String,
    items: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl FeedServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let items: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
        let shared = items.clone();
        let feed_base = base.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok() && line.trim_end() != "" {
                    line.clear();
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let items = shared.lock().expect("items").clone();
                let (status, content_type, body) = if path == "/feed.xml" {
                    ("200 OK", "application/rss+xml", rss(&feed_base, &items))
                } else if let Some(page) = items
                    .iter()
                    .enumerate()
                    .find(|(i, _)| path == format!("/items/{i}.html"))
                    .map(|(_, (title, _, text))| page(title, text))
                {
                    ("200 OK", "text/html; charset=utf-8", page)
                } else {
                    ("404 Not Found", "text/plain", "not found".to_string())
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self { base, items }
    }

    fn add(&self, title: &str, date: &str, text: &str) {
        self.items
            .lock()
            .expect("items")
            .push((title.into(), date.into(), text.into()));
    }
}

fn rss(base: &str, items: &[(String, String, String)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Varnholt Ledger</title>\
         <link>http://example.invalid/</link><description>Local news</description>",
    );
    for (i, (title, date, _)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<item><title>{title}</title><link>{base}/items/{i}.html</link>\
             <guid>{base}/items/{i}.html</guid><pubDate>{date}</pubDate></item>"
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn page(title: &str, text: &str) -> String {
    let paragraphs: String = text.split("\n\n").map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Home | World | \
         Sport</nav><article><h1>{title}</h1>{paragraphs}</article><footer>Copyright Varnholt \
         Ledger</footer></body></html>"
    )
}

#[test]
fn feeds_and_folders_are_polled_and_stories_update() {
    let feed = FeedServer::start();
    feed.add(
        "Storm surge floods Varnholt ferry terminal",
        "Thu, 20 Nov 2026 08:00:00 +0000",
        "A storm surge flooded the Varnholt ferry terminal on Thursday, and the port authority \
         suspended all crossings to Skellby Island.\n\nAbout 120 passengers were stranded \
         overnight in the terminal building, the Varnholt Port Authority said.",
    );
    let folder = tempfile::tempdir().expect("folder");
    std::fs::write(
        folder.path().join("council.txt"),
        "Skellby council opens shelter\n\nThe Skellby Island council opened the school hall as \
         a shelter on Thursday for residents cut off by the flooded ferry terminal.",
    )
    .expect("write");
    // Let the file settle (the watcher skips files modified in the last second).
    std::thread::sleep(Duration::from_millis(1100));
    let feed_url = format!("{}/feed.xml", feed.base);
    let broken_url = format!("{}/missing.xml", feed.base);
    let folder_path = folder.path().display().to_string();
    let server = TestServer::start_with(|config| {
        config.watch = vec![feed_url, broken_url, folder_path];
        config.poll_secs = 1;
    });
    wait_for(
        "the first feed item and file",
        Duration::from_secs(60),
        || server.article_count() >= 2,
    );
    let list = server.get_json("/api/stories");
    assert!(!list["stories"].as_array().expect("stories").is_empty());
    let first = server.get_json(&format!(
        "/api/articles/{}",
        encode(&format!("{}/items/0.html", feed.base))
    ));
    assert_eq!(first["outlet"], "Varnholt Ledger");
    assert_eq!(first["title"], "Storm surge floods Varnholt ferry terminal");
    assert!(first["text"]
        .as_str()
        .expect("text")
        .contains("120 passengers"));

    // A new item and a new file arrive while the server runs.
    feed.add(
        "Varnholt crossings to resume on Saturday",
        "Fri, 21 Nov 2026 09:00:00 +0000",
        "Crossings between the Varnholt ferry terminal and Skellby Island will resume on \
         Saturday once pumps clear the car deck, the port authority said on Friday.",
    );
    let later = folder.path().join("later.txt");
    std::fs::write(
        &later,
        "Skellby shelter closes\n\nThe Skellby Island council closed the shelter in the school \
         hall on Saturday after ferry crossings from Varnholt resumed.",
    )
    .expect("write");
    wait_for("the new item and file", Duration::from_secs(60), || {
        server.article_count() >= 4
    });
    // The page reflects the new articles (the cache follows the store).
    let page = server.get("/?q=shelter");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/stories/"), "{}", page.body);
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
