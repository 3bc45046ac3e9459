//! Loading the layers: precedence, errors naming keys, redaction, and the
//! fail-closed rules for secrets and cookies.

// `Jail::expect_with` fixes its closure's error type to figment's own.
#![allow(clippy::result_large_err)]
use super::*;
use figment::Jail;

fn write_layers(jail: &mut Jail) {
    jail.create_dir("config").unwrap();
    jail.create_file(
        "config/default.toml",
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml"))
            .unwrap(),
    )
    .unwrap();
    jail.create_file(
        "config/test.toml",
        "[session]\nid_ttl_secs = 60\nsecret = \"0123456789abcdef0123456789abcdef\"\n",
    )
    .unwrap();
}

#[test]
fn environment_file_overrides_defaults_and_env_vars_override_both() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        assert_eq!(s.session.id_ttl_secs, 60, "test.toml beats default.toml");
        assert_eq!(
            s.session.reuse_grace_secs, 10,
            "default.toml fills the rest"
        );

        jail.set_env("MINUTES__SESSION__ID_TTL_SECS", "5");
        jail.set_env(
            "MINUTES__PROCESSING__TRANSCRIPTION__BASE_URL",
            "http://127.0.0.1:9000",
        );
        jail.set_env("DATABASE_URL", "postgres://u@h/db");
        let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        assert_eq!(s.session.id_ttl_secs, 5, "environment beats files");
        assert_eq!(
            s.processing.transcription.base_url.as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(s.database_url().unwrap(), "postgres://u@h/db");
        Ok(())
    });
}

#[test]
fn unknown_key_fails_naming_the_key() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        jail.set_env("MINUTES__SESSION__ID_TTL", "5");
        let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
        assert!(err.to_string().to_lowercase().contains("id_ttl"), "{err}");
        Ok(())
    });
}

#[test]
fn bad_value_fails_naming_the_key() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        jail.set_env("MINUTES__SESSION__ID_TTL_SECS", "soon");
        let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
        assert!(
            err.to_string()
                .to_lowercase()
                .contains("session.id_ttl_secs"),
            "{err}"
        );
        Ok(())
    });
}

#[test]
fn start_refuses_a_missing_or_short_secret() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        jail.set_env("MINUTES__SESSION__SECRET", "short");
        let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
        assert!(err.to_string().contains("session.secret"), "{err}");
        Ok(())
    });
}

#[test]
fn secrets_are_redacted_in_debug() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        jail.set_env("DATABASE_URL", "postgres://user:hunter2@h/db");
        let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("0123456789abcdef"), "{debug}");
        Ok(())
    });
}

#[test]
fn the_embedded_defaults_alone_load_without_any_config_directory() {
    Jail::expect_with(|jail| {
        // An empty directory: no ./config, no MINUTES_ENV.
        jail.set_env(
            "MINUTES__SESSION__SECRET",
            "a-secret-of-more-than-32-bytes-0123",
        );
        let s = Settings::load().unwrap();
        assert_eq!(s.auth.registration, Registration::Open);
        assert_eq!(s.server.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.storage.backend, StorageBackend::Fs);
        Ok(())
    });
}

#[test]
fn without_a_secret_the_error_names_the_secret_not_a_missing_field() {
    Jail::expect_with(|_| {
        let err = Settings::load().unwrap_err().to_string();
        assert!(err.contains("session.secret"), "{err}");
        assert!(!err.contains("missing field"), "{err}");
        Ok(())
    });
}

#[test]
fn a_config_directory_or_profile_asked_for_and_missing_is_an_error_naming_it() {
    Jail::expect_with(|jail| {
        let err = Settings::load_from(Some(Path::new("nowhere"))).unwrap_err();
        assert!(err.to_string().contains("nowhere"), "{err}");

        jail.set_env("MINUTES_CONFIG_DIR", "elsewhere");
        let err = Settings::load().unwrap_err();
        assert!(err.to_string().contains("elsewhere"), "{err}");

        write_layers(jail);
        jail.set_env("MINUTES_CONFIG_DIR", "config");
        jail.set_env("MINUTES_ENV", "staging");
        let err = Settings::load().unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("config{}staging.toml", std::path::MAIN_SEPARATOR)),
            "{err}"
        );
        jail.set_env("MINUTES_ENV", "test");
        assert_eq!(Settings::load().unwrap().session.id_ttl_secs, 60);
        Ok(())
    });
}

