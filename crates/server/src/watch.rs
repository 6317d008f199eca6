//! Live ingest: poll RSS/Atom feeds and folders, with per-source exponential backoff on errors,
//! and run new items through the write pipeline.
use crate::api::ingest_all;
use crate::{AppState, Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use storyfold::model::{ArticleId, RawArticle, RawBody};
use storyfold::Pipeline;

/// A source `--watch` polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchSource {
    /// An RSS or Atom feed at an `http://` or `https://` URL; each new item is ingested (its
    /// content, else the linked page, else its summary).
    Feed(String),
    /// A folder (walked recursively) or a file; new and changed files are ingested.
    Path(PathBuf),
}

impl WatchSource {
    /// A feed URL or an existing path.
    ///
    /// # Errors
    /// [`Error::Watch`] for another URL scheme or a path that does not exist.
    pub fn parse(source: &str) -> Result<Self> {
        let lower = source.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            if lower.starts_with("https://") && !cfg!(feature = "https") {
                return Err(Error::Watch {
                    source_name: source.to_string(),
                    reason: "this storyfold was built without the `https` feature".into(),
                });
            }
            return Ok(Self::Feed(source.to_string()));
        }
        if source.contains("://") {
            return Err(Error::Watch {
                source_name: source.to_string(),
                reason: "only http:// and https:// feeds, folders and files can be watched".into(),
            });
        }
        let path = PathBuf::from(source);
        if !path.exists() {
            return Err(Error::Watch {
                source_name: source.to_string(),
                reason: "no such file or folder".into(),
            });
        }
        Ok(Self::Path(path))
    }

    fn name(&self) -> String {
        match self {
            Self::Feed(url) => url.clone(),
            Self::Path(path) => path.display().to_string(),
        }
    }
}

/// Longest wait between polls of a failing source.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// The wait before the next poll: `poll` after a success, doubled for each consecutive failure,
/// capped at an hour (or `poll`, when that is longer).
pub fn backoff_delay(poll: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return poll;
    }
    let factor = 1u32 << failures.min(16);
    poll.saturating_mul(factor).min(MAX_BACKOFF.max(poll))
}

/// Largest feed or page fetched.
const MAX_FETCH_BYTES: u64 = 16 << 20;
/// A file modified this recently may still be being written: it waits for the next poll.
const SETTLE: Duration = Duration::from_secs(1);

struct Poller {
    source: WatchSource,
    agent: ureq::Agent,
    /// Feed items already ingested, by feed item id.
    seen_items: BTreeSet<String>,
    /// Files already ingested, with the size and modification time they had.
    seen_files: BTreeMap<PathBuf, (u64, SystemTime)>,
}

