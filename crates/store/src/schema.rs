//! Versioned schema: each migration runs once, in order, inside a transaction; the version is
//! kept in `PRAGMA user_version`.
use rusqlite::{Connection, TransactionBehavior};

/// Migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: articles, links, stories, membership, stage state, failures, full-text index.
    "CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        byline TEXT,
        published TEXT,
        published_inferred INTEGER NOT NULL DEFAULT 0,
        language TEXT,
        text TEXT NOT NULL,
        doc TEXT NOT NULL,
        ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE copy_links (
        copy TEXT PRIMARY KEY REFERENCES articles(id),
        original TEXT NOT NULL REFERENCES articles(id),
        kind TEXT NOT NULL,
        similarity REAL NOT NULL,
        link TEXT NOT NULL
    );
    CREATE INDEX copy_links_original ON copy_links(original);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL DEFAULT 0,
        alias_of TEXT,
        title TEXT NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        articles INTEGER NOT NULL DEFAULT 0,
        outlets INTEGER NOT NULL DEFAULT 0,
        independent_sources INTEGER NOT NULL DEFAULT 0,
        story TEXT NOT NULL,
        corroboration TEXT NOT NULL,
        brief TEXT NOT NULL
    );
    CREATE TRIGGER stories_seq AFTER INSERT ON stories BEGIN
        UPDATE stories SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM stories)
        WHERE id = new.id;
    END;
    CREATE INDEX stories_last_seen ON stories(last_seen);
    CREATE TABLE story_members (
        article TEXT PRIMARY KEY REFERENCES articles(id),
        story TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story);
    CREATE TABLE stage_state (
        stage TEXT PRIMARY KEY,
        state TEXT NOT NULL
    );
    CREATE TABLE failures (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END;",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Why a migration failed.
pub enum MigrateError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// The file is newer than this build.
    Newer { found: i64, known: i64 },
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

/// Brings the schema up to [`VERSION`].
///
/// Each step reads the version inside a write-locked (`IMMEDIATE`) transaction, so two
/// processes opening a new file at once do not both run a migration: the second waits for the
/// lock (busy timeout), then finds the step done.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if found > VERSION {
            return Err(MigrateError::Newer {
                found,
                known: VERSION,
            });
        }
        let Some(sql) = usize::try_from(found)
            .ok()
            .and_then(|index| MIGRATIONS.get(index))
        else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
        tracing::info!(version = found + 1, "Migrated store schema.");
    }
}