#[test]
fn config_files_in_parent_directories_are_not_picked_up() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        jail.create_dir("sub")?;
        jail.change_dir("sub")?;
        jail.set_env(
            "MINUTES__SESSION__SECRET",
            "a-secret-of-more-than-32-bytes-0123",
        );
        let s = Settings::load().unwrap();
        assert_eq!(s.session.id_ttl_secs, 900, "../config/test.toml ignored");
        Ok(())
    });
}

#[test]
fn socket_caps_must_stay_below_the_instance_cap() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        for key in ["PER_SESSION", "PER_USER", "PER_IP"] {
            let var = format!("MINUTES__SERVER__MAX_SOCKETS_{key}");
            jail.set_env(&var, "20000");
            let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
            let named = format!("server.max_sockets_{}", key.to_lowercase());
            assert!(err.to_string().contains(&named), "{err}");
            jail.set_env(&var, "0");
            assert!(Settings::from_figment(Settings::figment("config", "test")).is_err());
            jail.set_env(&var, "10");
        }
        assert!(Settings::from_figment(Settings::figment("config", "test")).is_ok());
        Ok(())
    });
}

#[test]
fn the_llm_context_defaults_to_8192_tokens_and_cannot_be_tiny() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        let settings = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        assert_eq!(settings.processing.summarization.context_tokens, 8192);
        assert_eq!(SummarizationSettings::default().context_tokens, 8192);
        jail.set_env("MINUTES__PROCESSING__SUMMARIZATION__CONTEXT_TOKENS", "100");
        let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
        assert!(
            err.to_string()
                .contains("processing.summarization.context_tokens"),
            "{err}"
        );
        jail.set_env(
            "MINUTES__PROCESSING__SUMMARIZATION__CONTEXT_TOKENS",
            "32768",
        );
        let settings = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        assert_eq!(settings.processing.summarization.context_tokens, 32768);
        Ok(())
    });
}

#[test]
fn webhooks_keep_the_guard_on_by_default_and_refuse_zero_limits() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        // The jail's test.toml sets nothing for webhooks: the defaults apply.
        let settings = Settings::from_figment(Settings::figment("config", "test")).unwrap();
        assert!(!settings.webhooks.allow_private);
        assert_eq!(settings.webhooks.retry_horizon_secs, 86400);
        for (var, value) in [
            ("MINUTES__WEBHOOKS__TIMEOUT_SECS", "0"),
            ("MINUTES__WEBHOOKS__MAX_FAILURES", "0"),
            ("MINUTES__WEBHOOKS__RETRY_INITIAL_MS", "0"),
        ] {
            jail.set_env(var, value);
            let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
            assert!(err.to_string().contains("webhooks."), "{err}");
            jail.set_env(var, "100");
        }
        assert!(Settings::from_figment(Settings::figment("config", "test")).is_ok());
        Ok(())
    });
}

#[test]
fn a_sign_in_provider_comes_from_the_environment_with_its_defaults_and_its_secret_redacted() {
    Jail::expect_with(|jail| {
        write_layers(jail);
        let issuer = "https://sso.example.org/realms/acme";
        jail.set_env("MINUTES__AUTH__OIDC__KEYCLOAK__ISSUER", issuer);
        jail.set_env("MINUTES__AUTH__OIDC__KEYCLOAK__CLIENT_ID", "minutes");
        jail.set_env(
            "MINUTES__AUTH__OIDC__KEYCLOAK__CLIENT_SECRET",
            "s3cret-value",
        );
        let figment = Settings::figment("config", "test");
        let s = Settings::from_figment(figment.clone()).unwrap();
        let keycloak = &s.auth.oidc["keycloak"];
        assert_eq!(keycloak.issuer, issuer);
        assert_eq!(keycloak.scopes, ["openid", "email", "profile"]);
        assert_eq!(keycloak.username_claim, "preferred_username");
        assert!(!keycloak.allow_signup, "sign-up is off unless asked for");
        assert_eq!(keycloak.display_name("keycloak"), "keycloak");
        let shown = describe(&figment).unwrap();
        assert!(
            shown.contains("auth.oidc.keycloak.client_secret = \"<redacted>\""),
            "{shown}"
        );
        assert!(!shown.contains("s3cret-value"));

        jail.set_env("MINUTES__AUTH__OIDC__KEYCLOAK__ADMIN_CLAIM", "groups");
        let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
        assert!(
            err.to_string().contains("auth.oidc.keycloak.admin_values"),
            "{err}"
        );
        Ok(())
    });
}
