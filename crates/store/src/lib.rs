//! The store: one SQLite file (WAL mode) holding articles, their analysis, copy links, stories
//! and the stages' online state. The only crate that writes SQL.
//!
//! Articles are keyed by content hash, so re-ingesting the same input changes nothing. Every
//! write goes through [`Store::commit`], one transaction per batch: a crash or `kill -9` loses
//! at most the batch in flight and leaves a database that opens cleanly.
//!
//! ```
//! use storyfold_store::Store;
//! let dir = tempfile::tempdir().unwrap();
//! let store = Store::open(&dir.path().join("example.db")).unwrap();
//! assert_eq!(store.article_count().unwrap(), 0);
//! ```
#![deny(missing_docs)]

mod schema;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};
use storyfold_model::{
    ArticleId, Brief, ContentHash, CopyLink, Corroboration, Doc, GroupingReason, Story, StoryId,
};

/// Errors of the store; each names the database file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// A stored value could not be encoded or decoded.
    #[error("{path}: stored {what} is unreadable: {source}")]
    Encoding {
        /// The database file.
        path: PathBuf,
        /// What was being read or written.
        what: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The database was written by a newer storyfold.
    #[error("{path}: schema version {found} is newer than this storyfold understands ({known})")]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, Error>;

/// A story as stored: its members, its cross-check and its brief.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredStory {
    /// The story (id, aliases, members, title, dates, reasons).
    pub story: Story,
    /// Claims, quotes, timeline, entities, copy links.
    pub corroboration: Corroboration,
    /// The cited brief.
    pub brief: Brief,
}

/// One line of the story list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorySummary {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub title: String,
    /// Earliest publication date.
    pub first_seen: Option<String>,
    /// Latest publication date.
    pub last_seen: Option<String>,
    /// Number of articles.
    pub articles: usize,
    /// Number of distinct outlets.
    pub outlets: usize,
    /// Independent sources after collapsing copies.
    pub independent_sources: usize,
}

/// Everything one batch writes, committed in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    /// New articles, analysed.
    pub docs: Vec<Doc>,
    /// Copy links (one per copy; replaces an earlier link of the same copy).
    pub links: Vec<CopyLink>,
    /// Story membership: article, story, why.
    pub members: Vec<(ArticleId, StoryId, GroupingReason)>,
    /// Merges: (absorbed story, surviving story).
    pub merges: Vec<(StoryId, StoryId)>,
    /// Stories recomputed in this batch.
    pub stories: Vec<StoredStory>,
    /// Stage states to save, by stage name.
    pub states: Vec<(String, serde_json::Value)>,
    /// Inputs that failed: (input, reason).
    pub failures: Vec<(String, String)>,
}

impl Batch {
    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
            && self.links.is_empty()
            && self.members.is_empty()
            && self.merges.is_empty()
            && self.stories.is_empty()
            && self.failures.is_empty()
    }
}

