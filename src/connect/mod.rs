//! Reaching the server, in the order a connection is made: the environment (`env`), connection
//! strings (`url`), where to connect (`resolve`), named targets (`targets`), libpq's password file (`pgpass`), TLS as libpq
//! does it (`tls`), the set-up of one connection under one deadline, with keepalives (`setup`),
//! the connection pool (`pool`) and connection-pooler detection (`pooler`).
//!
//! Arrows point down this list only: `url` uses `env`, `pgpass` uses both, `resolve` uses
//! `pgpass`, `targets` uses `resolve`, `tls` opens what `url` describes, `setup` opens through `tls`, `pool` through
//! `setup`.

pub mod blocking;
pub mod env;
pub mod pgpass;
pub mod pool;
pub mod pooler;
pub mod resolve;
pub mod setup;
pub mod targets;
pub mod tls;
pub mod url;

pub use env::Env;
pub use pool::Db;
pub use resolve::{Resolved, resolve, resolve_direct};
pub use setup::ConnectOptions;
pub use url::{ChannelBinding, ConnConfig, LoadBalanceHosts, Source, SslMode, TargetSessionAttrs};

/// The server's version as a number (`server_version_num`, e.g. 150018): the one way every
/// command reads it (report queries that need more select the same setting in their round trip).
pub async fn server_version_num(client: &tokio_postgres::Client) -> anyhow::Result<i32> {
    use crate::error::PgContext;
    Ok(client
        .query_typed_one("SELECT current_setting('server_version_num')::int4", &[])
        .await
        .pg_context("cannot read the server version")?
        .get(0))
}
