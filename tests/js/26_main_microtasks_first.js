// 26_main_microtasks_first: microtasks queued by the main program run when
// it ends, before any timer, including the microtasks they queue.
//
// Why Node guarantees it: after the main script Node drains the nextTick
// and microtask queues before the event loop starts, so nothing of the
// loop (not even a timer already due) can come between.
process.on('exit', () => console.log('exit'));

setTimeout(() => console.log('timeout 1 ms'), 1);
queueMicrotask(() => {
    console.log('micro m1');
    queueMicrotask(() => console.log('micro m2 (queued by m1)'));
});
Promise.resolve().then(() => console.log('micro p'));
console.log('main end');
