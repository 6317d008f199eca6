//! End-to-end tests of the JSON API: the real server on a free loopback port over a temp store.
mod common;

use common::{fixtures, TestServer, TOKEN};
use serde_json::Value;

#[test]
fn writes_without_the_right_token_get_401_and_change_nothing() {
    let server = TestServer::start(Some(TOKEN));
    let body = fixtures().to_string();
    let missing = server.post("/api/articles", None, "application/json", &body);
    assert_eq!(missing.status, 401, "{}", missing.body);
    assert!(missing.json()["error"].as_str().unwrap().contains("Bearer"));
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
    let wrong = server.post(
        "/api/articles",
        Some("not-the-token"),
        "application/json",
        &body,
    );
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert_eq!(server.article_count(), 0);
    assert_eq!(
        server.get_json("/api/stories")["stories"],
        Value::Array(vec![])
    );
}

#[test]
fn malformed_bodies_get_400_with_a_message_and_change_nothing() {
    let server = TestServer::start(Some(TOKEN));
    let cases = [
        (
            "application/json",
            "{\"id\": \"a\", \"text\": ",
            "malformed JSON",
        ),
        (
            "application/json",
            "{\"id\": \"a\"}",
            "missing `text` or `html`",
        ),
        (
            "application/json",
            "[{\"id\": \"a\", \"text\": \"ok\"}, 7]",
            "article 2",
        ),
        (
            "application/json",
            "{\"text\": \"x\", \"published\": \"whenever\"}",
            "ISO 8601",
        ),
        (
            "application/x-ndjson",
            "{\"id\": \"a\", \"text\": \"ok\"}\nnot json\n",
            "malformed JSON",
        ),
        ("application/json", "", "empty"),
    ];
    for (content_type, body, expected) in cases {
        let reply = server.post("/api/articles", Some(TOKEN), content_type, body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        let message = reply.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(expected), "{body}: {message}");
    }
    let unsupported = server.post("/api/articles", Some(TOKEN), "image/png", "x");
    assert_eq!(unsupported.status, 415);
    assert!(unsupported.json()["error"].is_string());
    assert_eq!(
        server.article_count(),
        0,
        "the valid first article of a bad batch was not kept"
    );
}

#[test]
fn a_server_without_a_token_refuses_writes_and_says_how() {
    let server = TestServer::start(None);
    let reply = server.post(
        "/api/articles",
        Some(TOKEN),
        "application/json",
        &fixtures().to_string(),
    );
    assert_eq!(reply.status, 403);
    assert!(reply.json()["error"].as_str().unwrap().contains("--token"));
    assert_eq!(server.get_json("/api/health")["writes"], false);
    assert_eq!(server.article_count(), 0);
}

