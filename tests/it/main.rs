//! Integration tests against a real PostgreSQL cluster that the suite starts itself.

mod common;
mod connection;
mod data;
mod local;
mod migrate;
mod schema;
mod terminal;
