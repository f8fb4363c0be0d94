#!/usr/bin/env bash
# tools/bench/callgrind.sh -- instructions per operation of one benchmark.
#
#   tools/bench/callgrind.sh [-b BINARY] [-f] [-k DIR] BENCH [N1] [N2]
#
# Runs `BINARY BENCH N` under valgrind --tool=callgrind twice, with N1 and
# N2 operations (default 100000 and 200000), reads the total instruction
# count of each run from the "totals:" line of the callgrind output, and
# prints
#
#     instructions/op = (I2 - I1) / (N2 - N1)
#
# so that everything a run does once (process start-up, loop init, printf)
# cancels out and only the per-operation cost is left.  Instruction counts
# do not depend on the machine's load, which makes them the figure to
# compare between commits; the ns figures of bench_core are not.
#
#   -b BINARY  bench_core to run (default: $BENCH_CORE, else
#              build/release/tools/bench/bench_core under the repository).
#              This script builds nothing.
#   -f         also print, per function, the instructions/op it accounts
#              for (self cost, and inclusive cost), by the same difference
#              of two runs, from callgrind_annotate.  Static functions are
#              usually inlined at -O3 and then count as part of their
#              caller.  For per-line costs, build with -g (e.g.
#              -DCMAKE_C_FLAGS=-g: the code is the same), keep the files
#              with -k and run callgrind_annotate --auto=yes on one.
#   -s         also print, per source file, the instructions/op executed
#              from it (self cost, by the same difference of two runs), and
#              split them into pawl's executor (src/ and the inline wake of
#              include/pawl/loop.h), pawl's task macros (task.h, pt.h:
#              resume and await code inlined into the task) and the
#              benchmark's own code.  Needs a binary built with -g (the code
#              is the same; tools/bench/run.sh builds that way), since
#              without line tables inlined code cannot be attributed.
#   -k DIR     keep the callgrind output files in DIR (default: a temporary
#              directory, removed at exit).
#
# BENCH is one of bench_core's benchmarks: pingpong, yield, spawn, spawn1,
# remote.
#
# remote is multithreaded.  Callgrind runs one thread at a time, so the
# producer rings many times in a row while the loop thread is not running,
# and nearly every ring coalesces into the one before it.  Counting the
# whole program would also count the producer's start-up spin and the
# loop thread's wake-ups, whose number depends on scheduling.  So for
# remote only the producer's measured loop is counted
# (--toggle-collect='ring_loop*'): the result is the instructions of one
# pawl_wake_remote call as the producer sees it, mostly the coalesced fast
# path (the "deliveries" printed for each run say how many rings took the
# slow path: push + eventfd write, whose kernel time callgrind does not
# see).
#
# The last line is machine-readable:
#     callgrind: BENCH instructions/op VALUE
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

bin=${BENCH_CORE:-$repo/build/release/tools/bench/bench_core}
per_function=0
per_file=0
keep=""

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 2
}

while getopts "b:fsk:h" opt; do
    case $opt in
    b) bin=$OPTARG ;;
    f) per_function=1 ;;
    s) per_file=1 ;;
    k) keep=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 3 ] || usage

bench=$1
n1=${2:-100000}
n2=${3:-200000}

case $bench in
pingpong | yield | spawn | spawn1 | remote) ;;
*) echo "callgrind.sh: unknown benchmark '$bench'" >&2; exit 2 ;;
esac
case "$n1$n2" in
*[!0-9]*) echo "callgrind.sh: N1 and N2 must be integers" >&2; exit 2 ;;
esac
if [ "$n2" -le "$n1" ]; then
    echo "callgrind.sh: N2 ($n2) must be larger than N1 ($n1)" >&2
    exit 2
fi
if [ ! -x "$bin" ]; then
    echo "callgrind.sh: no benchmark binary at $bin (build it, or pass -b)" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found" >&2; exit 2; }

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    out=$(cd "$keep" && pwd)
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/pawl-callgrind.XXXXXX")
    trap 'rm -rf "$out"' EXIT
fi

vg_opts=(--tool=callgrind)
if [ "$bench" = remote ]; then
    vg_opts+=(--collect-atstart=no '--toggle-collect=ring_loop*')
fi

# totals FILE: the total instruction count recorded in a callgrind file.
totals() {
    local t
    t=$(awk '$1 == "totals:" { print $2; exit }' "$1")
    [ -n "$t" ] || t=$(awk '$1 == "summary:" { print $2; exit }' "$1")
    [ -n "$t" ] || { echo "callgrind.sh: no totals in $1" >&2; exit 1; }
    echo "$t"
}

# run N: run the benchmark under callgrind; prints the instruction total.
run() {
    local n=$1 file="$out/callgrind.out.$bench.$1"
    if ! valgrind "${vg_opts[@]}" --callgrind-out-file="$file" "$bin" "$bench" "$n" \
        >"$out/stdout.$n" 2>"$out/stderr.$n"; then
        echo "callgrind.sh: '$bin $bench $n' failed under valgrind:" >&2
        cat "$out/stderr.$n" >&2
        exit 1
    fi
    totals "$file"
}

