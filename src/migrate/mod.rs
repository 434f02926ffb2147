//! Schema migrations: refinery-embedded `migrations/V{n}__{name}.sql` files, plus what refinery
//! lacks: an advisory lock so that concurrent runs apply each migration once, migrations that run
//! outside a transaction (`CREATE INDEX CONCURRENTLY`), recorded exactly as refinery would, down
//! scripts (`V{n}__{name}.down.sql`), status, verification and drift detection.

/// refinery's default history table, as a literal for the SQL constants' `concat!`
/// ([`HISTORY_TABLE`] everywhere else).
macro_rules! history_table {
    () => {
        "refinery_schema_history"
    };
}

mod baseline;
pub mod catalog;
pub mod diff;
mod down;
mod drift;
mod embedded;
pub mod fingerprint;
mod history;
mod lock;
pub mod lock_retry;
mod others;
pub mod shadow;
mod tables;
pub mod throwaway;
mod up;

pub use baseline::*;
pub use down::*;
pub use drift::*;
pub use embedded::*;
pub use fingerprint::SchemaCheck;
pub use history::*;
pub use lock::*;
pub use others::*;
pub use tables::*;
pub use up::*;

/// refinery's default history table.
pub const HISTORY_TABLE: &str = history_table!();

/// The oldest server the migrations run on, and why (a server older gets this, before anything
/// changes; the reports work from 12 on).
pub const MIN_SERVER_VERSION: (i32, &str) = (
    130000,
    "the ToWow schema needs PostgreSQL 13 or newer (V1's ids default to gen_random_uuid(), built in from 13)",
);

/// The marker (first line) of a migration that must run outside a transaction.
pub const NO_TRANSACTION_MARKER: &str = "-- towow-db: no-transaction";
/// The ToWow tables, one name each.
pub const AGENT_PROFILES: &str = "agent_profiles";
pub const DEMANDS: &str = "demands";
pub const AGENT_RESPONSES: &str = "agent_responses";
pub const COLLABORATION_CHANNELS: &str = "collaboration_channels";
/// The four ToWow tables, children first (the order to drop them in).
pub const TOWOW_TABLES: [&str; 4] = [AGENT_RESPONSES, COLLABORATION_CHANNELS, DEMANDS, AGENT_PROFILES];
