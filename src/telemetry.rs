//! Tracing setup: human-readable or JSON lines, filtered by `log.filter`
//! unless `RUST_LOG` is set.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

use crate::config::{LogFormat, LogSettings};

pub fn init(settings: &LogSettings) -> anyhow::Result<()> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(from_env) if !from_env.is_empty() => EnvFilter::try_new(from_env)?,
        _ => EnvFilter::try_new(&settings.filter).map_err(|e| {
            anyhow::anyhow!(
                "invalid configuration: log.filter {:?}: {e}",
                settings.filter
            )
        })?,
    };
    let registry = tracing_subscriber::registry().with(filter);
    match settings.format {
        // Colours for a terminal only: a journal or a file gets plain text
        // (and no span field is formatted twice, once with escapes).
        LogFormat::Pretty => registry
            .with(fmt::layer().with_ansi(std::io::stdout().is_terminal()))
            .try_init()?,
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init()?,
    }
    Ok(())
}
