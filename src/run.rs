//! What each subcommand does, given loaded settings.

use std::{io::BufRead, sync::Arc};

use anyhow::Context as _;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    admin,
    app::{self, AppState},
    auth,
    cli::{Command, SessionsCommand, UserCommand},
    config::Settings,
    db,
    jobs::{Processor, worker},
    ops, retention, session, storage, webhooks,
};

/// How long a stopping process waits for cut-off uploads to be cleaned up.
const SETTLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    let pool = db::pool(&settings)?;
    match command {
        Command::Serve => serve(settings, pool).await,
        Command::Worker => work(settings, pool).await,
        // main prints the settings before anything connects to the database.
        Command::Config => anyhow::bail!("`minutes config` is handled before run"),
        Command::Migrate => {
            db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Sessions {
            command: SessionsCommand::Purge,
        } => purge(settings, pool).await,
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    email,
                    admin,
                },
        } => {
            let password = first_line(std::io::stdin().lock())?;
            let new = auth::NewAccount {
                username,
                email,
                password,
                admin,
            };
            create_user(settings, pool, new).await
        }
        Command::User {
            command: UserCommand::SetAdmin { username, revoke },
        } => {
            admin::set_admin(&pool, &username, !revoke).await?;
            let done = if revoke { "removed from" } else { "granted to" };
            println!("admin role {done} {username}");
            Ok(())
        }
    }
}

/// `minutes serve`: the HTTP service, its metrics listener, the workers
/// and the purger, until SIGTERM or ctrl-c.
async fn serve(settings: Settings, pool: PgPool) -> anyhow::Result<()> {
    db::migrate(&pool).await?;
    let listener = bind(settings.server.addr).await?;
    let metrics_listener = bind(settings.ops.metrics_addr).await?;
    let sealed_sweep = session::spawn_sealed_token_sweep(pool.clone(), settings.session.clone());
    let state = AppState::new(settings, pool.clone())?;
    let metrics = tokio::spawn(ops::serve_metrics(metrics_listener, state.metrics.clone()));
    let workers = Workers::start(&state.settings, pool.clone(), state.uploads.clone())?;
    let purger = retention::spawn_purger(pool, &state.settings, state.uploads.clone());
    let uploads = state.uploads.clone();
    let served = app::serve(listener, state, app::shutdown_signal()).await;
    purger.abort();
    sealed_sweep.abort();
    metrics.abort();
    workers.stop().await;
    uploads.settle(SETTLE_LIMIT).await;
    served
}

async fn bind(addr: std::net::SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}

/// `minutes worker`: processing only, until SIGTERM or ctrl-c.
async fn work(settings: Settings, pool: PgPool) -> anyhow::Result<()> {
    db::migrate(&pool).await?;
    let uploads = storage::Uploads::from_settings(&settings.storage)?;
    let workers = Workers::start(&settings, pool, uploads.clone())?;
    app::shutdown_signal().await;
    workers.stop().await;
    uploads.settle(SETTLE_LIMIT).await;
    Ok(())
}

/// `minutes sessions purge`: one retention pass, with what it removed.
async fn purge(settings: Settings, pool: PgPool) -> anyhow::Result<()> {
    let uploads = storage::Uploads::from_settings(&settings.storage)?;
    let report = retention::purge(&pool, &settings, &uploads).await?;
    println!(
        "purged {} session IDs, {} series ({} task files), {} sealed tokens, \
         {} login attempts, {} audit events, {} orphaned files, {} unfinished uploads",
        report.session_ids,
        report.series,
        report.task_files,
        report.sealed_tokens,
        report.login_attempts,
        report.audit_events,
        report.orphan_files,
        report.unfinished_uploads
    );
    Ok(())
}

/// `minutes user create`: an account with the API's rules.
async fn create_user(
    settings: Settings,
    pool: PgPool,
    new: auth::NewAccount,
) -> anyhow::Result<()> {
    let user = auth::create_user(&pool, &settings.auth, new).await?;
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    println!(
        "created user {} ({}) with roles: {}",
        user.username,
        user.id,
        roles.join(", ")
    );
    Ok(())
}

/// The process's processing workers and webhook deliverers, stopped together.
struct Workers {
    set: tokio::task::JoinSet<()>,
    deliverers: tokio::task::JoinSet<()>,
    shutdown: CancellationToken,
}

impl Workers {
    fn start(
        settings: &Settings,
        db: PgPool,
        uploads: Arc<storage::Uploads>,
    ) -> anyhow::Result<Self> {
        let deliverer = Arc::new(webhooks::Deliverer {
            db: db.clone(),
            settings: settings.webhooks.clone(),
            sealer: Arc::new(webhooks::Sealer::new(&settings.session)?),
        });
        let processor = Arc::new(Processor::new(&settings.processing, db, uploads));
        let shutdown = CancellationToken::new();
        let set = worker::spawn(processor, settings.processing.workers, shutdown.clone());
        let deliverers = webhooks::spawn(deliverer, shutdown.clone());
        Ok(Self {
            set,
            deliverers,
            shutdown,
        })
    }

    /// Running jobs are released for another worker or instance; a
    /// delivery under way is left to its lease.
    async fn stop(self) {
        self.shutdown.cancel();
        self.set.join_all().await;
        self.deliverers.join_all().await;
    }
}

/// The password from standard input: its first line, without the line ending.
fn first_line(mut input: impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_owned())
}

#[cfg(test)]
mod tests {
    use super::first_line;

    #[test]
    fn the_password_is_the_first_line_without_its_line_ending() {
        for input in [
            "hunter2 hunter2\n",
            "hunter2 hunter2\r\nnext",
            "hunter2 hunter2",
        ] {
            assert_eq!(first_line(input.as_bytes()).unwrap(), "hunter2 hunter2");
        }
    }
}
