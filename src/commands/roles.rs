use std::io::IsTerminal;

use anyhow::{Result, bail};

use crate::admin::roles::{self, RoleKind, RoleSpec};
use crate::cli::{RolesAction, RolesArgs, RolesCreateArgs, RolesShowArgs};
use crate::commands::Ctx;

/// The ToWow document's password policy (section 4.3.2): 16 characters or more.
const MIN_PASSWORD_LEN: usize = 16;

pub async fn run(ctx: &Ctx, args: RolesArgs) -> Result<u8> {
    match args.action {
        RolesAction::Create(a) => create(ctx, a).await,
        RolesAction::Show(a) => show(ctx, a).await,
    }
}

/// A password typed twice at the terminal, not echoed. On a thread of its own, so that Ctrl-C
/// (and the connection's tasks) are not stalled until Enter; an interrupt restores the
/// terminal's echo, which the abandoned prompt had turned off.
async fn prompt(name: &str) -> Result<String> {
    let _echo = TerminalState::save();
    let name = name.to_string();
    let typed = tokio::task::spawn_blocking(move || -> Result<String> {
        let first = rpassword::prompt_password(format!("Password for new role {name}: "))?;
        let again = rpassword::prompt_password("Enter it again: ")?;
        if first != again {
            bail!("the two passwords for role \"{name}\" differ; nothing was changed");
        }
        Ok(first)
    })
    .await?;
    // rpassword reads the terminal raw and answers Ctrl-C itself: it raises SIGINT and returns
    // "interrupted". That error must not win the race with the signal (it would exit 1): the
    // interrupt ends the command, as Ctrl-C anywhere else does (exit 130).
    if let Err(e) = &typed
        && e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::Interrupted)
    {
        crate::interrupt::requested().await;
        std::future::pending::<()>().await;
    }
    typed
}

/// The terminal's settings before a prompt, put back if the command is interrupted during it.
struct TerminalState(Option<(std::fs::File, libc::termios)>);

impl TerminalState {
    fn save() -> TerminalState {
        use std::os::fd::AsRawFd;
        let Ok(tty) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty") else {
            return TerminalState(None);
        };
        // SAFETY: tcgetattr writes into the struct we own; the fd is open.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        match unsafe { libc::tcgetattr(tty.as_raw_fd(), &mut t) } {
            0 => TerminalState(Some((tty, t))),
            _ => TerminalState(None),
        }
    }
}

impl Drop for TerminalState {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        if crate::interrupt::presses() == 0 {
            return;
        }
        let Some((tty, t)) = self.0.take() else { return };
        // SAFETY: restoring settings read from the same terminal.
        let restore = move || unsafe { libc::tcsetattr(tty.as_raw_fd(), libc::TCSANOW, &t) };
        restore();
        // The abandoned prompt's thread may not have turned the echo off yet: rpassword shows
        // the prompt first, and a Ctrl-C typed in between ends the command before it does (a
        // full test run once left the terminal raw so). Put the settings back again a few times
        // while the command ends, after which that thread has long done it.
        crate::interrupt::defer(crate::interrupt::Stage::Resources, async move {
            for _ in 0..10 {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                restore();
            }
            Ok(String::new())
        });
    }
}

