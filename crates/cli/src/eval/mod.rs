//! `storyfold eval KIND`: one module per metric; each has `Args` (clap) and `run`.
//! Each reads `../shared/data/...` (or the path given) and says clearly when it is absent.
pub mod clustering;
pub mod dedup;
pub mod extraction;
pub mod similarity;
pub mod time;

use std::path::Path;

/// Fails with a clear message when an evaluation data path is missing.
pub fn require_data(path: &Path, what: &str) -> anyhow::Result<()> {
    if !path.exists() {
        anyhow::bail!(
            "{}: not found; `storyfold eval` needs {what} (see ../shared/data/README.md); \
             pass its path explicitly if it lives elsewhere",
            path.display()
        );
    }
    Ok(())
}
