// 09_microtasks_after_each_timer: the microtask queue is drained after
// every timer callback, including the microtasks those microtasks queue,
// before the next timer runs.
//
// Why Node guarantees it: between two timer callbacks Node runs its
// process.nextTick queue and then V8's microtask queue until both are
// empty (runNextTicks).  queueMicrotask and Promise reactions share that
// one FIFO queue: m1 and p are queued by A in that order, m2 by m1 (behind
// p), m3 by m2.  A and B are in the same 5 ms list, A first.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout A');
    queueMicrotask(() => {
        console.log('micro m1 (queued by A)');
        queueMicrotask(() => {
            console.log('micro m2 (queued by m1)');
            Promise.resolve().then(() => console.log('micro m3 (queued by m2)'));
        });
    });
    Promise.resolve().then(() => console.log('micro p (queued by A)'));
}, 5);
setTimeout(() => {
    console.log('timeout B');
    queueMicrotask(() => console.log('micro after B'));
}, 5);
