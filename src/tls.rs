//! The one place that opens connections: applies `sslmode` (and, later, the certificates of a
//! [`ConnConfig`]) for every pooled and dedicated connection.

use anyhow::{Result, bail};
use deadpool_postgres::Connect;
use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, Error, NoTls};

use crate::config::{ConnConfig, SslMode};

/// Opens connections for the pool, honouring `sslmode`.
#[derive(Debug, Clone)]
pub struct Connector {
    sslmode: SslMode,
}

impl Connector {
    pub fn new(cfg: &ConnConfig) -> Result<Connector> {
        match cfg.sslmode {
            SslMode::Disable | SslMode::Allow | SslMode::Prefer => {}
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => bail!(
                "sslmode={} needs TLS, which this build of towow-db does not support yet; use sslmode=disable or prefer",
                cfg.sslmode.as_str()
            ),
        }
        Ok(Connector { sslmode: cfg.sslmode })
    }

    pub fn sslmode(&self) -> SslMode {
        self.sslmode
    }
}

impl Connect for Connector {
    fn connect(&self, pg_config: &Config) -> BoxFuture<'_, Result<(Client, JoinHandle<()>), Error>> {
        let pg_config = pg_config.clone();
        Box::pin(async move {
            let (client, connection) = pg_config.connect(NoTls).await?;
            let task = tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!("connection closed: {e}");
                }
            });
            Ok((client, task))
        })
    }
}
