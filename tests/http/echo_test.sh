#!/usr/bin/env bash
# tests/http/echo_test.sh -- examples/echo with examples/client:
#
#   echo_test.sh ECHO_SERVER CLIENT HTTP_SERVER
#
# A line goes out and comes back; the server's descriptors return to
# their count; SIGTERM with a connection open makes it exit with 0; and
# the client then reports the refused connection with a non-zero status.
# Last, the client's reply timeout, against a server that never answers
# what it sends: examples/http, given the start of a request.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 ECHO_SERVER CLIENT HTTP_SERVER" >&2; exit 2; }
server=$1 client=$2 http=$3
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

start_server "$server" 0
got=$("$client" "$port" "hello pawl, from the client")
[ "$got" = "hello pawl, from the client" ] || fail "echo: got '$got'"
ok "a line went out and came back"
got=$("$client" --host 127.0.0.1 --timeout 5000 "$port" "second")
[ "$got" = "second" ] || fail "echo: got '$got'"
ok "and another, on a new connection"
expect_baseline "echo"
the_port=$port
stop_server ""

rc=0
"$client" "$the_port" "anyone?" >"$tmp/refused" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "the client exited with 0 with no server"
grep -qi 'refused' "$tmp/refused" || fail "no clear message: $(cat "$tmp/refused")"
ok "with the server gone: exit $rc, '$(cat "$tmp/refused")'"

# "GET / HTTP/1.1\r" and the client's newline: a request line, and then
# nothing; the server waits for the rest (for 5 s), the client for 300 ms.
start_server "$http" 0
rc=0
"$client" --timeout 300 "$port" $'GET / HTTP/1.1\r' >"$tmp/silent" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "the client exited with 0 with no reply"
grep -q 'timed out' "$tmp/silent" || fail "no clear message: $(cat "$tmp/silent")"
ok "with no reply: exit $rc, '$(cat "$tmp/silent")'"
expect_baseline "client timeout"
stop_server
