# Shared PostgreSQL bootstrap for scripts/run and scripts/test (sourced, not run).
# Finds or installs the server binaries and starts a throwaway cluster.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        die "need root to run: $* (install it by hand or run as root)"
    fi
}

# Puts initdb/pg_ctl on PATH, installing Debian's postgresql package if absent.
pg_binaries() {
    local dir
    if ! command -v initdb >/dev/null || ! command -v pg_ctl >/dev/null; then
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        if [ -z "$dir" ]; then
            log "installing PostgreSQL (Debian package postgresql)"
            as_root apt-get update -qq
            DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql postgresql-client >/dev/null
            dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
        fi
        export PATH="$dir:$PATH"
    fi
    command -v psql >/dev/null || die "psql not found after installing postgresql"
}

# Runs a command as the cluster's owner: root may not run PostgreSQL itself.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        runuser -u postgres -- env PATH="$PATH" "$@"
    else
        "$@"
    fi
}

# Starts (initialising if needed) a cluster in $1 listening on 127.0.0.1:$2.
# Trust auth on loopback only; the socket lives inside the cluster directory.
pg_start_cluster() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" || die "$dir is not writable by the postgres user"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        log "initialising a PostgreSQL cluster in $dir"
        as_pg initdb -D "$dir" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    fi
    log "starting PostgreSQL on 127.0.0.1:$port"
    as_pg pg_ctl -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop_cluster() {
    as_pg pg_ctl -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

# Creates database $2 on server URL $1 (a URL of any database there) if missing.
pg_create_db() {
    local url=$1 name=$2
    if ! psql "$url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
        psql "$url" -qc "CREATE DATABASE \"$name\"" >/dev/null
    fi
}

# Creates the database a URL names, when its server answers and it is missing.
pg_ensure_db() {
    local url=$1
    pg_create_db "$(with_db "$url" postgres)" "$(basename "${url%%\?*}")"
}

# URL $1 with its database name replaced by $2.
with_db() {
    printf '%s' "$1" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$2#"
}
