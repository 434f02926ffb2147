//! Integration tests against a real PostgreSQL cluster that the suite starts itself.

mod common;
mod connection;
mod local;
mod migrate;
mod pg_versions;
mod reports;
mod schema;
