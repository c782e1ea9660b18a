# A watchdog for a test run, sourced by scripts/test. No test takes more than a couple of minutes,
# so a run that prints nothing for much longer is stuck: the watchdog then prints the last test
# started and every thread's backtrace of the test process (gdb, names demangled), and kills it,
# so the run ends failed, with the evidence, instead of holding CI until its time limit.

# watch_for_silence LOG SECONDS PATTERN RUNNER: watches LOG; when it has not grown for SECONDS, acts
# on the test process, whose command line matches PATTERN (pgrep -f). When that has ended and the
# run (RUNNER, e.g. `swift-test`) still waits, something it started holds the output open: the
# watchdog lists the processes left and ends the runner.
watch_for_silence() {
    local log=$1 limit=$2 pattern=$3 runner=$4 age pid
    while sleep 15; do
        [ -f "$log" ] || continue
        age=$(( $(date +%s) - $(stat -c %Y "$log") ))
        [ "$age" -ge "$limit" ] || continue
        pid=$(pgrep -f "$pattern" | head -n 1)
        if [ -z "$pid" ]; then
            pid=$(pgrep -f "$runner" | head -n 1)
            [ -n "$pid" ] || continue
            {
                echo
                echo "== watchdog: the tests have ended but the run still waits after ${age} s; the processes left:"
                ps -eo pid,ppid,etime,args --forest | cut -c1-200
            } >&2
            kill "$pid"
            return 0
        fi
        {
            echo
            echo "== watchdog: the tests have printed nothing for ${age} s; the last test started:"
            grep -a "' started at" "$log" | tail -n 1
            echo "== watchdog: every thread of the test process ($pid), then it is killed:"
            if command -v gdb >/dev/null; then
                timeout 300 gdb -p "$pid" -batch -ex "set pagination off" -ex "thread apply all bt 40" 2>/dev/null |
                    grep -E '^(Thread|#)' | swift demangle --simplified | cut -c1-300
            else
                echo "(gdb is not installed: ./scripts/setup --test installs it)"
            fi
        } >&2
        kill -9 "$pid"
        return 0
    done
}