/// The SQLite store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Store {
    /// Opens (creating if needed) the store at `path`, in WAL mode, and migrates its schema.
    ///
    /// # Errors
    /// When the file cannot be opened as SQLite or was written by a newer schema.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(|source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store.configure()?;
        schema::migrate(&mut store.conn).map_err(|e| match e {
            schema::MigrateError::Sqlite(source) => store.sqlite_error(source),
            schema::MigrateError::Newer { found, known } => Error::NewerSchema {
                path: store.path.clone(),
                found,
                known,
            },
        })?;
        Ok(store)
    }

    /// Opens an existing store for reading only (the server's and viewers' mode).
    ///
    /// # Errors
    /// When the file is missing or not a storyfold store.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| store.sqlite_error(e))?;
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| store.sqlite_error(e))?;
        if version > schema::VERSION {
            return Err(Error::NewerSchema {
                path: store.path.clone(),
                found: version,
                known: schema::VERSION,
            });
        }
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| self.sqlite_error(e))?;
        // Switching a new file to WAL takes a lock without calling the busy handler, so when
        // another process opens the same new file at the same moment (`serve --nats` and its
        // follower) the switch is retried here for up to the busy timeout.
        let started = std::time::Instant::now();
        loop {
            // WAL: readers never block the writer; NORMAL sync is durable against process
            // crashes (kill -9), which is the failure this store promises to survive.
            match self.conn.execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            ) {
                Err(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                result => return result.map_err(|e| self.sqlite_error(e)),
            }
        }
    }

    fn sqlite_error(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn encoding_error(&self, what: &str, source: serde_json::Error) -> Error {
        Error::Encoding {
            path: self.path.clone(),
            what: what.to_string(),
            source,
        }
    }

    fn encode<T: Serialize>(&self, what: &str, value: &T) -> Result<String> {
        serde_json::to_string(value).map_err(|e| self.encoding_error(what, e))
    }

    fn decode<T: DeserializeOwned>(&self, what: &str, json: &str) -> Result<T> {
        serde_json::from_str(json).map_err(|e| self.encoding_error(what, e))
    }

    /// The id of the stored article with this content hash, if any.
    pub fn article_by_hash(&self, hash: &ContentHash) -> Result<Option<ArticleId>> {
        self.conn
            .query_row(
                "SELECT id FROM articles WHERE content_hash = ?1",
                [hash.as_str()],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map(|id| id.map(ArticleId))
            .map_err(|e| self.sqlite_error(e))
    }

    /// Whether an article with this id is stored.
    pub fn has_article(&self, id: &ArticleId) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM articles WHERE id = ?1",
                [id.as_str()],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sqlite_error(e))
    }

    /// Number of stored articles.
    pub fn article_count(&self) -> Result<usize> {
        self.count("SELECT COUNT(*) FROM articles")
    }

    /// Number of stories (aliases not counted).
    pub fn story_count(&self) -> Result<usize> {
        self.count("SELECT COUNT(*) FROM stories WHERE alias_of IS NULL")
    }

    fn count(&self, sql: &str) -> Result<usize> {
        self.conn
            .query_row(sql, [], |row| row.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.sqlite_error(e))
    }

    /// The saved state of a stage, if any.
    pub fn load_state<T: DeserializeOwned>(&self, stage: &str) -> Result<Option<T>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT state FROM stage_state WHERE stage = ?1",
                [stage],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.sqlite_error(e))?;
        json.map(|j| self.decode(&format!("{stage} state"), &j))
            .transpose()
    }

    /// One analysed article.
    pub fn doc(&self, id: &ArticleId) -> Result<Option<Doc>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT doc FROM articles WHERE id = ?1",
                [id.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.sqlite_error(e))?;
        json.map(|j| self.decode("article", &j)).transpose()
    }

    /// Analysed articles by id, in the order given; missing ids are skipped.
    pub fn docs(&self, ids: &[ArticleId]) -> Result<Vec<Doc>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(doc) = self.doc(id)? {
                out.push(doc);
            }
        }
        Ok(out)
    }

    /// The copy link whose copy is `id`, if any.
    pub fn link_of(&self, id: &ArticleId) -> Result<Option<CopyLink>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT link FROM copy_links WHERE copy = ?1",
                [id.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.sqlite_error(e))?;
        json.map(|j| self.decode("copy link", &j)).transpose()
    }

    /// The story an article belongs to (after merges).
    pub fn story_of(&self, article: &ArticleId) -> Result<Option<StoryId>> {
        self.conn
            .query_row(
                "SELECT story FROM story_members WHERE article = ?1",
                [article.as_str()],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map(|s| s.map(StoryId))
            .map_err(|e| self.sqlite_error(e))
    }

    /// Members of the given stories in arrival order, with why each joined.
    pub fn members(&self, stories: &[StoryId]) -> Result<Vec<(ArticleId, GroupingReason)>> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT a.seq, m.article, m.reason FROM story_members m
                 JOIN articles a ON a.id = m.article
                 WHERE m.story = ?1",
            )
            .map_err(|e| self.sqlite_error(e))?;
        let mut rows = Vec::new();
        for story in stories {
            let found = statement
                .query_map([story.as_str()], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                })
                .map_err(|e| self.sqlite_error(e))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| self.sqlite_error(e))?;
            rows.extend(found);
        }
        rows.sort();
        rows.dedup_by(|a, b| a.1 == b.1);
        rows.into_iter()
            .map(|(_, id, reason)| Ok((ArticleId(id), self.decode("grouping reason", &reason)?)))
            .collect()
    }

    /// Resolves an id that may be an alias of a merged story to the surviving story id.
    pub fn resolve_story(&self, id: &StoryId) -> Result<Option<StoryId>> {
        let mut current = id.clone();
        // Alias chains are short (each merge adds one hop); the bound guards against a cycle in
        // a hand-edited database.
        for _ in 0..64 {
            let row: Option<Option<String>> = self
                .conn
                .query_row(
                    "SELECT alias_of FROM stories WHERE id = ?1",
                    [current.as_str()],
                    |row| row.get(0),
                )
                .optional()
                .map_err(|e| self.sqlite_error(e))?;
            match row {
                None => return Ok(None),
                Some(None) => return Ok(Some(current)),
                Some(Some(target)) => current = StoryId(target),
            }
        }
        Ok(None)
    }

    /// One story (an alias resolves to the surviving story).
    pub fn story(&self, id: &StoryId) -> Result<Option<StoredStory>> {
        let Some(id) = self.resolve_story(id)? else {
            return Ok(None);
        };
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT story, corroboration, brief FROM stories WHERE id = ?1",
                [id.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sqlite_error(e))?;
        row.map(|(story, corroboration, brief)| {
            Ok(StoredStory {
                story: self.decode("story", &story)?,
                corroboration: self.decode("corroboration", &corroboration)?,
                brief: self.decode("brief", &brief)?,
            })
        })
        .transpose()
    }

    /// Stories, newest first (by last publication date, then creation order), `limit` at most,
    /// skipping `offset`.
    pub fn stories(&self, limit: usize, offset: usize) -> Result<Vec<StorySummary>> {
        self.summaries(
            "SELECT id, title, first_seen, last_seen, articles, outlets, independent_sources
             FROM stories WHERE alias_of IS NULL
             ORDER BY last_seen IS NULL, last_seen DESC, seq DESC LIMIT ?1 OFFSET ?2",
            params![to_i64(limit), to_i64(offset)],
        )
    }

    /// Stories whose title or article text matches a full-text query (SQLite FTS5 syntax;
    /// plain words are matched as all-of), best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<StorySummary>> {
        let query = fts_query(query);
        if query.is_empty() {
            return Ok(Vec::new());
        }
        self.summaries(
            "SELECT s.id, s.title, s.first_seen, s.last_seen, s.articles, s.outlets,
                    s.independent_sources
             FROM (SELECT m.story AS story, MIN(f.rank) AS rank
                   FROM articles_fts f
                   JOIN articles a ON a.seq = f.rowid
                   JOIN story_members m ON m.article = a.id
                   WHERE articles_fts MATCH ?1
                   GROUP BY m.story) hits
             JOIN stories s ON s.id = hits.story
             ORDER BY hits.rank, s.seq LIMIT ?2",
            params![query, to_i64(limit)],
        )
    }

    fn summaries(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<StorySummary>> {
        let mut statement = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| self.sqlite_error(e))?;
        let rows = statement
            .query_map(params, |row| {
                Ok(StorySummary {
                    id: StoryId(row.get(0)?),
                    title: row.get(1)?,
                    first_seen: row.get(2)?,
                    last_seen: row.get(3)?,
                    articles: to_usize(row.get(4)?),
                    outlets: to_usize(row.get(5)?),
                    independent_sources: to_usize(row.get(6)?),
                })
            })
            .map_err(|e| self.sqlite_error(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sqlite_error(e));
        rows
    }

    /// Writes one batch in one transaction: all of it or none of it.
    ///
    /// # Errors
    /// When SQLite fails; nothing of the batch is written then.
    pub fn commit(&mut self, batch: &Batch) -> Result<()> {
        let mut encoded_docs = Vec::with_capacity(batch.docs.len());
        for doc in &batch.docs {
            encoded_docs.push((doc, self.encode("article", doc)?));
        }
        let mut encoded_links = Vec::with_capacity(batch.links.len());
        for link in &batch.links {
            encoded_links.push((link, self.encode("copy link", link)?));
        }
        let mut encoded_members = Vec::with_capacity(batch.members.len());
        for (article, story, reason) in &batch.members {
            encoded_members.push((article, story, self.encode("grouping reason", reason)?));
        }
        let mut encoded_stories = Vec::with_capacity(batch.stories.len());
        for stored in &batch.stories {
            encoded_stories.push((
                stored,
                self.encode("story", &stored.story)?,
                self.encode("corroboration", &stored.corroboration)?,
                self.encode("brief", &stored.brief)?,
            ));
        }
        let path = self.path.clone();
        let wrap = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(wrap)?;
        {
            let mut insert_article = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO articles
                     (id, content_hash, source, url, outlet, title, byline, published,
                      published_inferred, language, text, doc)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(wrap)?;
            for (doc, json) in &encoded_docs {
                let article = &doc.article;
                insert_article
                    .execute(params![
                        article.id.as_str(),
                        article.content_hash.as_str(),
                        article.source,
                        article.url,
                        article.outlet,
                        article.title,
                        article.byline,
                        doc.published.as_ref().map(|p| p.iso_date()),
                        doc.published.as_ref().is_some_and(|p| p.is_inferred()),
                        doc.language,
                        doc.text,
                        json,
                    ])
                    .map_err(wrap)?;
            }
            let mut upsert_link = tx
                .prepare_cached(
                    "INSERT INTO copy_links (copy, original, kind, similarity, link)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(copy) DO UPDATE SET original = excluded.original,
                       kind = excluded.kind, similarity = excluded.similarity,
                       link = excluded.link",
                )
                .map_err(wrap)?;
            for (link, json) in &encoded_links {
                upsert_link
                    .execute(params![
                        link.copy.as_str(),
                        link.original.as_str(),
                        link.kind.as_str(),
                        f64::from(link.similarity),
                        json,
                    ])
                    .map_err(wrap)?;
            }
            let mut ensure_story = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO stories (id, title, story, corroboration, brief)
                     VALUES (?1, '', '{}', '{}', '{}')",
                )
                .map_err(wrap)?;
            let mut upsert_member = tx
                .prepare_cached(
                    "INSERT INTO story_members (article, story, reason) VALUES (?1, ?2, ?3)
                     ON CONFLICT(article) DO UPDATE SET story = excluded.story,
                       reason = excluded.reason",
                )
                .map_err(wrap)?;
            for (article, story, reason) in &encoded_members {
                ensure_story.execute([story.as_str()]).map_err(wrap)?;
                upsert_member
                    .execute(params![article.as_str(), story.as_str(), reason])
                    .map_err(wrap)?;
            }
            for (absorbed, survivor) in &batch.merges {
                ensure_story.execute([survivor.as_str()]).map_err(wrap)?;
                ensure_story.execute([absorbed.as_str()]).map_err(wrap)?;
                tx.execute(
                    "UPDATE story_members SET story = ?2 WHERE story = ?1",
                    params![absorbed.as_str(), survivor.as_str()],
                )
                .map_err(wrap)?;
                tx.execute(
                    "UPDATE stories SET alias_of = ?2 WHERE id = ?1 OR alias_of = ?1",
                    params![absorbed.as_str(), survivor.as_str()],
                )
                .map_err(wrap)?;
            }
            let mut update_story = tx
                .prepare_cached(
                    "INSERT INTO stories (id, title, first_seen, last_seen, articles, outlets,
                       independent_sources, story, corroboration, brief)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT(id) DO UPDATE SET title = excluded.title,
                       first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                       articles = excluded.articles, outlets = excluded.outlets,
                       independent_sources = excluded.independent_sources,
                       story = excluded.story, corroboration = excluded.corroboration,
                       brief = excluded.brief",
                )
                .map_err(wrap)?;
            for (stored, story, corroboration, brief) in &encoded_stories {
                let id = stored.story.id.as_str();
                let (outlets, independent): (i64, i64) = tx
                    .query_row(STORY_COUNTS, [id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .map_err(wrap)?;
                update_story
                    .execute(params![
                        id,
                        stored.story.title,
                        stored.story.first_seen,
                        stored.story.last_seen,
                        to_i64(stored.story.articles.len()),
                        outlets,
                        independent,
                        story,
                        corroboration,
                        brief,
                    ])
                    .map_err(wrap)?;
            }
            let mut save_state = tx
                .prepare_cached(
                    "INSERT INTO stage_state (stage, state) VALUES (?1, ?2)
                     ON CONFLICT(stage) DO UPDATE SET state = excluded.state",
                )
                .map_err(wrap)?;
            for (stage, state) in &batch.states {
                save_state
                    .execute(params![stage, state.to_string()])
                    .map_err(wrap)?;
            }
            let mut record_failure = tx
                .prepare_cached("INSERT INTO failures (input, reason) VALUES (?1, ?2)")
                .map_err(wrap)?;
            for (input, reason) in &batch.failures {
                record_failure
                    .execute(params![input, reason])
                    .map_err(wrap)?;
            }
        }
        tx.commit().map_err(wrap)
    }

    /// Inputs that failed in earlier runs: (input, reason), oldest first.
    pub fn failures(&self) -> Result<Vec<(String, String)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT input, reason FROM failures ORDER BY seq")
            .map_err(|e| self.sqlite_error(e))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|e| self.sqlite_error(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sqlite_error(e));
        rows
    }
}

