use clap::Parser;
use minutes::{
    cli::{Cli, Command},
    config::{self, Settings},
    run, telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let layers = config::Layers::discover(cli.config.as_deref())?;
    let settings = Settings::from_figment(layers.figment())?;
    if let Some(Command::Config) = cli.command {
        // Needs no database or logging: it only shows what was loaded.
        print!("{}", config::describe(&layers.figment())?);
        return Ok(());
    }
    telemetry::init(&settings.log)?;
    run::run(cli.command.unwrap_or(Command::Serve), settings).await
}
