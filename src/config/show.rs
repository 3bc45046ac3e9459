//! `minutes config`: the effective settings as `key = value` lines (TOML
//! values), secrets redacted, each followed by the layer it came from — the
//! embedded defaults, a file's path, or the environment variable.

use std::fmt::Write as _;

use figment::{
    Figment,
    value::{Dict, Value},
};

use super::sources::ENV_PREFIX;

/// Keys whose values never leave the process: credentials and keys.
fn is_secret(key: &str) -> bool {
    key == "database.url"
        || key == "session.secret"
        || key.ends_with(".api_key")
        || key.ends_with(".secret_access_key")
        || key.ends_with(".client_secret")
}

/// One line per leaf value, in key order.
pub fn describe(figment: &Figment) -> anyhow::Result<String> {
    let root: Dict = figment.extract()?;
    let mut leaves = Vec::new();
    flatten("", &Value::from(root), &mut leaves);
    let mut out = String::new();
    for (key, value) in leaves {
        let shown = if is_secret(&key) {
            "\"<redacted>\"".to_owned()
        } else {
            toml_literal(&value)
        };
        let _ = writeln!(out, "{key} = {shown}  # {}", origin(figment, &key));
    }
    Ok(out)
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Dict(_, dict) => {
            for (k, v) in dict {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        leaf => out.push((prefix.to_owned(), leaf.clone())),
    }
}

/// JSON's literals are TOML's for strings, numbers, booleans and arrays of them.
fn toml_literal(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "?".into())
}

/// The layer that set `key` last: a file's path, an environment variable's
/// name, or the layer's own name.
fn origin(figment: &Figment, key: &str) -> String {
    let Some(md) = figment.find_metadata(key) else {
        return "unknown".into();
    };
    if let Some(source) = &md.source {
        return source.to_string();
    }
    if md.name == ENV_PREFIX {
        return format!("{ENV_PREFIX}{}", key.to_uppercase().replace('.', "__"));
    }
    md.name.to_string()
}

#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use crate::config::sources::Layers;
    use figment::Jail;

    #[test]
    fn each_value_names_its_layer_and_secrets_are_redacted() {
        Jail::expect_with(|jail| {
            jail.create_dir("conf")?;
            jail.create_file("conf/staging.toml", "[session]\nid_ttl_secs = 60\n")?;
            jail.set_env(
                "MINUTES__SESSION__SECRET",
                "a-secret-nobody-should-ever-see-0123",
            );
            let figment = Layers::new("conf", "staging").figment();
            let text = describe(&figment).unwrap();
            assert!(!text.contains("nobody-should"), "{text}");
            let line = |key: &str| {
                text.lines()
                    .find(|l| l.starts_with(&format!("{key} = ")))
                    .unwrap_or_else(|| panic!("{key} missing from\n{text}"))
                    .to_owned()
            };
            let secret = line("session.secret");
            assert!(
                secret.ends_with("\"<redacted>\"  # MINUTES__SESSION__SECRET"),
                "{secret}"
            );
            assert!(line("session.id_ttl_secs").starts_with("session.id_ttl_secs = 60  # "));
            assert!(line("session.id_ttl_secs").contains("staging.toml"));
            assert_eq!(
                line("server.addr"),
                "server.addr = \"127.0.0.1:8080\"  # embedded defaults"
            );
            Ok(())
        });
    }
}
