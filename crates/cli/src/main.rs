//! `storyfold`: the one binary. A thin shell over the library: arguments, I/O, progress, exit
//! codes.
mod cmd;
mod eval;
mod io;
mod render;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// storyfold: many outlets' reports of the same events, folded into stories you can trust.
#[derive(Debug, Parser)]
#[command(name = "storyfold", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every verb takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// The SQLite store.
    #[arg(
        long,
        global = true,
        default_value = "storyfold.db",
        env = "STORYFOLD_STORE"
    )]
    pub store: PathBuf,
    /// More log output on stderr (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest inputs into the store, update the stories and print them.
    Run(cmd::run::Args),
    /// List the stories in the store.
    Stories(cmd::stories::Args),
    /// Show one story from the store.
    Story(cmd::story::Args),
    /// Extract clean text and metadata from HTML or text files (JSON Lines out).
    Extract(cmd::extract::Args),
    /// Entities, time expressions and quotes of JSONL articles (JSON Lines out).
    Analyze(cmd::analyze::Args),
    /// Who copied whom among JSONL articles (JSON Lines out).
    Dedup(cmd::dedup::Args),
    /// Group JSONL articles into stories (JSON Lines out).
    Cluster(cmd::cluster::Args),
    /// Same-story score of article pairs (JSON Lines out).
    Similarity(cmd::similarity::Args),
    /// Serve the HTTP API and the web page over the store.
    Serve(cmd::serve::Args),
    /// Publish articles to a NATS JetStream stream for workers.
    Publish(cmd::publish::Args),
    /// Consume articles from NATS JetStream and run the pipeline.
    Worker(cmd::worker::Args),
    /// Compute a quality metric on the public evaluation data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Main-text extraction F1/P/R on the article-extraction benchmark (AEB).
    Extraction(eval::extraction::Args),
    /// Time expression extent and value F1 on TimeBank/AQUAINT (TempEval-3).
    Time(eval::time::Args),
    /// Copy detection precision/recall per kind on a labelled set built from public texts.
    Dedup(eval::dedup::Args),
    /// Story clustering NMI, ARI and B-cubed F1 on GoogleNews.
    Clustering(eval::clustering::Args),
    /// Same-story score Pearson r on SemEval-2022 task 8 pairs.
    Similarity(eval::similarity::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.global);
    let result = match &cli.command {
        Command::Run(args) => cmd::run::run(args, &cli.global),
        Command::Stories(args) => cmd::stories::run(args, &cli.global),
        Command::Story(args) => cmd::story::run(args, &cli.global),
        Command::Extract(args) => cmd::extract::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Dedup(args) => cmd::dedup::run(args),
        Command::Cluster(args) => cmd::cluster::run(args),
        Command::Similarity(args) => cmd::similarity::run(args),
        Command::Serve(args) => cmd::serve::run(args, &cli.global),
        Command::Publish(args) => cmd::publish::run(args, &cli.global),
        Command::Worker(args) => cmd::worker::run(args, &cli.global),
        Command::Eval(kind) => match kind {
            EvalCommand::Extraction(args) => eval::extraction::run(args),
            EvalCommand::Time(args) => eval::time::run(args),
            EvalCommand::Dedup(args) => eval::dedup::run(args),
            EvalCommand::Clustering(args) => eval::clustering::run(args),
            EvalCommand::Similarity(args) => eval::similarity::run(args),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("storyfold: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(global: &Global) {
    let default = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    // The HTML parser warns about every quirk of real-world markup; that is noise to a user.
    let filter = tracing_subscriber::EnvFilter::try_from_env("STORYFOLD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
        .add_directive("html5ever=error".parse().expect("a valid static directive"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in logs that programs read.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .compact()
        .init();
}
