//! Where settings come from: the defaults compiled into the binary, then an
//! optional config directory (`--config DIR`, `MINUTES_CONFIG_DIR`, else
//! `./config` when it exists) with its `default.toml` and `{MINUTES_ENV}.toml`,
//! then `MINUTES__*` variables and `DATABASE_URL`. Every layer carries a
//! name that `minutes config` and error messages show.

use std::path::{Path, PathBuf};

use anyhow::bail;
use figment::{
    Figment, Metadata, Profile, Provider,
    providers::{Env, Format, Toml},
    value::{Dict, Map},
};

/// `config/default.toml`, compiled in so the binary runs from any directory.
pub const EMBEDDED_DEFAULTS: &str = include_str!("../../config/default.toml");
/// The profiles committed with a fixed `session.secret`; their secrets are
/// public, so `validate` refuses them off loopback.
pub(super) const COMMITTED_PROFILES: [&str; 2] = [
    include_str!("../../config/local.toml"),
    include_str!("../../config/test.toml"),
];

/// Names of the layers, as `minutes config` prints them.
pub const DEFAULTS_NAME: &str = "embedded defaults";
pub const ENV_PREFIX: &str = "MINUTES__";

/// The config directory and profile this process runs with.
#[derive(Debug, Clone)]
pub struct Layers {
    dir: Option<PathBuf>,
    env: String,
}

impl Layers {
    /// From `--config DIR` (or `MINUTES_CONFIG_DIR`) and `MINUTES_ENV`. A
    /// directory or profile file asked for explicitly must exist; the
    /// implicit ones (`./config`, the `local` profile) may be absent.
    pub fn discover(flag: Option<&Path>) -> anyhow::Result<Self> {
        let asked = flag
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("MINUTES_CONFIG_DIR").map(PathBuf::from));
        let dir = match asked {
            Some(dir) if dir.is_dir() => Some(dir),
            Some(dir) => bail!(
                "config directory {} does not exist (--config / MINUTES_CONFIG_DIR)",
                dir.display()
            ),
            None => Some(PathBuf::from("config")).filter(|d| d.is_dir()),
        };
        let env = std::env::var("MINUTES_ENV").ok();
        if let Some(env) = &env {
            let file = dir
                .as_deref()
                .unwrap_or(Path::new("config"))
                .join(format!("{env}.toml"));
            if !file.is_file() {
                bail!(
                    "MINUTES_ENV={env} but {} does not exist (set --config DIR or MINUTES_CONFIG_DIR \
                     to the directory holding {env}.toml)",
                    file.display()
                );
            }
        }
        Ok(Self {
            dir,
            env: env.unwrap_or_else(|| "local".into()),
        })
    }

    /// A given directory and profile, as tests name them.
    pub fn new(dir: impl Into<PathBuf>, env: &str) -> Self {
        Self {
            dir: Some(dir.into()),
            env: env.into(),
        }
    }

    pub fn figment(&self) -> Figment {
        let mut figment =
            Figment::new().merge(Named(Toml::string(EMBEDDED_DEFAULTS), DEFAULTS_NAME));
        if let Some(dir) = &self.dir {
            // `file_exact`: `Toml::file` would also search parent directories.
            for name in ["default", self.env.as_str()] {
                let path = dir.join(format!("{name}.toml"));
                if path.is_file() {
                    figment = figment.merge(Toml::file_exact(path));
                }
            }
        }
        figment
            .merge(Named(Env::prefixed(ENV_PREFIX).split("__"), ENV_PREFIX))
            .merge(Named(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
                "DATABASE_URL",
            ))
    }
}

/// A provider under a name of our choosing: figment's own names ("TOML
/// source string", "`MINUTES__` environment variable(s)") say little, and
/// the last one used to appear in errors about keys no variable was meant to set.
struct Named<P>(P, &'static str);

impl<P: Provider> Provider for Named<P> {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.1)
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        self.0.data()
    }
}
