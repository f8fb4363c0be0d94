// 38_then_settled_vs_pending: then() on a settled promise queues its
// handler at once; then() on a pending promise queues it when the promise
// is resolved, wherever that happens; queueMicrotask queues at once.
//
// Why Node guarantees it: PerformPromiseThen on a fulfilled promise
// enqueues a PromiseReactionJob immediately; on a pending one it only
// appends the reaction to the promise's list, and FulfillPromise
// (TriggerPromiseReactions) enqueues the jobs when resolve() is called.
// So in the timer callback the queue becomes: m1, "then on settled",
// "then on pending p1" (p1 resolved after both), m2.  p2 is resolved by m1,
// during the drain, so its handler goes behind m2.  The queue is drained
// before timeout B (same 5 ms list, armed after A).
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    let resolve1;
    let resolve2;
    const p1 = new Promise((r) => { resolve1 = r; });
    const p2 = new Promise((r) => { resolve2 = r; });
    const settled = Promise.resolve();
    p2.then(() => console.log('then on pending p2 (resolved by m1)'));
    p1.then(() => console.log('then on pending p1 (resolved in A)'));
    queueMicrotask(() => {
        console.log('micro m1: resolves p2');
        resolve2();
    });
    settled.then(() => console.log('then on settled'));
    resolve1();
    queueMicrotask(() => console.log('micro m2'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
