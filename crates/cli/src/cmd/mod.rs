//! One module per verb; each has `Args` (clap) and `run`.
pub mod analyze;
pub mod cluster;
pub mod dedup;
pub mod extract;
pub mod publish;
pub mod run;
pub mod serve;
pub mod similarity;
pub mod stories;
pub mod story;
pub mod worker;