async fn create(ctx: &Ctx, a: RolesCreateArgs) -> Result<u8> {
    let mut wanted = vec![(a.app_role.clone(), RoleKind::App), (a.migrate_role.clone(), RoleKind::Migrate)];
    if let Some(r) = &a.readonly_role {
        wanted.push((r.clone(), RoleKind::Readonly));
    }
    for (name, _) in &wanted {
        roles::validate_name(name)?;
    }
    let db = ctx.connect_write("roles create", None).await?;
    let names: Vec<String> = wanted.iter().map(|(n, _)| n.clone()).collect();
    let exists = roles::existing(&**db.get().await?, &names).await?;
    let mut specs = Vec::new();
    for (name, kind) in wanted {
        let var = kind.password_env();
        // Roles belong to the whole cluster: an existing one keeps its password unless
        // --reset-password says otherwise (other databases may use it).
        let existing = exists.contains(&name);
        let password = match ctx.env.get(var) {
            _ if existing && !a.reset_password => None,
            Some(p) => Some(p.to_string()),
            None if std::io::stdin().is_terminal() => Some(prompt(&name).await?),
            None if existing => bail!(
                "--reset-password: no password for role \"{name}\": set {var} (or run on a terminal to be asked)"
            ),
            None => bail!(
                "role \"{name}\" does not exist and needs a password: set {var} (or run on a terminal to be asked); passwords are never taken from the command line"
            ),
        };
        if existing && !a.reset_password && ctx.env.get(var).is_some() {
            ctx.out.note(format!(
                "role \"{name}\" exists: {var} is not used (its password is kept; --reset-password sets it)"
            ));
        }
        if let Some(p) = &password {
            if p.is_empty() {
                bail!("the password for role \"{name}\" is empty");
            }
            if p.chars().count() < MIN_PASSWORD_LEN {
                tracing::warn!(
                    "the password for role \"{name}\" is shorter than {MIN_PASSWORD_LEN} characters (the ToWow password policy)"
                );
            }
        }
        specs.push(RoleSpec { name, kind, password });
    }
    let r = roles::create(&db, &specs, &a.schema, a.keep_owner).await?;
    if ctx.out.is_json() {
        ctx.out.json(&r)?;
        return Ok(0);
    }
    ctx.out.table(
        &["role", "kind", "action", "password"],
        r.roles.iter().map(|o| {
            vec![
                o.role.clone(),
                format!("{:?}", o.kind).to_lowercase(),
                match (o.created, o.password_set) {
                    (true, _) => "created".to_string(),
                    (false, true) => "password reset".to_string(),
                    (false, false) => "exists, kept".to_string(),
                },
                if o.password_set { "set (SCRAM-SHA-256)".into() } else { "unchanged".to_string() },
            ]
        }),
    )?;
    for o in &r.owner_changed {
        ctx.out.note(format!("{o} is now owned by \"{}\"", a.migrate_role));
    }
    for n in &r.notes {
        ctx.out.note(n);
    }
    ctx.out.note(format!(
        "privileges granted in database \"{}\", schema {} (see `towow-db roles show`)",
        r.database, r.schema
    ));
    Ok(0)
}

async fn show(ctx: &Ctx, a: RolesShowArgs) -> Result<u8> {
    let db = ctx.connect(None).await?;
    let r = roles::show(&**db.get().await?, &db.cfg.dbname_or_default(), &a.schema).await?;
    if ctx.out.is_json() {
        ctx.out.json(&r)?;
        return Ok(0);
    }
    ctx.out.table_with(
        &["role", "attributes", "database", "schema", "ToWow tables", "owns"],
        r.roles.iter().map(|x| {
            let mut distinct: Vec<&Vec<String>> = x.tables.values().collect();
            distinct.dedup();
            let tables = if distinct.len() == 1 && x.tables.len() > 1 {
                format!("{} (all {})", distinct[0].join(", "), x.tables.len())
            } else {
                x.tables.iter().map(|(t, p)| format!("{t}: {}", p.join(", "))).collect::<Vec<_>>().join("\n")
            };
            let attributes: Vec<&str> = [(x.login, "login"), (x.superuser, "superuser")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, a)| *a)
                .collect();
            vec![
                x.role.clone(),
                if attributes.is_empty() { "-".into() } else { attributes.join(", ") },
                x.database.join(", "),
                x.schema.join(", "),
                tables,
                x.owns.join(", "),
            ]
        }),
        &["database"],
    )?;
    if !r.default_privileges.is_empty() {
        ctx.out.line("Default privileges for future objects:")?;
        ctx.out.table(
            &["objects created by", "schema", "objects", "grantee", "privileges"],
            r.default_privileges.iter().map(|d| {
                vec![
                    d.for_role.clone(),
                    d.schema.clone(),
                    d.objects.clone(),
                    d.grantee.clone(),
                    d.privileges.join(", "),
                ]
            }),
        )?;
    }
    Ok(0)
}
