//! The `minutes` command line.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "minutes",
    version,
    about = "Self-hosted meeting-minutes backend",
    long_about = "Self-hosted meeting-minutes backend.\n\n\
        Configuration comes from config/default.toml, then config/{MINUTES_ENV}.toml \
        (MINUTES_ENV defaults to `local`), then MINUTES__SECTION__KEY environment \
        variables and DATABASE_URL."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Session maintenance.
    Sessions {
        #[command(subcommand)]
        command: SessionsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Delete expired session IDs and expired or revoked series past retention, once.
    Purge,
}
