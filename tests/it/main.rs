//! Integration tests against a real PostgreSQL cluster that the suite starts itself.

mod common;
mod connection;
mod local;
mod migrate;
mod schema;
mod tls;
