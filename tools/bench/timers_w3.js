// tools/bench/timers_w3.js -- W3 of tools/bench/timers on Node.js: K
// intervals of 1 ms (setInterval(cb, 1)) for a window of MS ms; prints the
// callbacks each interval delivered inside the window, in the line format
// of bench_timers.c.
//
//   node tools/bench/timers_w3.js [K] [MS]
//
// Lateness is not reported: Node does not expose the deadline an interval
// callback was due at, so there is nothing public to subtract from the
// time of the call.  Callbacks are counted while less than MS ms have
// passed since the intervals were started (a callback at or after that
// clears its interval and is not counted).
'use strict';

const { performance } = require('perf_hooks');

const k = Number(process.argv[2] || 1000);
const windowMs = Number(process.argv[3] || 1000);
if (!Number.isSafeInteger(k) || k < 1 || !(windowMs > 0)) {
    console.error('usage: node timers_w3.js [K] [MS]');
    process.exit(2);
}

const counts = new Uint32Array(k);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const end = t0 + windowMs;
for (let i = 0; i < k; i++) {
    const iv = setInterval(() => {
        if (performance.now() >= end) {
            clearInterval(iv);
            return;
        }
        counts[i]++;
    }, 1);
}

process.on('exit', () => {
    const cpu = process.cpuUsage(cpu0);
    let total = 0, lo = Infinity, hi = 0;
    for (const c of counts) {
        total += c;
        lo = Math.min(lo, c);
        hi = Math.max(hi, c);
    }
    console.log(`w3: impl=node mode=setInterval node=${process.version} intervals=${k} ` +
        `window_ms=${windowMs} callbacks/interval=${(total / k).toFixed(1)} min=${lo} max=${hi} ` +
        `late_median_us=- late_p99_us=- cpu_ms=${((cpu.user + cpu.system) / 1000).toFixed(1)} ` +
        `wall_ms=${(performance.now() - t0).toFixed(1)}`);
});