/// Turns user words into an FTS5 query: each word quoted (so punctuation cannot break the
/// syntax), all required.
fn fts_query(query: &str) -> String {
    storyfold_model::text::words(query)
        .map(|w| format!("\"{}\"", w.text.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Distinct outlets (an article without one counts as its own) and independent sources (members
/// that are not copies of another member) of one story.
const STORY_COUNTS: &str = "
    SELECT COUNT(DISTINCT COALESCE(a.outlet, a.id)),
           SUM(NOT EXISTS (SELECT 1 FROM copy_links l JOIN story_members o
                           ON o.article = l.original AND o.story = m.story
                           WHERE l.copy = m.article))
    FROM story_members m JOIN articles a ON a.id = m.article
    WHERE m.story = ?1";

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfold_model::{Article, Story};

    fn doc(id: &str, text: &str) -> Doc {
        let article = Article {
            id: ArticleId::from(id),
            source: format!("{id}.txt"),
            url: None,
            outlet: Some(format!("{id} outlet")),
            title: Some(format!("Title of {id}")),
            byline: None,
            published: None,
            language: Some("en".into()),
            paragraphs: vec![text.to_string()],
            boilerplate: Vec::new(),
            content_hash: ContentHash::of_text(text),
        };
        Doc {
            text: article.text(),
            article,
            language: Some("en".into()),
            published: None,
            sentences: Vec::new(),
            entities: Vec::new(),
            times: Vec::new(),
            quotes: Vec::new(),
        }
    }

    fn stored(id: &str, articles: &[&str]) -> StoredStory {
        StoredStory {
            story: Story {
                id: StoryId::from(id),
                aliases: Vec::new(),
                articles: articles.iter().map(|a| ArticleId::from(*a)).collect(),
                title: format!("Story {id}"),
                first_seen: Some("2024-01-02".into()),
                last_seen: Some("2024-01-03".into()),
                reasons: Vec::new(),
            },
            corroboration: Corroboration::default(),
            brief: Brief::default(),
        }
    }

    fn member(article: &str, story: &str) -> (ArticleId, StoryId, GroupingReason) {
        (
            ArticleId::from(article),
            StoryId::from(story),
            GroupingReason::default(),
        )
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn processes_opening_a_new_file_at_once_both_get_the_schema() {
        // `serve --nats` and its follower thread open the same new file at the same moment.
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("race-{round}.db"));
            let barrier = std::sync::Barrier::new(4);
            std::thread::scope(|scope| {
                let openers: Vec<_> = (0..4)
                    .map(|_| {
                        scope.spawn(|| {
                            barrier.wait();
                            Store::open(&path).map(|store| store.article_count())
                        })
                    })
                    .collect();
                for opener in openers {
                    assert_eq!(opener.join().unwrap().unwrap().unwrap(), 0);
                }
            });
        }
    }

    #[test]
    fn committed_batch_reads_back() {
        let (_dir, mut store) = open();
        let a = doc("a", "Ferries stop at Osterby after the storm.");
        store
            .commit(&Batch {
                docs: vec![a.clone()],
                members: vec![member("a", "s-1")],
                stories: vec![stored("s-1", &["a"])],
                states: vec![("dedup".into(), serde_json::json!({"seen": 1}))],
                ..Batch::default()
            })
            .unwrap();
        assert_eq!(store.article_count().unwrap(), 1);
        assert_eq!(store.doc(&ArticleId::from("a")).unwrap(), Some(a.clone()));
        assert_eq!(
            store.article_by_hash(&a.article.content_hash).unwrap(),
            Some(ArticleId::from("a"))
        );
        assert_eq!(
            store.story_of(&ArticleId::from("a")).unwrap(),
            Some(StoryId::from("s-1"))
        );
        let state: serde_json::Value = store.load_state("dedup").unwrap().unwrap();
        assert_eq!(state["seen"], 1);
        let list = store.stories(10, 0).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            (
                list[0].articles,
                list[0].outlets,
                list[0].independent_sources
            ),
            (1, 1, 1)
        );
    }

    #[test]
    fn recommitting_an_article_is_a_no_op() {
        let (_dir, mut store) = open();
        let batch = Batch {
            docs: vec![doc("a", "Same text.")],
            ..Batch::default()
        };
        store.commit(&batch).unwrap();
        store.commit(&batch).unwrap();
        assert_eq!(store.article_count().unwrap(), 1);
    }

    #[test]
    fn merged_story_resolves_to_survivor() {
        let (_dir, mut store) = open();
        store
            .commit(&Batch {
                docs: vec![doc("a", "First report."), doc("b", "Second report.")],
                members: vec![member("a", "s-old"), member("b", "s-new")],
                ..Batch::default()
            })
            .unwrap();
        store
            .commit(&Batch {
                merges: vec![(StoryId::from("s-new"), StoryId::from("s-old"))],
                stories: vec![stored("s-old", &["a", "b"])],
                ..Batch::default()
            })
            .unwrap();
        assert_eq!(
            store.resolve_story(&StoryId::from("s-new")).unwrap(),
            Some(StoryId::from("s-old"))
        );
        assert_eq!(
            store
                .story(&StoryId::from("s-new"))
                .unwrap()
                .unwrap()
                .story
                .id
                .as_str(),
            "s-old"
        );
        let members = store.members(&[StoryId::from("s-old")]).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(store.story_count().unwrap(), 1);
    }

    #[test]
    fn search_finds_stories_by_words_and_ignores_syntax() {
        let (_dir, mut store) = open();
        store
            .commit(&Batch {
                docs: vec![
                    doc("a", "Ferries stop at Osterby."),
                    doc("b", "Budget vote in Tamsk."),
                ],
                members: vec![member("a", "s-1"), member("b", "s-2")],
                stories: vec![stored("s-1", &["a"]), stored("s-2", &["b"])],
                ..Batch::default()
            })
            .unwrap();
        let hits = store.search("osterby ferries", 10).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["s-1"]
        );
        assert!(store.search("\"unbalanced AND (", 10).is_ok());
        assert!(store.search("", 10).unwrap().is_empty());
    }

    #[test]
    fn copies_do_not_count_as_independent_sources() {
        let (_dir, mut store) = open();
        let link = CopyLink {
            copy: ArticleId::from("b"),
            original: ArticleId::from("a"),
            kind: storyfold_model::CopyKind::Verbatim,
            similarity: 0.98,
            direction: storyfold_model::DirectionRule::EarlierPublished,
            evidence: Vec::new(),
        };
        store
            .commit(&Batch {
                docs: vec![doc("a", "Original."), doc("b", "Copy.")],
                links: vec![link],
                members: vec![member("a", "s-1"), member("b", "s-1")],
                stories: vec![stored("s-1", &["a", "b"])],
                ..Batch::default()
            })
            .unwrap();
        let list = store.stories(10, 0).unwrap();
        assert_eq!(
            (
                list[0].articles,
                list[0].outlets,
                list[0].independent_sources
            ),
            (2, 2, 1)
        );
    }

    #[test]
    fn a_file_that_is_not_sqlite_gives_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(&path, "this is not a database, just some text ".repeat(100)).unwrap();
        let error = Store::open(&path).unwrap_err().to_string();
        assert!(error.contains("notes.db"), "{error}");
    }
}
