// tools/bench/timers_w4.js -- W4 of tools/bench/timers on Node.js: N
// concurrent async functions, each awaiting one timer promise of a random
// delay of 0 .. 1000 ms, all completing.  Prints peak RSS and CPU time in
// the line format of bench_timers.c.
//
//   node tools/bench/timers_w4.js [N] [promises|wrap]
//
//   promises  await setTimeout(ms) from 'timers/promises' (the default)
//   wrap      await new Promise((r) => setTimeout(r, ms))
//
// The delays come from the same hash of the task's index as bench_timers
// w4 uses, so both sides sleep the same distribution.  Run it in a process
// of its own: maxRSS is the whole process's peak.
'use strict';

const timersPromises = require('timers/promises');

const n = Number(process.argv[2] || 1000000);
const mode = process.argv[3] || 'promises';
if (!Number.isSafeInteger(n) || n < 0 || (mode !== 'promises' && mode !== 'wrap')) {
    console.error('usage: node timers_w4.js [N] [promises|wrap]');
    process.exit(2);
}

// The 32-bit mixer of bench_timers.c's w4_delay (lowbias32), reduced to
// 0 .. 1000 ms.
function delayOf(i) {
    let x = i >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    x ^= x >>> 16;
    return x % 1001;
}

let done = 0;

async function sleeperPromises(ms) {
    await timersPromises.setTimeout(ms);
    done++;
}

async function sleeperWrap(ms) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    done++;
}

const sleeper = mode === 'promises' ? sleeperPromises : sleeperWrap;
const wall0 = process.hrtime.bigint();
for (let i = 0; i < n; i++)
    sleeper(delayOf(i));
const spawned = process.hrtime.bigint();

process.on('exit', () => {
    const wall1 = process.hrtime.bigint();
    const ru = process.resourceUsage();
    if (done !== n) {
        console.error(`timers_w4.js: ${done} of ${n} completed`);
        process.exitCode = 2;
        return;
    }
    const cpuMs = (ru.userCPUTime + ru.systemCPUTime) / 1000;
    // resourceUsage().maxRSS is in kilobytes (KiB, from getrusage).
    console.log(`w4: impl=node-${mode} node=${process.version} tasks=${n} ` +
        `maxrss_kib=${ru.maxRSS} bytes/task=${((ru.maxRSS * 1024) / (n || 1)).toFixed(1)} ` +
        `cpu_ms=${cpuMs.toFixed(1)} cpu_ns/task=${((cpuMs * 1e6) / (n || 1)).toFixed(1)} ` +
        `wall_ms=${(Number(wall1 - wall0) / 1e6).toFixed(1)} ` +
        `spawn_wall_ms=${(Number(spawned - wall0) / 1e6).toFixed(1)}`);
});
