//! Reaching the server: where to connect (`config`), libpq's password file (`pgpass`), TLS as
//! libpq does it (`tls`), the connection pool (`pool`) and connection-pooler detection (`pooler`).

pub mod config;
pub mod pgpass;
pub mod pool;
pub mod pooler;
pub mod tls;
