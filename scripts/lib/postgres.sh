# Starts a throwaway PostgreSQL cluster for the tests and removes it on exit.
# Sourced by scripts/test; exports EAGLEHURST_TEST_POSTGRES_URL.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || { echo "PostgreSQL is not installed (run ./scripts/setup --test)" >&2; return 1; }
    echo "$dir"
}

start_test_postgres() {
    local bin port run
    bin=$(pg_bin)
    PG_TEST_DIR=$(mktemp -d /tmp/eaglehurst-pg.XXXXXX)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    run=()
    if [ "$(id -u)" -eq 0 ]; then
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        chown postgres "$PG_TEST_DIR"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U eaglehurst --auth=trust -E UTF8 --no-locale >"$PG_TEST_DIR/initdb.log" 2>&1 \
        || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
        -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
    PG_TEST_RUN=("${run[@]}")
    PG_TEST_BIN=$bin
    export EAGLEHURST_TEST_POSTGRES_URL="postgres://eaglehurst@127.0.0.1:$port/postgres?tlsmode=disable"
    echo "test PostgreSQL on 127.0.0.1:$port ($PG_TEST_DIR)" >&2
}

stop_test_postgres() {
    [ -n "${PG_TEST_DIR:-}" ] || return 0
    "${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
    PG_TEST_DIR=
}
