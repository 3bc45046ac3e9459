# A throwaway S3-compatible server for the tests (sourced, not run): moto in
# server mode, installed from PyPI into target/s3-venv on first use.
# Needs pg.sh's log/die/free_port.

MOTO_VERSION=5.2.5
s3_started_pid=

# Installs moto (once), starts it on a free loopback port and exports
# MINUTES_TEST_S3_ENDPOINT for the integration tests.
s3_start() {
    local venv="$PWD/target/s3-venv" port
    if ! "$venv/bin/moto_server" --help >/dev/null 2>&1; then
        log "installing moto[server] $MOTO_VERSION into target/s3-venv (once)"
        python3 -m venv "$venv" >/dev/null || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        "$venv/bin/pip" install -q "moto[server]==$MOTO_VERSION" || die "pip install moto failed"
    fi
    port=$(free_port)
    log "starting moto (S3) on 127.0.0.1:$port"
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$PWD/target/s3-moto.log" 2>&1 &
    s3_started_pid=$!
    for _ in $(seq 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
        kill -0 "$s3_started_pid" 2>/dev/null || { cat "$PWD/target/s3-moto.log" >&2; die "moto did not start"; }
        sleep 0.1
    done
    export MINUTES_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
}

s3_stop() {
    [ -n "$s3_started_pid" ] || return 0
    log "stopping moto"
    kill "$s3_started_pid" 2>/dev/null || true
    wait "$s3_started_pid" 2>/dev/null || true
    s3_started_pid=
}
