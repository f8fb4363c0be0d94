// 02_different_delays: timeouts and an interval with different delays run
// in deadline order.
//
// Why Node guarantees it: each timer is due at (the time it was armed) +
// (its delay).  They are armed in order of increasing delay, so every
// deadline is strictly later than the one before, whatever time passes
// between the statements; Node runs due timers in order of their deadlines
// (its lists of equal delay sit in a priority queue keyed by the earliest
// deadline).  The interval is the last to be armed and has the longest
// delay, so its later ticks come after all the timeouts.
process.on('exit', () => console.log('exit'));

setTimeout(() => console.log('timeout 1 ms'), 1);
setTimeout(() => console.log('timeout 2 ms'), 2);
setTimeout(() => console.log('timeout 3 ms'), 3);
setTimeout(() => console.log('timeout 10 ms'), 10);
let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval 25 ms, call ${n}`);
    if (n === 3) clearInterval(tick);
}, 25);
