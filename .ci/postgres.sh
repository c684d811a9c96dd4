#!/usr/bin/env bash
# A throw-away PostgreSQL server for the store tests, on 127.0.0.1 with trust authentication.
#
#   eval "$(.ci/postgres.sh start)"   # prints: export ORBITWATCH_TEST_PG_URL=postgresql+psycopg://...
#   .ci/postgres.sh stop              # stops it and removes its data directory
#
# start installs Debian's server (apt-get install -y postgresql) only when no initdb is found on
# PATH or in /usr/lib/postgresql/*/bin. As root, the server runs as the "postgres" system user
# (created if missing), since PostgreSQL refuses to run as root. The state (data directory, port,
# binaries, user) is kept in $ORBITWATCH_PG_STATE (default: ${TMPDIR:-/tmp}/orbitwatch-postgres.state).
# Messages go to stderr; stdout carries only the export line.
set -euo pipefail

STATE_FILE="${ORBITWATCH_PG_STATE:-${TMPDIR:-/tmp}/orbitwatch-postgres.state}"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
    local initdb
    if initdb="$(command -v initdb 2>/dev/null)"; then
        dirname "$(readlink -f "$initdb")"
        return 0
    fi
    initdb="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V -r | head -n 1)"
    [ -x "$initdb" ] || return 1
    dirname "$initdb"
}

ensure_bindir() {
    local bindir
    if bindir="$(find_bindir)"; then
        printf '%s\n' "$bindir"
        return 0
    fi
    log "no initdb found; installing Debian's postgresql package"
    [ "$(id -u)" -eq 0 ] || die "installing postgresql needs root; install it and rerun"
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2; }
    find_bindir || die "postgresql was installed but no initdb was found"
}

# The user the server runs as: the caller, or "postgres" when the caller is root.
server_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
        return 0
    fi
    if ! id postgres >/dev/null 2>&1; then
        log "creating the postgres system user"
        useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres
    fi
    printf 'postgres\n'
}

# Run a command as the server user.
as_user() {
    local user="$1"
    shift
    if [ "$user" = "$(id -un)" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- "$@"
    else
        su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
    fi
}

free_port() {
    local python
    python="$(command -v python3 || command -v python)" || die "python3 is needed to pick a free port"
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

print_url() {
    printf 'export ORBITWATCH_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:%s/postgres\n' "$1"
}

start() {
    if [ -f "$STATE_FILE" ]; then
        # shellcheck source=/dev/null
        . "$STATE_FILE"
        if as_user "$PG_USER" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
            log "already running (state in $STATE_FILE)"
            print_url "$PG_PORT"
            return 0
        fi
        log "stale state file $STATE_FILE (server not running); starting a new server"
        rm -rf "$PG_DIR" "$STATE_FILE"
    fi
    local bindir user dir port
    bindir="$(ensure_bindir)"
    [ -x "$bindir/pg_ctl" ] || die "no pg_ctl next to initdb in $bindir"
    user="$(server_user)"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/orbitwatch-pg.XXXXXX")"
    chmod 755 "$dir"
    [ "$user" = "$(id -un)" ] || chown "$user" "$dir"
    port="$(free_port)"
    log "initdb in $dir/data ($bindir, as $user)"
    as_user "$user" "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
    printf 'PG_DIR=%q\nPG_BINDIR=%q\nPG_USER=%q\nPG_PORT=%q\n' "$dir" "$bindir" "$user" "$port" >"$STATE_FILE"
    log "starting the server on 127.0.0.1:$port"
    as_user "$user" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { cat "$dir/server.log" >&2; die "the server did not start"; }
    wait_ready "$bindir" "$port"
    print_url "$port"
}

wait_ready() {
    local bindir="$1" port="$2" tries
    for tries in $(seq 1 60); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            return 0
        fi
        sleep 0.5
    done
    die "the server on 127.0.0.1:$port did not become ready after $tries tries"
}

stop() {
    if [ ! -f "$STATE_FILE" ]; then
        log "not running (no state file $STATE_FILE)"
        return 0
    fi
    # shellcheck source=/dev/null
    . "$STATE_FILE"
    if as_user "$PG_USER" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        as_user "$PG_USER" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >&2
    fi
    rm -rf "$PG_DIR" "$STATE_FILE"
    log "stopped; removed $PG_DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) die "usage: $0 start|stop" ;;
esac
