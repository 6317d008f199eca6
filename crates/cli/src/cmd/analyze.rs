//! `storyfold analyze` (being built).
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold analyze`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `storyfold analyze`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold analyze is not built yet")
}
