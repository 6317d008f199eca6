//! `storyfold stories`: list the stories in the store.
use crate::render;
use clap::Args as ClapArgs;

/// Arguments of `storyfold stories`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Only stories matching these words (full-text search over titles and texts).
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many stories, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// One JSON object per story.
    #[arg(long)]
    pub json: bool,
}

/// Runs `storyfold stories`.
pub fn run(args: &Args, global: &crate::Global) -> anyhow::Result<()> {
    let store = render::open_existing(&global.store)?;
    let stories = match &args.search {
        Some(query) => store.search(query, args.limit)?,
        None => store.stories(args.limit, 0)?,
    };
    render::print_summaries(&stories, args.json)
}
