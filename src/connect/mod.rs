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
