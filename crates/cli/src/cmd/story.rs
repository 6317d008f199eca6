//! `storyfold story ID`: one story from the store.
use crate::render;
use clap::Args as ClapArgs;
use storyfold::model::StoryId;

/// Arguments of `storyfold story`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The story id (an alias of a merged story works too).
    pub id: String,
    /// Also show why each article was grouped into the story.
    #[arg(long)]
    pub why: bool,
    /// Print the story document (DESIGN.md's JSON contract).
    #[arg(long)]
    pub json: bool,
}

/// Runs `storyfold story`.
pub fn run(args: &Args, global: &crate::Global) -> anyhow::Result<()> {
    let store = render::open_existing(&global.store)?;
    let document = storyfold::story_document(&store, &[StoryId(args.id.clone())])?;
    if args.json {
        return render::print_json(&document);
    }
    let detail = if args.why {
        render::Detail::Why
    } else {
        render::Detail::Full
    };
    render::print_stories(&document.stories, detail)
}