/// Polls `source` forever, ingesting what is new; a failing source waits longer each time.
pub(crate) async fn follow(
    source: WatchSource,
    poll: Duration,
    writer: Arc<Mutex<Pipeline>>,
    state: AppState,
) {
    let name = source.name();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .user_agent(concat!("storyfold/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut poller = Poller {
        source,
        agent,
        seen_items: BTreeSet::new(),
        seen_files: BTreeMap::new(),
    };
    let mut failures = 0u32;
    loop {
        let writer = writer.clone();
        let polled = tokio::task::spawn_blocking(move || {
            let result = poller.poll(&writer);
            (poller, result)
        })
        .await;
        let result;
        (poller, result) = match polled {
            Ok(done) => done,
            Err(error) => {
                tracing::error!(source = %name, %error, "Watcher stopped.");
                return;
            }
        };
        match result {
            Ok(added) => {
                failures = 0;
                if added > 0 {
                    state.bump();
                    tracing::info!(source = %name, added, "Ingested new articles.");
                }
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                tracing::warn!(
                    source = %name,
                    failures,
                    retry_secs = backoff_delay(poll, failures).as_secs(),
                    %error,
                    "Poll failed; backing off."
                );
            }
        }
        tokio::time::sleep(backoff_delay(poll, failures)).await;
    }
}

impl Poller {
    /// One poll: returns how many articles were added.
    fn poll(&mut self, writer: &Mutex<Pipeline>) -> std::result::Result<usize, String> {
        match self.source.clone() {
            WatchSource::Feed(url) => self.poll_feed(&url, writer),
            WatchSource::Path(path) => self.poll_path(&path, writer),
        }
    }

    fn fetch(&self, url: &str) -> std::result::Result<Vec<u8>, String> {
        let mut response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_FETCH_BYTES)
            .read_to_vec()
            .map_err(|e| format!("{url}: {e}"))
    }

    fn poll_feed(
        &mut self,
        url: &str,
        writer: &Mutex<Pipeline>,
    ) -> std::result::Result<usize, String> {
        let bytes = self.fetch(url)?;
        let feed =
            feed_rs::parser::parse(&bytes[..]).map_err(|e| format!("{url}: not a feed: {e}"))?;
        let outlet = feed
            .title
            .as_ref()
            .map(|t| t.content.trim().to_string())
            .filter(|t| !t.is_empty());
        let fetched_at = now_iso();
        let mut entries: Vec<_> = feed
            .entries
            .into_iter()
            .filter(|e| !self.seen_items.contains(&e.id))
            .collect();
        // Oldest first, so copies arrive after their originals as they did in the world.
        entries.sort_by(|a, b| {
            let when = |e: &feed_rs::model::Entry| e.published.or(e.updated);
            when(a).cmp(&when(b)).then_with(|| a.id.cmp(&b.id))
        });
        let mut raws = Vec::new();
        let mut item_ids = Vec::new();
        for entry in entries {
            let item_id = entry.id.clone();
            match self.entry_article(url, outlet.as_deref(), entry, &fetched_at) {
                Ok(raw) => {
                    raws.push(raw);
                    item_ids.push(item_id);
                }
                // The linked page failed: the item is tried again at the next poll.
                Err(error) => tracing::warn!(feed = %url, item = %item_id, %error, "Skipped item."),
            }
        }
        if raws.is_empty() {
            return Ok(0);
        }
        let results = ingest_all(writer, raws).map_err(|e| e.to_string())?;
        self.seen_items.extend(item_ids);
        Ok(results.iter().filter(|r| r.status == "added").count())
    }

    fn entry_article(
        &self,
        feed_url: &str,
        outlet: Option<&str>,
        entry: feed_rs::model::Entry,
        fetched_at: &str,
    ) -> std::result::Result<RawArticle, String> {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .map(|l| l.href.clone());
        let content = entry
            .content
            .as_ref()
            .and_then(|c| Some((c.body.clone()?, c.content_type.to_string())))
            .filter(|(body, _)| !body.trim().is_empty());
        let body = match (content, &link, &entry.summary) {
            (Some((body, kind)), _, _) => raw_body(body, &kind),
            (None, Some(link), _) => RawBody::Html(self.fetch(link)?),
            (None, None, Some(summary)) => {
                raw_body(summary.content.clone(), summary.content_type.as_ref())
            }
            (None, None, None) => return Err("the item has no content, link or summary".into()),
        };
        Ok(RawArticle {
            id: ArticleId(entry.id.clone()),
            source: format!("{feed_url} item {}", entry.id),
            body,
            url: link,
            outlet: outlet.map(str::to_string),
            title: entry
                .title
                .map(|t| t.content.trim().to_string())
                .filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
            fetched_at: Some(fetched_at.to_string()),
        })
    }

    fn poll_path(
        &mut self,
        root: &Path,
        writer: &Mutex<Pipeline>,
    ) -> std::result::Result<usize, String> {
        let mut files = Vec::new();
        list_files(root, 0, &mut files).map_err(|e| format!("{}: {e}", root.display()))?;
        files.sort();
        let now = SystemTime::now();
        let mut fresh = Vec::new();
        for (path, len, modified) in files {
            if self.seen_files.get(&path) == Some(&(len, modified)) {
                continue;
            }
            if now.duration_since(modified).unwrap_or_default() < SETTLE {
                continue;
            }
            fresh.push((path, len, modified));
        }
        if fresh.is_empty() {
            return Ok(0);
        }
        let mut raws = Vec::new();
        for (path, _, _) in &fresh {
            for item in storyfold::ingest::open(std::slice::from_ref(path), &Default::default()) {
                match item {
                    Ok(raw) => raws.push(raw),
                    Err(error) => tracing::warn!(%error, "Skipped input."),
                }
            }
        }
        let results = if raws.is_empty() {
            Vec::new()
        } else {
            ingest_all(writer, raws).map_err(|e| e.to_string())?
        };
        for (path, len, modified) in fresh {
            self.seen_files.insert(path, (len, modified));
        }
        Ok(results.iter().filter(|r| r.status == "added").count())
    }
}

fn raw_body(body: String, content_type: &str) -> RawBody {
    if content_type.starts_with("text/plain") {
        RawBody::Text(body)
    } else {
        RawBody::Html(body.into_bytes())
    }
}

fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Deepest folder level walked.
const MAX_DEPTH: usize = 16;

/// Files under `path` (or `path` itself), skipping hidden and temporary files.
fn list_files(
    path: &Path,
    depth: usize,
    out: &mut Vec<(PathBuf, u64, SystemTime)>,
) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        out.push((path.to_path_buf(), meta.len(), meta.modified()?));
        return Ok(());
    }
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".tmp")
            || name.ends_with(".part")
        {
            continue;
        }
        list_files(&entry.path(), depth + 1, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let poll = Duration::from_secs(10);
        assert_eq!(backoff_delay(poll, 0), poll);
        assert_eq!(backoff_delay(poll, 1), Duration::from_secs(20));
        assert_eq!(backoff_delay(poll, 3), Duration::from_secs(80));
        assert_eq!(backoff_delay(poll, 30), MAX_BACKOFF);
        let slow = Duration::from_secs(7200);
        assert_eq!(backoff_delay(slow, 5), slow);
    }

    #[test]
    fn sources_parse() {
        assert_eq!(
            WatchSource::parse("http://127.0.0.1:9/feed.xml").unwrap(),
            WatchSource::Feed("http://127.0.0.1:9/feed.xml".into())
        );
        assert!(WatchSource::parse("ftp://example.org/feed").is_err());
        assert!(WatchSource::parse("/definitely/not/here").is_err());
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            WatchSource::parse(dir.path().to_str().unwrap()).unwrap(),
            WatchSource::Path(dir.path().to_path_buf())
        );
    }

    #[test]
    fn hidden_and_partial_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["a.txt", ".hidden", "b.part", "sub/c.html"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let mut files = Vec::new();
        list_files(dir.path(), 0, &mut files).unwrap();
        let mut names: Vec<_> = files
            .iter()
            .map(|(p, _, _)| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "sub/c.html"]);
    }
}
