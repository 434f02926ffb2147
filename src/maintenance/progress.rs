//! Running a concurrent index build (`CREATE INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`) on
//! its own session while a second connection shows its phase from
//! `pg_stat_progress_create_index` (a bar on a terminal only).

use std::time::Duration;

use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::connect::Db;

const PROGRESS_SQL: &str = "SELECT phase, blocks_total::int8 AS blocks_total, blocks_done::int8 AS blocks_done, \
     tuples_total::int8 AS tuples_total, tuples_done::int8 AS tuples_done \
     FROM pg_stat_progress_create_index WHERE pid = $1";

/// Run `sql` on `client` (whose backend is `pid`), polling the build's progress on another
/// pooled connection every 300 ms for a bar labelled `label` when `show` (and stderr is a
/// terminal). Returns the statement's own result.
pub async fn build_with_progress(
    db: &Db,
    client: &Client,
    pid: i32,
    sql: &str,
    label: &str,
    show: bool,
) -> anyhow::Result<Result<(), tokio_postgres::Error>> {
    let bar = progress_bar(show, label);
    let work = client.batch_execute(sql);
    tokio::pin!(work);
    let poller = match &bar {
        Some(_) => Some(db.get().await?),
        None => None,
    };
    let done = loop {
        tokio::select! {
            res = &mut work => break res,
            _ = tokio::time::sleep(Duration::from_millis(300)) => {
                if let (Some(b), Some(p)) = (&bar, &poller)
                    && let Ok(Some(r)) = p.query_typed_opt(PROGRESS_SQL, &[(&pid, Type::INT4)]).await
                {
                    let phase: String = r.get("phase");
                    let (bt, bd): (i64, i64) = (r.get("blocks_total"), r.get("blocks_done"));
                    let (tt, td): (i64, i64) = (r.get("tuples_total"), r.get("tuples_done"));
                    let (done, total) = if bt > 0 { (bd, bt) } else { (td, tt) };
                    b.set_length(total.max(0) as u64);
                    b.set_position(done.max(0) as u64);
                    b.set_message(format!("{label}: {phase}"));
                }
            }
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(done)
}

/// A bar with the build's phase and blocks (or tuples), on a terminal only.
fn progress_bar(show: bool, label: &str) -> Option<indicatif::ProgressBar> {
    let bar = crate::output::progress::bar(show, 0, "{spinner} [{bar:30}] {pos}/{len}  {elapsed}  {msg}")?;
    bar.set_message(label.to_string());
    Some(bar)
}
