// 29_zero_interval: setInterval(fn, 0) repeats every 1 ms, once per timers
// pass; an immediate and a timeout armed by its first call run before its
// second call, the immediate first.
//
// Why Node guarantees it: 0 becomes 1 ms.  The interval is re-armed after
// its call returns, with a start time inside the pass, so it never runs
// twice in one pass.  The immediate runs in the check phase that follows
// the pass.  T is appended to the 1 ms list during call 1, before the
// interval re-appends itself, so T runs first in the next pass.
process.on('exit', () => console.log('exit'));

let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval call ${n}`);
    if (n === 1) {
        setImmediate(() => console.log('immediate M (armed by call 1)'));
        setTimeout(() => console.log('timeout T (armed by call 1)'), 0);
    } else if (n === 3) {
        clearInterval(tick);
    }
}, 0);
