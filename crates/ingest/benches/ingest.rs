//! Ingest throughput: JSON Lines, WARC and a folder of small files, in bytes per second.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::io::Cursor;
use storyfold_ingest::{open, open_reader, IngestConfig};

const PARAGRAPH: &str = "The ferry left Kelmouth shortly before 7 p.m. and struck the Gannet Bank \
about twenty minutes later, the harbour authority said on Tuesday. ";

fn article_text(i: usize) -> String {
    format!("Story {i}\n\n{}", PARAGRAPH.repeat(12))
}

fn jsonl(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let line = serde_json::json!({
            "id": format!("a{i}"), "url": format!("https://x.example/{i}"), "outlet": "Wire",
            "title": format!("Story {i}"), "published": "2026-11-17", "text": article_text(i),
        });
        out.extend(line.to_string().bytes());
        out.push(b'\n');
    }
    out
}

fn warc(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let page = format!(
            "<!doctype html><html><head><title>Story {i}</title></head><body><p>{}</p></body></html>",
            article_text(i)
        );
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{page}");
        let head = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{i:012}>\r\n\
             WARC-Target-URI: https://x.example/{i}\r\nWARC-Date: 2026-11-17T09:00:00Z\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        );
        out.extend(head.bytes());
        out.extend(http.bytes());
        out.extend(b"\r\n\r\n");
    }
    out
}

fn bench(c: &mut Criterion) {
    let config = IngestConfig::default();
    let mut group = c.benchmark_group("ingest");

    let lines = jsonl(2000);
    group.throughput(Throughput::Bytes(lines.len() as u64));
    group.bench_function("jsonl_2000_articles", |b| {
        b.iter_batched(
            || lines.clone(),
            |data| {
                let n = open_reader("bench.jsonl", Cursor::new(data), &config)
                    .filter(|r| r.is_ok())
                    .count();
                assert_eq!(n, 2000);
            },
            BatchSize::LargeInput,
        )
    });

    let archive = warc(2000);
    group.throughput(Throughput::Bytes(archive.len() as u64));
    group.bench_function("warc_2000_records", |b| {
        b.iter_batched(
            || archive.clone(),
            |data| {
                let n = open_reader("bench.warc", Cursor::new(data), &config)
                    .filter(|r| r.is_ok())
                    .count();
                assert_eq!(n, 2000);
            },
            BatchSize::LargeInput,
        )
    });

    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut bytes = 0;
    for i in 0..500 {
        let text = article_text(i);
        bytes += text.len();
        std::fs::write(dir.path().join(format!("{i:04}.txt")), text).expect("a fixture file");
    }
    let root = [dir.path().to_path_buf()];
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("folder_500_text_files", |b| {
        b.iter(|| {
            let n = open(&root, &config).filter(|r| r.is_ok()).count();
            assert_eq!(n, 500);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
