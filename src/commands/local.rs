use anyhow::Result;

use crate::admin::local::{InitOptions, LocalCluster, Readiness};
use crate::cli::{LocalAction, LocalArgs};
use crate::commands::Ctx;

pub async fn run(ctx: &Ctx, args: LocalArgs) -> Result<u8> {
    let cluster = LocalCluster::default_cluster();
    match args.action {
        LocalAction::Start => {
            let (cfg, state) = cluster.ensure_ready(&InitOptions::default()).await?;
            ctx.out.note(match state {
                Readiness::Created => {
                    format!("local cluster created and started at {} ({cfg})", cluster.dir.display())
                }
                Readiness::Started => format!("local cluster started at {} ({cfg})", cluster.dir.display()),
                Readiness::Running => format!("local cluster already running ({cfg})"),
            });
            print_status(ctx, &cluster)
        }
        LocalAction::Stop => {
            let was = tokio::task::spawn_blocking({
                let c = cluster.clone();
                move || c.stop()
            })
            .await??;
            ctx.out.note(if was { "local cluster stopped" } else { "local cluster was not running" });
            print_status(ctx, &cluster)
        }
        LocalAction::Status => print_status(ctx, &cluster),
        LocalAction::Url => {
            let cfg = cluster.conn_config()?;
            if ctx.out.is_json() {
                ctx.out.json(&serde_json::json!({ "url": cfg.url_with_password() }))?;
            } else {
                ctx.out
                    .note(format!("# the local cluster at {} (credentials included)", cluster.dir.display()));
                ctx.out.data(cfg.url_with_password())?;
            }
            Ok(0)
        }
        LocalAction::Destroy(confirm) => {
            if !cluster.dir.exists() {
                ctx.out.note(format!("no local cluster at {}", cluster.dir.display()));
                return Ok(0);
            }
            cluster.ensure_cluster()?;
            crate::output::confirm::confirm_typed(
                &format!("stop the local cluster and delete all its data in {}", cluster.dir.display()),
                "destroy",
                confirm.yes,
            )
            .await?;
            let removed_dir = tokio::task::spawn_blocking({
                let c = cluster.clone();
                move || c.destroy()
            })
            .await??;
            if removed_dir {
                ctx.out.note(format!("deleted {}", cluster.dir.display()));
            } else {
                ctx.out.note(format!(
                    "deleted the cluster in {}; the directory holds other files, which were left alone",
                    cluster.dir.display()
                ));
            }
            Ok(0)
        }
    }
}

fn print_status(ctx: &Ctx, cluster: &LocalCluster) -> Result<u8> {
    let st = cluster.status()?;
    if ctx.out.is_json() {
        ctx.out.json(&st)?;
    } else {
        let field = |k: &str, v: String| vec![k.to_string(), v];
        ctx.out.table(
            &["local cluster", ""],
            [
                field("directory", st.dir.display().to_string()),
                field("exists", st.exists.to_string()),
                field("running", st.running.to_string()),
                field("port", st.port.map(|p| p.to_string()).unwrap_or_else(|| "-".into())),
                field("version", st.version.clone().unwrap_or_else(|| "-".into())),
                field("url", st.url.clone().unwrap_or_else(|| "-".into())),
            ],
        )?;
    }
    Ok(0)
}
