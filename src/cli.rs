//! The `minutes` command line.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "minutes",
    version,
    about = "Self-hosted meeting-minutes backend",
    long_about = "Self-hosted meeting-minutes backend.\n\n\
        Configuration: the defaults built into the binary, then DIR/default.toml and \
        DIR/{MINUTES_ENV}.toml (MINUTES_ENV defaults to `local`) where DIR is --config, \
        MINUTES_CONFIG_DIR or ./config, then MINUTES__SECTION__KEY environment \
        variables and DATABASE_URL. `minutes config` shows the result."
)]
pub struct Cli {
    /// Directory holding default.toml and {MINUTES_ENV}.toml (default: ./config if present).
    #[arg(long, global = true, value_name = "DIR", env = "MINUTES_CONFIG_DIR")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP with in-process workers (the default).
    Serve,
    /// Run processing workers only (no HTTP), `processing.workers` of them.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Session maintenance.
    Sessions {
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// Print the effective settings, secrets redacted, each with where it came from.
    Config,
    /// Account administration.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Delete expired session IDs and expired or revoked series past retention, once.
    Purge,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (whatever `auth.registration` says). The password is
    /// the first line of standard input, so it stays out of shell history
    /// and process listings: `echo "$PW" | minutes user create --username ada`.
    Create {
        /// 3-32 of a-z, 0-9, `_`, `.`, `-`.
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: Option<String>,
        /// Grant the admin role (every account is a member).
        #[arg(long)]
        admin: bool,
    },
    /// Grant the admin role to an existing account, or remove it with
    /// `--revoke` (refused when it is the last enabled admin). For an
    /// operator locked out of the admin endpoints.
    SetAdmin {
        username: String,
        /// Remove the role instead of granting it.
        #[arg(long)]
        revoke: bool,
    },
}