i1=$(run "$n1")
i2=$(run "$n2")
if [ "$i1" = 0 ] || [ "$i2" = 0 ]; then
    echo "callgrind.sh: nothing was counted (for remote: is ring_loop in $bin?)" >&2
    exit 1
fi

# The benchmark's own line for each run (it shows deliveries for remote).
for n in "$n1" "$n2"; do
    grep -E "^$bench:" "$out/stdout.$n" | sed "s/^/  [valgrind, N=$n] /"
done

per_op=$(awk -v a="$i1" -v b="$i2" -v n1="$n1" -v n2="$n2" \
    'BEGIN { printf "%.2f", (b - a) / (n2 - n1) }')
printf '%s: N1=%s I1=%s  N2=%s I2=%s  ->  %s instructions/op\n' \
    "$bench" "$n1" "$i1" "$n2" "$i2" "$per_op"

if [ "$per_function" = 1 ]; then
    command -v callgrind_annotate >/dev/null ||
        { echo "callgrind.sh: callgrind_annotate not found" >&2; exit 2; }
    # One "count<TAB>function" line per function of a callgrind file.
    # With -g, callgrind_annotate splits a function by the file each
    # instruction came from (code inlined from a header counts under the
    # header): the file is dropped here, and the parts are added up (self
    # cost) or the largest is kept (inclusive cost, where each part already
    # covers the callees).
    per_fn() { # FILE INCLUSIVE
        callgrind_annotate --auto=no --threshold=100 --inclusive="$2" "$1" 2>/dev/null |
            awk -v inclusive="$2" '
                /^-+$/ { rule++; next }
                rule >= 5 && $2 ~ /^\(/ && $0 !~ /PROGRAM TOTALS/ {
                    n = $1; gsub(",", "", n); n += 0
                    f = $0
                    sub(/^[ \t]*[0-9,]+[ \t]+\([ 0-9.]+%\)[ \t]+/, "", f)
                    sub(/ \[.*\]$/, "", f)
                    sub(/ \([0-9]+x\)$/, "", f)
                    sub(/^.*:/, "", f)
                    # start-up frames that every function is inside of
                    if (f ~ /\(below main\)|^__libc_start|^0x[0-9a-f]+$|^start_thread$|^clone3?$/)
                        next
                    if (inclusive == "yes") { if (n > c[f]) c[f] = n }
                    else c[f] += n
                }
                END { for (f in c) print c[f] "\t" f }'
    }
    # diff_fn INCLUSIVE: per-op difference between the two runs.
    diff_fn() {
        awk -F'\t' -v n1="$n1" -v n2="$n2" '
            FNR == NR { a[$2] = $1; next }
            { d = ($1 - a[$2]) / (n2 - n1); if (d >= 0.05) printf "%10.2f  %s\n", d, $2 }
        ' <(per_fn "$out/callgrind.out.$bench.$n1" "$1") \
          <(per_fn "$out/callgrind.out.$bench.$n2" "$1") | sort -rn
    }
    echo "per function, self (instructions/op):"
    diff_fn no
    echo "per function, inclusive (instructions/op):"
    diff_fn yes
fi

if [ "$per_file" = 1 ]; then
    command -v callgrind_annotate >/dev/null ||
        { echo "callgrind.sh: callgrind_annotate not found" >&2; exit 2; }
    # One "count<TAB>file" line per source file (self cost).
    per_src() {
        callgrind_annotate --auto=no --threshold=100 --inclusive=no "$1" 2>/dev/null |
            awk '
                /^-+$/ { rule++; next }
                rule >= 5 && $2 ~ /^\(/ && $0 !~ /PROGRAM TOTALS/ {
                    n = $1; gsub(",", "", n); n += 0
                    f = $0
                    sub(/^[ \t]*[0-9,]+[ \t]+\([ 0-9.]+%\)[ \t]+/, "", f)
                    sub(/ \[.*\]$/, "", f)
                    sub(/:[^:]*$/, "", f)
                    c[f] += n
                }
                END { for (f in c) print c[f] "\t" f }'
    }
    echo "per source file, self (instructions/op):"
    files=$(awk -F'\t' -v n1="$n1" -v n2="$n2" -v repo="$repo/" '
        FNR == NR { a[$2] = $1; next }
        {
            d = ($1 - a[$2]) / (n2 - n1)
            f = $2; sub("^" repo, "", f)
            if (d >= 0.005 || d <= -0.005) printf "%10.2f  %s\n", d, f
        }
    ' <(per_src "$out/callgrind.out.$bench.$n1") <(per_src "$out/callgrind.out.$bench.$n2") |
        sort -rn)
    echo "$files"
    awk '{
            d = $1; f = $2
            if (f ~ /^src\// || f == "include/pawl/loop.h") ex += d
            else if (f == "include/pawl/task.h" || f == "include/pawl/pt.h") mac += d
            else if (f ~ /^tools\/bench\//) own += d
            else other += d
        }
        END {
            printf "  pawl executor (src/, include/pawl/loop.h): %.2f\n", ex
            printf "  pawl task macros (include/pawl/task.h, pt.h): %.2f\n", mac
            printf "  the benchmark'"'"'s own code (tools/bench/): %.2f\n", own
            printf "  everything else: %.2f\n", other
        }' <<<"$files"
fi

echo "callgrind: $bench instructions/op $per_op"
