//! Integration tests against a real PostgreSQL cluster that the suite starts itself.

mod backup;
mod bad_input;
mod baseline;
mod common;
mod connection;
mod credentials;
mod data;
mod drift;
mod faults;
mod fixtures;
mod local;
mod migrate;
mod partitions;
mod pg_versions;
mod pgbouncer;
mod rebuild;
mod replication;
mod report_truth;
mod reports;
mod retention;
mod roles;
mod schema;
mod seed_schemas;
mod shell;
mod terminal;
mod tls;
