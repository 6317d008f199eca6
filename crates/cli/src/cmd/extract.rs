//! `storyfold extract` (being built).
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold extract`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `storyfold extract`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold extract is not built yet")
}
