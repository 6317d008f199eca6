//! Shared edges of the verbs: reading articles, writing JSON Lines, progress, bad-input reports.
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};
use std::path::PathBuf;
use storyfold_ingest::{IngestConfig, Inputs};

/// Opens the inputs (files, folders, JSONL, `-` for stdin) as a stream of raw articles.
pub fn read_articles(inputs: &[PathBuf]) -> Inputs {
    storyfold_ingest::open(inputs, &IngestConfig::default())
}

/// The inputs read and extracted, one article at a time; a record that cannot be read or has no
/// text is reported through `tally` and skipped.
pub fn extracted_articles<'a>(
    inputs: &[PathBuf],
    extractor: &'a storyfold_extract::Extractor,
    tally: &'a mut Tally,
) -> impl Iterator<Item = storyfold_model::Article> + 'a {
    read_articles(inputs).filter_map(move |raw| {
        let extracted = raw
            .map_err(|e| e.to_string())
            .and_then(|raw| extractor.extract(&raw).map_err(|e| e.to_string()));
        match extracted {
            Ok(article) => Some(article),
            Err(e) => {
                tally.bad(&e);
                None
            }
        }
    })
}

/// JSON Lines on stdout. A closed pipe (`storyfold ... | head`) ends the output quietly.
pub struct JsonLines {
    out: BufWriter<Stdout>,
    closed: bool,
}

impl JsonLines {
    /// A writer on stdout.
    pub fn stdout() -> Self {
        Self {
            out: BufWriter::new(io::stdout()),
            closed: false,
        }
    }

    /// Writes one value as one line. Returns `Ok(false)` once the reader has gone away: the
    /// caller should stop producing and exit 0.
    pub fn write<T: Serialize>(&mut self, value: &T) -> anyhow::Result<bool> {
        if self.closed {
            return Ok(false);
        }
        let result = serde_json::to_writer(&mut self.out, value)
            .map_err(io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"));
        self.settle(result)
    }

    /// Flushes; a closed pipe is not an error.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        let result = self.out.flush();
        self.settle(result).map(|_| ())
    }

    fn settle(&mut self, result: io::Result<()>) -> anyhow::Result<bool> {
        match result {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal. `len` is the expected count
/// when known.
pub fn progress(len: Option<u64>, what: &'static str) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    if !io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let template = if len.is_some() {
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})"
    } else {
        "{spinner} {msg} {pos} ({per_sec})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

/// Counts of what a batch verb did, for the closing line and the exit code.
#[derive(Debug, Default)]
pub struct Tally {
    /// Records processed.
    pub ok: usize,
    /// Records skipped as bad.
    pub failed: usize,
}

impl Tally {
    /// Reports one bad record on stderr (one line naming the input) and counts it.
    pub fn bad(&mut self, error: &dyn std::fmt::Display) {
        self.failed += 1;
        eprintln!("storyfold: skipped: {error}");
    }

    /// Fails when nothing could be processed but something was bad, per STYLE.md.
    pub fn finish(&self, verb: &str) -> anyhow::Result<()> {
        if self.failed > 0 {
            eprintln!(
                "storyfold {verb}: {} processed, {} skipped",
                self.ok, self.failed
            );
        }
        if self.ok == 0 && self.failed > 0 {
            anyhow::bail!("nothing could be processed");
        }
        Ok(())
    }
}
