# What building the service needs besides Rust (sourced after
# scripts/lib/pg.sh, which defines log and as_root): the passkey crate
# (webauthn-rs) links OpenSSL, found through pkg-config.

need_build_deps() {
    if ! command -v pkg-config >/dev/null || ! pkg-config --exists openssl; then
        log "installing the OpenSSL headers (Debian packages libssl-dev pkg-config)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq libssl-dev pkg-config >/dev/null
    fi
}
