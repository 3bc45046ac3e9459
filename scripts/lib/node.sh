# Node.js for the browser tests and the webhook signature verifier
# (sourced after scripts/lib/pg.sh, which defines log and as_root).

need_node() {
    if ! command -v node >/dev/null; then
        log "installing Node.js (Debian packages nodejs npm)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
    fi
}
