//! Flags of the commands that create and fill the ToWow tables: `init`, `seed`, `mock-agents`,
//! `drop`.

use super::*;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Drop the ToWow tables first (asks like `drop`, or needs --yes).
    #[arg(long)]
    pub drop: bool,

    /// Load the sample rows of the ToWow document (2 agents, 1 demand).
    #[arg(long)]
    pub sample_data: bool,

    /// Load the mock agent set (default 100 agents).
    #[arg(long)]
    pub mock_agents: bool,

    /// How many mock agents to load (implies --mock-agents) [default: 100].
    #[arg(long, value_name = "N", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub mock_agents_count: Option<u64>,

    /// Language of the mock agents' names and texts.
    #[arg(long, value_enum, default_value_t)]
    pub locale: crate::data::generators::Locale,

    /// Do not create the database when it does not exist.
    #[arg(long)]
    pub no_create_database: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// Flags shared by the data generators.
#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// Random seed: the same seed gives the same rows, ids included.
    #[arg(long, value_name = "N", default_value_t = crate::data::generators::DEFAULT_SEED,
          value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: u64,

    /// Language of generated names and texts.
    #[arg(long, value_enum, default_value_t)]
    pub locale: crate::data::generators::Locale,

    /// Generate times as if today were this date (fixed by default so that a seed always gives
    /// the same rows).
    #[arg(long, value_name = "DATE", default_value = "2026-06-01", value_parser = parse_as_of)]
    pub as_of: i64,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Load this seed file (JSON Lines, the format of seeds/sample.jsonl) instead of the sample.
    #[arg(long, value_name = "PATH")]
    pub file: Option<std::path::PathBuf>,

    /// Also load the ToWow sample rows (the default when no --file and no --demands is given).
    #[arg(long)]
    pub sample_data: bool,

    /// Generate this many demands (with their responses and channels).
    #[arg(long, value_name = "N", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub demands: Option<u64>,

    /// Agent responses per generated demand [default: 3].
    #[arg(long, value_name = "M", value_parser = parse_per_demand, requires = "demands", allow_negative_numbers = true)]
    pub responses_per_demand: Option<u32>,

    /// Collaboration channels per generated demand [default: 1].
    #[arg(long, value_name = "K", value_parser = parse_per_demand, requires = "demands", allow_negative_numbers = true)]
    pub channels_per_demand: Option<u32>,

    #[command(flatten)]
    pub generator: GenArgs,

    /// Delete previously generated demands (and their responses and channels) first. Asks.
    #[arg(long, requires = "demands")]
    pub replace: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct MockAgentsArgs {
    /// How many agents the set has.
    #[arg(long, value_name = "N", default_value = "100", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub count: u64,

    #[command(flatten)]
    pub generator: GenArgs,

    /// Delete every earlier towow-db mock agent (and, by cascade, their responses) first. Asks.
    #[arg(long)]
    pub replace: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}
