//! The web page driven in headless Chromium (Debian package `chromium`): the list shows the
//! story, the story page shows the brief with citations, and the hostile article's markup is
//! shown as text and never runs.
mod common;

use common::{TestServer, TOKEN};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary, or a failure that says how to install it (never a silent pass).
/// `STORYFOLD_CHROMIUM` names the binary when set; otherwise the first of the usual names on PATH.
fn chromium() -> PathBuf {
    if let Some(binary) = std::env::var_os("STORYFOLD_CHROMIUM") {
        let binary = PathBuf::from(binary);
        assert!(
            binary.is_file(),
            "STORYFOLD_CHROMIUM={} is not a file",
            binary.display()
        );
        return binary;
    }
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in candidates {
            let binary = dir.join(name);
            if binary.is_file() {
                return binary;
            }
        }
    }
    panic!(
        "headless Chromium is needed for the browser tests but none of {candidates:?} is on \
         PATH; install it with `apt-get install -y chromium` (Debian; .ci/run does this)"
    );
}

fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// The DOM after Chromium loaded the page (and ran whatever script it was allowed to run).
fn dump_dom(url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let output = Command::new(chromium())
        .args(chromium_args(profile.path()))
        .arg("--virtual-time-budget=2000")
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8(output.stdout).expect("UTF-8 DOM");
    assert!(dom.contains("</html>"), "no DOM for {url}: {dom}");
    dom
}

fn title_of(dom: &str) -> &str {
    let start = dom.find("<title>").expect("a title element") + "<title>".len();
    let end = dom[start..].find("</title>").expect("closed title") + start;
    &dom[start..end]
}

/// A one-page server without any Content-Security-Policy whose inline script sets the title:
/// proves this Chromium runs scripts under `--dump-dom`, so the checks below mean something.
fn control_page_server() -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    let thread = std::thread::spawn(move || {
        let page = "<!DOCTYPE html><html><head><title>before</title></head><body>\
            <script>document.title='ran';document.body.setAttribute('data-ran','1')</script>\
            </body></html>";
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    (url, thread)
}

#[test]
fn chromium_runs_inline_script_on_a_page_without_csp() {
    let (url, thread) = control_page_server();
    let dom = dump_dom(&url);
    thread.join().expect("control server");
    assert_eq!(title_of(&dom), "ran");
    assert!(dom.contains("data-ran=\"1\""));
}

#[test]
fn pages_render_in_chromium_and_the_injected_script_does_not_run() {
    let server = TestServer::start(Some(TOKEN));
    server.ingest_fixtures();
    let story = server.story_of("wire-1");
    let story_title = server.get_json(&format!("/api/stories/{story}"))["stories"][0]["title"]
        .as_str()
        .expect("title")
        .to_string();

    // The list shows the story with its counts, and the search box.
    let list = dump_dom(&server.url("/"));
    assert!(
        list.contains(&format!("href=\"/stories/{story}\"")),
        "{list}"
    );
    assert!(list.contains("independent source"), "{list}");
    assert!(list.contains("outlet"), "{list}");
    assert!(list.contains("name=\"q\""), "{list}");

    // Search through the GET form's URL.
    let search = dump_dom(&server.url("/?q=Skellby"));
    assert!(
        search.contains(&format!("href=\"/stories/{story}\"")),
        "{search}"
    );

    // The story page: title, brief with citation markers that open onto supporting passages,
    // claims with status badges, and the articles' clean text.
    let page = dump_dom(&server.url(&format!("/stories/{story}")));
    let escaped_title = story_title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(page.contains(&escaped_title), "{page}");
    for section in [
        "id=\"brief\"",
        "id=\"claims\"",
        "id=\"quotes\"",
        "id=\"timeline\"",
        "id=\"copies\"",
        "id=\"articles\"",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    let document = server.get_json(&format!("/api/stories/{story}"));
    let brief = document["stories"][0]["brief"]
        .as_array()
        .expect("brief")
        .clone();
    if !brief.is_empty() {
        assert!(page.contains("<details class=\"cite\"><summary"), "{page}");
        assert!(page.contains("class=\"support\""), "{page}");
        // As parsed by the browser, each sentence holds its markers (a `<details>` in a `<p>`
        // would have closed the paragraph and pushed them onto a line of their own).
        for sentence in page.split("<div class=\"sentence\">").skip(1) {
            let end = sentence
                .find("</details></span></div>")
                .unwrap_or_else(|| panic!("markers outside the sentence: {sentence}"));
            let text_end = sentence.find('<').unwrap_or(0);
            assert!(
                sentence[text_end..end]
                    .starts_with("<span class=\"cites\"><details class=\"cite\">"),
                "{sentence}"
            );
        }
        assert_eq!(
            page.matches("<div class=\"sentence\">").count(),
            brief.len()
        );
    }
    for claim in document["stories"][0]["claims"].as_array().expect("claims") {
        let status = claim["status"].as_str().expect("status");
        assert!(
            page.contains(&format!(">{status}</span>")),
            "badge {status}"
        );
    }
    assert!(
        page.contains("Harbour master Elin Brask"),
        "article text shown"
    );
    assert!(page.contains("id=\"article-1\""));

    // The hostile article: shown as text, never run.
    let hostile_story = server.story_of("xss-1");
    let hostile = dump_dom(&server.url(&format!("/stories/{hostile_story}")));
    assert!(
        title_of(&hostile).ends_with("· storyfold"),
        "the page title was changed: {}",
        title_of(&hostile)
    );
    // The payload's own text mentions `data-pwned`; only the attribute on <body> means it ran.
    let body_tag = &hostile[hostile.find("<body").expect("a body")..];
    let body_tag = &body_tag[..body_tag.find('>').expect("closed body tag")];
    assert!(
        !body_tag.contains("data-pwned"),
        "the onerror handler ran: {body_tag}"
    );
    assert!(
        !hostile.contains("data-pwned=\"1\""),
        "the onerror handler ran"
    );
    assert!(
        !hostile.contains("<img src=\"x\""),
        "the img tag was parsed as markup"
    );
    assert!(
        !hostile.contains("<script>document.title"),
        "the script tag was parsed as markup"
    );
    assert!(
        hostile.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;Ferry notice"),
        "the title is shown as text: {hostile}"
    );
    assert!(
        hostile.contains("&lt;img src=x onerror="),
        "the img markup is shown as text"
    );
    assert!(hostile.contains("Bulletin &lt;b&gt;board&lt;/b&gt;"));
    assert!(!hostile.contains("href=\"javascript:"));

    // The hostile article's own page (Chromium asks for gzip, so this also reads a compressed
    // body): shown as text, never run, and linked back to its story.
    let single = dump_dom(&server.url("/articles/xss-1"));
    assert!(
        title_of(&single).ends_with("· storyfold"),
        "the page title was changed: {}",
        title_of(&single)
    );
    let body_tag = &single[single.find("<body").expect("a body")..];
    let body_tag = &body_tag[..body_tag.find('>').expect("closed body tag")];
    assert!(!body_tag.contains("data-pwned"), "the onerror handler ran");
    assert!(!single.contains("<img src=\"x\""));
    assert!(single.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;Ferry notice"));
    assert!(single.contains("Bulletin &lt;b&gt;board&lt;/b&gt;"));
    assert!(single.contains(&format!("href=\"/stories/{hostile_story}\"")));
}
