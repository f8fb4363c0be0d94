// 33_interval_cleared_by_its_microtask: an interval cleared by a microtask
// that its own callback queued runs once; the timer behind it in the same
// pass still runs, after the microtask.
//
// Why Node guarantees it: Node re-arms the interval as its callback
// returns, then drains microtasks before the next timer, so the microtask
// finds the interval armed and clears it.  I and T share the 5 ms list,
// I first.
process.on('exit', () => console.log('exit'));

const tick = setInterval(() => {
    console.log('interval I call 1');
    queueMicrotask(() => {
        console.log('micro after I: clears I');
        clearInterval(tick);
    });
}, 5);
setTimeout(() => console.log('timeout T'), 5);
