//! Backups you can prove, on the real PostgreSQL client tools: `create` (pg_dump in directory
//! format, parallel, into a folder renamed only when complete, with a manifest of row counts and
//! checksums), `store` (the backup folder: listing, states, names), `verify` (the restore drill
//! and the monitoring checks), `restore` (pg_restore into a target), `prune` (retention).
//! `tools` finds pg_dump/pg_restore and hands them the connection through the environment only.

pub mod create;
pub mod manifest;
pub mod prune;
pub mod restore;
pub mod store;
pub mod tools;
pub mod verify;

pub use create::{CreateOptions, create};
pub use manifest::Manifest;
pub use store::{DIR_ENV, Entry, State, default_dir};
