# The Python that runs the test tools: .venv-test/bin/python of this checkout, which
# `./scripts/setup --test` makes from scripts/requirements-test.txt, unless EAGLEHURST_TEST_PYTHON
# names another. Sourced by scripts/test, scripts/schemathesis and scripts/lib/localstripe.sh;
# exported, so the Swift tests start their peers (aiosmtpd, moto) with it too.
EAGLEHURST_TEST_PYTHON=${EAGLEHURST_TEST_PYTHON:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.venv-test/bin/python}
export EAGLEHURST_TEST_PYTHON

# require_test_python MODULE…: fails with one line naming the fix when a module is missing.
require_test_python() {
    local module
    if [ ! -x "$EAGLEHURST_TEST_PYTHON" ]; then
        echo "no test Python at $EAGLEHURST_TEST_PYTHON: run ./scripts/setup --test" >&2
        return 1
    fi
    for module in "$@"; do
        "$EAGLEHURST_TEST_PYTHON" -c "import $module" 2>/dev/null || {
            echo "$module is not installed for $EAGLEHURST_TEST_PYTHON: run ./scripts/setup --test" >&2
            return 1
        }
    done
}
