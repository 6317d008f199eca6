//! `storyfold similarity` (being built).
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold similarity`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `storyfold similarity`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold similarity is not built yet")
}
