# Starts a throwaway localstripe (a fake Stripe from PyPI) on a loopback port for the tests and
# stops it on exit. Sourced by scripts/test; exports EAGLEHURST_TEST_LOCALSTRIPE_URL.
# localstripe keeps its objects in memory and, by default, pickles them to /tmp after each write:
# this instance keeps nothing on disk. It runs on the test Python (.venv-test/, scripts/lib/test-python.sh).

. "$(dirname "${BASH_SOURCE[0]}")/test-python.sh"

start_test_localstripe() {
    local port
    require_test_python localstripe aiohttp || return 1
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    LOCALSTRIPE_LOG=$(mktemp /tmp/eaglehurst-localstripe.XXXXXX)
    "$EAGLEHURST_TEST_PYTHON" -c '
import sys
from aiohttp import web
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
' "$port" >"$LOCALSTRIPE_LOG" 2>&1 &
    LOCALSTRIPE_PID=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/v1/customers" && break
        sleep 0.1
    done
    curl -s -o /dev/null "http://127.0.0.1:$port/v1/customers" || { cat "$LOCALSTRIPE_LOG" >&2; return 1; }
    export EAGLEHURST_TEST_LOCALSTRIPE_URL="http://127.0.0.1:$port"
    echo "test localstripe on 127.0.0.1:$port" >&2
}

stop_test_localstripe() {
    [ -n "${LOCALSTRIPE_PID:-}" ] || return 0
    kill "$LOCALSTRIPE_PID" 2>/dev/null || true
    wait "$LOCALSTRIPE_PID" 2>/dev/null || true
    rm -f "$LOCALSTRIPE_LOG"
    LOCALSTRIPE_PID=
}
