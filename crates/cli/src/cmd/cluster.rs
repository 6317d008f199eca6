//! `storyfold cluster` (being built).
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold cluster`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `storyfold cluster`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold cluster is not built yet")
}
