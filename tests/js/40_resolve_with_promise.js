// 40_resolve_with_promise: resolving a promise with another promise adopts
// it two microtask turns after that promise is fulfilled; Promise.resolve()
// of a promise is that very promise, with no delay.
//
// Why Node guarantees it: the resolve function, given a thenable, enqueues
// a NewPromiseResolveThenableJob (turn 1), which calls inner.then(); inner
// being fulfilled, that enqueues a PromiseReactionJob (turn 2) that fulfils
// `outer`, whose then handler runs in turn 3.  For `late`, whose promise is
// still pending, the job's then() only registers; `pending` is fulfilled
// by tick 2, which enqueues the reaction (turn 3), so late's handler runs
// in turn 4.  A plain value fulfils at once (handler in turn 1), and
// Promise.resolve(inner) returns inner itself (PromiseResolve checks the
// constructor), so its handler also runs in turn 1.  The ticks are a
// queueMicrotask chain counting turns.  Timeout B comes after the drain.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

function tick(n, last, then) {
    queueMicrotask(() => {
        console.log(`tick ${n}`);
        if (then)
            then(n);
        if (n < last)
            tick(n + 1, last, then);
    });
}

setTimeout(() => {
    console.log('timeout A');
    const inner = Promise.resolve('inner');
    let resolvePending;
    const pending = new Promise((r) => { resolvePending = r; });
    const outer = new Promise((resolve) => resolve(inner));
    const late = new Promise((resolve) => resolve(pending));
    const plain = new Promise((resolve) => resolve('plain'));
    const same = Promise.resolve(inner);
    console.log(`Promise.resolve(inner) is inner: ${same === inner}`);
    tick(1, 5, (n) => {
        if (n === 2)
            resolvePending('pending');
    });
    outer.then((v) => console.log(`outer then ${v}`));
    late.then((v) => console.log(`late then ${v}`));
    plain.then((v) => console.log(`plain then ${v}`));
    same.then((v) => console.log(`same then ${v}`));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