#[test]
fn ingest_then_read_stories_articles_and_search() {
    let server = TestServer::start(Some(TOKEN));
    let reply = server.ingest_fixtures();
    assert_eq!(reply["added"], 5, "{reply}");
    assert_eq!(reply["failed"], 0);
    let health = server.get_json("/api/health");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["articles"], 5);
    assert_eq!(health["writes"], true);

    // The list holds the event's story, with counts.
    let story_id = server.story_of("wire-1");
    let list = server.get_json("/api/stories");
    let stories = list["stories"].as_array().unwrap();
    let listed = stories
        .iter()
        .find(|s| s["id"] == story_id.as_str())
        .expect("the story is listed");
    assert!(listed["articles"].as_u64().unwrap() >= 1);
    assert!(listed["outlets"].as_u64().unwrap() >= 1);
    assert!(listed["independent_sources"].as_u64().unwrap() >= 1);
    assert_eq!(list["limit"], 50);
    assert_eq!(list["offset"], 0);

    // One story: DESIGN.md's story document.
    let document = server.get_json(&format!("/api/stories/{story_id}"));
    let story = &document["stories"][0];
    assert_eq!(story["id"], story_id.as_str());
    for field in [
        "articles", "entities", "quotes", "claims", "timeline", "brief",
    ] {
        assert!(story[field].is_array(), "{field} in {story}");
    }
    assert!(story["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "wire-1" && a["outlet"] == "Nordic Wire"));

    // One article.
    let article = server.get_json("/api/articles/wire-1");
    assert_eq!(article["id"], "wire-1");
    assert_eq!(
        article["title"],
        "Storm surge closes Varnholt ferry terminal"
    );
    assert!(article["text"].as_str().unwrap().contains("Skellby Island"));
    assert_eq!(article["story"], story_id.as_str());
    assert!(article["entities"].is_array());

    // Full-text search, and paging.
    let found = server.get_json("/api/stories?q=Skellby%20passengers");
    assert!(found["stories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == story_id.as_str()));
    assert_eq!(found["q"], "Skellby passengers");
    let none = server.get_json("/api/stories?q=zeppelin");
    assert_eq!(none["stories"], Value::Array(vec![]));
    let first = server.get_json("/api/stories?limit=1");
    assert_eq!(first["stories"].as_array().unwrap().len(), 1);
    let bad = server.get("/api/stories?limit=many");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].is_string());

    // Unknown ids are JSON 404s.
    for path in [
        "/api/stories/s-000000000000",
        "/api/articles/nope",
        "/api/nothing",
    ] {
        let missing = server.get(path);
        assert_eq!(missing.status, 404, "{path}");
        assert!(missing.json()["error"].is_string(), "{path}");
    }

    // Posting the same articles again changes nothing.
    let again = server.ingest_fixtures();
    assert_eq!(again["added"], 0);
    assert!(again["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "already_stored"));
    assert_eq!(server.article_count(), 5);
}

#[test]
fn raw_html_and_json_lines_are_ingested() {
    let server = TestServer::start(Some(TOKEN));
    let html = "<html><head><title>Varnholt pumps restart</title></head><body><article>\
        <h1>Varnholt pumps restart</h1><p>Pumps at the flooded Varnholt ferry terminal were \
        restarted on Friday morning, the port authority said in a statement.</p><p>Crews \
        worked through the night to clear debris from the car deck before the restart.</p>\
        </article></body></html>";
    let reply = server.post(
        "/api/articles?id=html-1&outlet=Port%20News&published=2026-11-21",
        Some(TOKEN),
        "text/html; charset=utf-8",
        html,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["results"][0]["id"], "html-1");
    let article = server.get_json("/api/articles/html-1");
    assert_eq!(article["outlet"], "Port News");
    assert!(article["text"]
        .as_str()
        .unwrap()
        .contains("Pumps at the flooded"));

    let lines = "{\"id\": \"line-1\", \"text\": \"Ferries to Skellby Island sailed again on \
        Saturday after the surge.\"}\n{\"id\": \"line-2\", \"text\": \"A second line about the \
        Varnholt terminal reopening on Saturday morning.\"}\n";
    let reply = server.post("/api/articles", Some(TOKEN), "application/x-ndjson", lines);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["added"], 2);
    assert_eq!(server.article_count(), 3);
}

#[test]
fn every_response_carries_the_security_headers() {
    let server = TestServer::start(Some(TOKEN));
    server.ingest_fixtures();
    let story = server.story_of("wire-1");
    for path in [
        "/".to_string(),
        format!("/stories/{story}"),
        "/api/health".to_string(),
        "/api/stories".to_string(),
        "/openapi.json".to_string(),
        "/missing".to_string(),
        "/assets/style.css".to_string(),
        "/articles/wire-1".to_string(),
    ] {
        let response = server.get(&path);
        assert_eq!(
            response.header("content-security-policy"),
            Some(storyfold_server::CONTENT_SECURITY_POLICY),
            "{path}"
        );
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[test]
fn every_documented_route_answers_on_the_live_server() {
    let server = TestServer::start(Some(TOKEN));
    server.ingest_fixtures();
    let story = server.story_of("wire-1");
    let document = server.get_json("/openapi.json");
    assert_eq!(document["openapi"], "3.1.0");
    let mut answered = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let id = if path.contains("/articles") {
            "wire-1"
        } else {
            story.as_str()
        };
        let concrete = path.replace("{id}", id);
        for method in item.as_object().unwrap().keys() {
            let status = match method.as_str() {
                "get" => server.get(&concrete).status,
                // Without the token: proves the route exists (401, not 404 or 405).
                "post" => {
                    server
                        .post(&concrete, None, "application/json", "{}")
                        .status
                }
                other => panic!("undocumented method {other}"),
            };
            let expected = if method == "post" { 401 } else { 200 };
            assert_eq!(status, expected, "{method} {concrete}");
            answered.push((method.to_uppercase(), path.clone()));
        }
    }
    answered.sort();
    let mut routes = storyfold_server::route_table();
    routes.sort();
    assert_eq!(answered, routes);
}

/// A raw HTTP/1.1 GET (the test client would decompress on its own): status line and headers
/// (lower-cased names) and the body bytes as sent.
fn raw_get(server: &TestServer, path: &str, accept_encoding: Option<&str>) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    let mut request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr
    );
    if let Some(accept) = accept_encoding {
        request.push_str(&format!("Accept-Encoding: {accept}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(reply[..split].to_vec())
        .unwrap()
        .to_lowercase();
    assert!(!head.contains("transfer-encoding: chunked"), "{head}");
    (head, reply[split + 4..].to_vec())
}

#[test]
fn cached_reads_are_sent_gzipped_to_clients_that_accept_it() {
    use std::io::Read;
    let server = TestServer::start(Some(TOKEN));
    server.ingest_fixtures();
    let story = server.story_of("wire-1");
    for path in [
        format!("/stories/{story}"),
        format!("/api/stories/{story}"),
        "/articles/wire-1".to_string(),
        "/openapi.json".to_string(),
    ] {
        let (plain_head, plain) = raw_get(&server, &path, None);
        assert!(
            plain_head.starts_with("http/1.1 200"),
            "{path}: {plain_head}"
        );
        assert!(!plain_head.contains("content-encoding"), "{path}");
        assert!(
            plain_head.contains("vary: accept-encoding"),
            "{path}: {plain_head}"
        );
        let (head, zipped) = raw_get(&server, &path, Some("br;q=1, gzip;q=0.8"));
        assert!(head.contains("content-encoding: gzip"), "{path}: {head}");
        assert!(head.contains("vary: accept-encoding"), "{path}");
        assert!(head.contains("content-security-policy"), "{path}");
        assert!(
            head.contains(&format!("content-length: {}", zipped.len())),
            "{path}: {head}"
        );
        assert!(zipped.len() < plain.len(), "{path}");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&zipped[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, plain, "{path}");
        let (refused, _) = raw_get(&server, &path, Some("gzip;q=0, identity"));
        assert!(!refused.contains("content-encoding"), "{path}: {refused}");
    }
    // Small bodies go out plain.
    let (head, _) = raw_get(&server, "/api/health", Some("gzip"));
    assert!(!head.contains("content-encoding"), "{head}");
}
