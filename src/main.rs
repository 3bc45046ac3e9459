use clap::Parser;
use minutes::{
    cli::{Cli, Command},
    config::Settings,
    run, telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log)?;
    run::run(cli.command.unwrap_or(Command::Serve), settings).await
}
