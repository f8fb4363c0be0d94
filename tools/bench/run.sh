#!/usr/bin/env bash
# tools/bench/run.sh -- build the benchmarks in release mode, run them, and
# count instructions per operation under callgrind.
#
#   tools/bench/run.sh
#
# Environment (all optional):
#   BENCH_BUILD_DIR  build directory (default: build/bench in the repository)
#   BENCH_N          operations per wall-clock benchmark (default: bench_core's)
#   CG_N1, CG_N2     the two run sizes for callgrind.sh (default 100000, 200000)
#   BENCH_RESULTS    a file to which the figures of the summary are also
#                    appended, one a line: bench<TAB>case<TAB>impl<TAB>
#                    metric<TAB>value<TAB>unit (tools/bench/report.js reads
#                    it; tools/bench/run-all sets it)
#
# Prints what bench_core prints, what callgrind.sh prints, then a table,
# and what tracing costs: pingpong's instructions per hop on
# bench_core_traced (the library compiled with PAWL_TRACE), not recording
# and recording.
# The figures are reported, never judged: the script fails only if a build
# or a run fails, not because something is slow.  The "targets" column
# quotes the goals of the executor work item for comparison.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${BENCH_BUILD_DIR:-$repo/build/bench}
n1=${CG_N1:-100000}
n2=${CG_N2:-200000}

gen=()
if command -v ninja >/dev/null; then
    gen=(-G Ninja)
fi
# -g changes no code, only adds line tables, which callgrind.sh -s needs to
# tell pawl's inlined code (the wake in pawl/loop.h) from the benchmark's.
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_FLAGS=-g -DPAWL_BUILD_TESTS=OFF -DPAWL_BUILD_EXAMPLES=OFF \
        -DPAWL_BUILD_BENCH=ON
else
    cmake "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-g -DPAWL_BUILD_TESTS=OFF \
        -DPAWL_BUILD_EXAMPLES=OFF -DPAWL_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" --target bench_core
bin=$build/tools/bench/bench_core

echo
echo "== $bin all ${BENCH_N:-}"
wall=$("$bin" all ${BENCH_N:+"$BENCH_N"})
echo "$wall"

benches=(pingpong yield spawn spawn1 remote)
declare -A ipo
declare -A exe
for b in "${benches[@]}"; do
    flags=(-b "$bin")
    [ "$b" = remote ] || flags+=(-s) # remote counts one function only
    echo
    echo "== tools/bench/callgrind.sh ${flags[*]} $b $n1 $n2"
    cg=$("$here/callgrind.sh" "${flags[@]}" "$b" "$n1" "$n2")
    echo "$cg"
    ipo[$b]=$(awk '$1 == "callgrind:" { print $4 }' <<<"$cg")
    exe[$b]=$(sed -nE 's/^  pawl executor .*: ([0-9.-]+)$/\1/p' <<<"$cg")
done

# field LINE REGEX: the number just before REGEX in LINE.
field() {
    sed -nE "s|.* ([0-9.]+) $2.*|\\1|p" <<<"$1"
}
line() { grep -E "^$1:" <<<"$wall" || true; }
# result CASE METRIC VALUE UNIT: one line of the BENCH_RESULTS file, if
# set; a figure that is "-" (not measured) is left out.
result() {
    [ -n "${BENCH_RESULTS:-}" ] && [ -n "$3" ] && [ "$3" != - ] || return 0
    printf 'executor\t%s\tpawl\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$BENCH_RESULTS"
}

echo
echo "== summary ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'))"
printf '%-10s %12s %10s %10s %8s   %s\n' benchmark ns/op instr/op executor allocs targets
row() { # NAME UNIT TARGETS
    local l ns allocs
    l=$(line "$1")
    ns=$(field "$l" "$2")
    allocs=$(sed -nE 's/.*allocs ([0-9]+).*/\1/p' <<<"$l")
    printf '%-10s %12s %10s %10s %8s   %s\n' "$1" "${ns:--}" "${ipo[$1]:--}" "${exe[$1]:--}" \
        "${allocs:--}" "$3"
    result "$1" time "${ns:-}" ns/op
    result "$1" instructions "${ipo[$1]:-}" instr/op
    result "$1" "executor instructions" "${exe[$1]:-}" instr/op
    result "$1" allocations "${allocs:-}" "allocs in the run"
}
echo "(executor: instructions/op executed from src/ and the inline wake of include/pawl/loop.h;"
echo " instr/op adds the benchmark tasks' own code and the await macros)"
row pingpong "ns/hop" "<= 10 ns/hop, <= 50 instr/hop (wake -> poll), 0 allocs"
row yield "ns/yield" "(one task yielding: tokio publishes ~73 ns)"
row spawn "ns/task" "<= 100 instr/task, 0 allocs"
row spawn1 "ns/task" "(spawn + a whole pawl_loop_run per task: for comparison)"
row remote "ns/ring" "(producer's view; under callgrind nearly every ring coalesces)"

# What tracing costs (pawl/trace.h): pingpong again on bench_core_traced,
# the library compiled with PAWL_TRACE, not recording and then recording
# into a ring.  Off is the pingpong row above: without PAWL_TRACE the
# objects are the same bytes as a build that never had tracing.
cmake --build "$build" --target bench_core_traced >/dev/null
tbin=$build/tools/bench/bench_core_traced
declare -A tr
for mode in in rec; do
    rec=()
    [ "$mode" = rec ] && rec=(BENCH_TRACE_RECORD=1)
    cg=$(env "${rec[@]}" "$here/callgrind.sh" -b "$tbin" pingpong "$n1" "$n2")
    tr[$mode]=$(awk '$1 == "callgrind:" { print $4 }' <<<"$cg")
done
printf '%-10s pingpong instr/hop: off %s, compiled in (not recording) %s, recording %s\n' \
    tracing "${ipo[pingpong]:--}" "${tr[in]:--}" "${tr[rec]:--}"
trace_result() { # IMPL VALUE
    [ -n "${BENCH_RESULTS:-}" ] && [ -n "$2" ] && [ "$2" != - ] || return 0
    printf 'executor\ttracing: pingpong\t%s\tinstructions\t%s\tinstr/op\n' "$1" "$2" \
        >>"$BENCH_RESULTS"
}
trace_result pawl "${ipo[pingpong]:-}"
trace_result pawl-trace-compiled-in "${tr[in]:-}"
trace_result pawl-trace-recording "${tr[rec]:-}"

sizes=$(grep -E '^sizes:' <<<"$wall")
task_size=$(sed -nE 's/.*pawl_task ([0-9]+).*/\1/p' <<<"$sizes")
printf '%-10s %s   (target: sizeof(pawl_task) <= 32 on x86-64; pawl_task is %s)\n' \
    sizes "${sizes#sizes: }" "$task_size"
result "sizes: pawl_task" "sizeof" "${task_size:-}" bytes
