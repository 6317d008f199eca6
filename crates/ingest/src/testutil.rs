//! Helpers shared by the tests: fixtures written into temporary folders.
use crate::{open, IngestConfig, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use storyfold_model::RawArticle;

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Gzips `bytes` (one member).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Everything `open` yields for `paths` with the default config.
pub fn collect(paths: &[PathBuf]) -> Vec<Result<RawArticle>> {
    open(paths, &IngestConfig::default()).collect()
}
