//! What each subcommand does, given loaded settings.

use tokio::net::TcpListener;

use crate::{
    app::{self, AppState},
    cli::{Command, SessionsCommand},
    config::Settings,
    db, session,
};

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    let pool = db::pool(&settings)?;
    match command {
        Command::Serve => {
            db::migrate(&pool).await?;
            let listener = TcpListener::bind(settings.server.addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.server.addr))?;
            let purger = session::spawn_purger(pool.clone(), settings.session.clone());
            let state = AppState::new(settings, pool)?;
            let served = app::serve(listener, state, app::shutdown_signal()).await;
            purger.abort();
            served
        }
        Command::Migrate => {
            db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Sessions {
            command: SessionsCommand::Purge,
        } => {
            let report = session::purge(&pool, &settings.session).await?;
            println!(
                "purged {} session IDs, {} series, {} sealed tokens",
                report.session_ids, report.series, report.sealed_tokens
            );
            Ok(())
        }
    }
}
