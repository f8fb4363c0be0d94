#!/usr/bin/env bash
# tests/http/http_test.sh -- examples/http against real clients, one
# scenario per ctest test:
#
#   http_test.sh SCENARIO HTTP_SERVER HTTP_CLIENT
#
# SCENARIO: keepalive, pipeline, disconnect, slow, backpressure,
# concurrent, malformed, oversize, semantics, threads, poll, uring (see the
# case below).
#
# Each scenario starts the server on port 0 (the port is read from its
# first line), plays its clients (curl, or tests/http/http_client.c), then
# requires the server's descriptors back to their count before the
# scenario (no leaked connection), and stops it with SIGTERM while a
# connection is open: exit status 0, which in the sanitizer builds also
# means no leak and no error report.  Loopback only.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 SCENARIO HTTP_SERVER HTTP_CLIENT" >&2; exit 2; }
scenario=$1 server=$2 client=$3
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
raise_fd_limit

# run_client WHAT ARGS...: the C client; its lines are the checks.
run_client() {
    local what=$1; shift
    if ! "$client" "$@" >"$tmp/client" 2>&1; then
        cat "$tmp/client"
        fail "$what"
    fi
    cat "$tmp/client"
}

need_curl() {
    command -v curl >/dev/null 2>&1 ||
        fail "curl not found (tools/dev test installs it)"
}

# Two requests on one connection, with curl: both bodies, one connect.
curl_keepalive() {
    need_curl
    local url="http://127.0.0.1:$port/" got want
    got=$(curl -s --http1.1 --max-time 10 -w '[%{http_code} %{num_connects}]\n' "$url" "$url")
    want=$'hello from pawl\n[200 1]\nhello from pawl\n[200 0]'
    [ "$got" = "$want" ] || fail "curl keep-alive: got '$got', want '$want'"
    ok "curl: two requests, both answered, on one connection"
}

curl_misc() {
    need_curl
    local url="http://127.0.0.1:$port" got
    got=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$url/nowhere")
    [ "$got" = 404 ] || fail "curl /nowhere: $got, want 404"
    got=$(curl -s --max-time 10 -I -w '%{http_code}' -o /dev/null "$url/")
    [ "$got" = 200 ] || fail "curl -I /: $got, want 200"
    got=$(curl -s --max-time 10 --http1.0 "$url/")
    [ "$got" = "hello from pawl" ] || fail "curl --http1.0 /: '$got'"
    got=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X DELETE "$url/")
    [ "$got" = 405 ] || fail "curl -X DELETE /: $got, want 405"
    ok "curl: 404, HEAD, HTTP/1.0, 405"
}

concurrent() {
    local n=$1
    run_client "concurrent $n" concurrent "$port" "$n" "$pid"
    local held
    held=$(sed -n 's/^server-fds //p' "$tmp/client")
    [ -n "$held" ] && [ "$held" -ge $((baseline + n)) ] ||
        fail "while $n connections were open the server held $held descriptors," \
             "want at least $((baseline + n))"
    ok "the server held all $n connections at once ($held descriptors)"
}

case $scenario in
    keepalive)
        start_server "$server" 0
        curl_keepalive
        curl_misc
        expect_baseline "curl"
        ;;
    pipeline)
        start_server "$server" 0
        run_client pipeline pipeline "$port"
        expect_baseline pipeline
        ;;
    disconnect)
        start_server "$server" 0
        run_client disconnect disconnect "$port"
        expect_baseline disconnect
        ;;
    slow)
        start_server "$server" --request-timeout 300 --idle-timeout 600 0
        run_client slow slow "$port" 300
        expect_baseline "slow client"
        run_client idle idle "$port" 600
        expect_baseline "idle connections"
        ;;
    backpressure)
        # A client that reads slower than it writes, and small socket
        # buffers on both sides: the server's output waits in a pool
        # buffer, its reading pauses, and every answer still comes, in
        # order.
        start_server "$server" --sndbuf 4096 0
        run_client backpressure backpressure "$port" 20000
        expect_baseline backpressure
        ;;
    concurrent)
        start_server "$server" 0
        concurrent 1000
        expect_baseline "1000 connections"
        ;;
    malformed)
        start_server "$server" 0
        run_client malformed malformed "$port"
        expect_baseline malformed
        ;;
    oversize)
        start_server "$server" 0
        run_client oversize oversize "$port"
        expect_baseline oversize
        ;;
    semantics)
        start_server "$server" 0
        run_client semantics semantics "$port"
        expect_baseline semantics
        ;;
    threads)
        # Four loops, four listeners on one port (SO_REUSEPORT).
        start_server "$server" --threads 4 0
        tasks=(/proc/"$pid"/task/*)
        [ "${#tasks[@]}" -ge 5 ] || fail "${#tasks[@]} threads, want 4 workers and main"
        listeners=$(listener_count)
        [ "$listeners" -eq 4 ] || fail "$listeners listening sockets on the port, want 4"
        ok "four threads, four listening sockets on port $port"
        curl_keepalive
        run_client pipeline pipeline "$port"
        concurrent 400
        expect_baseline "four threads"
        ;;
    poll)
        # The portable backend, forced on Linux.
        start_server "$server" --backend poll 0
        grep -q 'backend poll' "$tmp/err" || fail "not on the poll backend: $(cat "$tmp/err")"
        curl_keepalive
        run_client pipeline pipeline "$port"
        run_client malformed malformed "$port"
        concurrent 300
        expect_baseline "poll backend"
        ;;
    uring)
        # The io_uring backend, where the build has it (CMake adds this
        # scenario only then); skipped if the kernel does not allow it.
        skip_if='not supported|not permitted|Function not implemented'
        start_server "$server" --backend uring 0
        grep -q 'backend io_uring' "$tmp/err" || fail "not on io_uring: $(cat "$tmp/err")"
        curl_keepalive
        run_client pipeline pipeline "$port"
        run_client malformed malformed "$port"
        run_client disconnect disconnect "$port"
        concurrent 300
        expect_baseline "io_uring backend"
        ;;
    *)
        echo "unknown scenario: $scenario" >&2
        exit 2
        ;;
esac
if [ "$scenario" = slow ]; then
    # Half a request would meet the 300 ms request timeout; an idle
    # connection (600 ms) is as good a test of the shutdown.
    stop_server ""
else
    stop_server
fi
