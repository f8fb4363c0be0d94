// 59_adoption_chains: adoption through two levels (a promise resolved
// with a promise that is itself resolved with a pending one) costs two
// turns per level once the innermost is fulfilled; adopting a rejected
// promise rejects two turns later and reports only the adopting promise;
// a handler that returns a pending promise waits for it to reject.
//
// Why Node guarantees it: each resolve() with a thenable queues a
// NewPromiseResolveThenableJob (turn 1 here), whose then() registers on
// the adopted promise; `mid` registers on `inner`, `outer` on `mid`.
// tick 1 fulfils `inner`: its reactions are queued in attach order (mid's
// adoption, then `inner then`), mid is fulfilled in turn 2 and queues
// outer's adoption reaction before `mid then`; outer is fulfilled in turn 3
// and `outer then` runs in turn 4.  `rej` adopts an already rejected
// promise: its job (turn 1) queues the reaction (turn 2) that rejects
// `rej`, which has no handler when the queue drains: reported, while the
// adopted promise was handled by the job's then() in time.  `later`,
// returned by ret's handler (turn 1), is rejected by tick 2, before
// anything listens to it; the adoption job of ret's derived promise,
// queued when the handler returned, runs later in that same turn and
// handles it in time; its reaction rejects the derived promise in turn 3,
// and the catch runs in turn 4.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

function tick(n, last, then) {
    queueMicrotask(() => {
        console.log(`tick ${n}`);
        then(n);
        if (n < last)
            tick(n + 1, last, then);
    });
}

setTimeout(() => {
    console.log('timeout A');
    let resolveInner;
    let rejectLater;
    const inner = new Promise((r) => { resolveInner = r; });
    const later = new Promise((_, j) => { rejectLater = j; });
    const mid = new Promise((r) => r(inner));
    const outer = new Promise((r) => r(mid));
    const rej = new Promise((r) => r(Promise.reject('x')));
    tick(1, 6, (n) => {
        if (n === 1)
            resolveInner('in');
        if (n === 2)
            rejectLater('later');
    });
    outer.then((v) => console.log(`outer then ${v}`));
    mid.then((v) => console.log(`mid then ${v}`));
    inner.then((v) => console.log(`inner then ${v}`));
    Promise.resolve()
        .then(() => {
            console.log('ret returns a pending promise');
            return later;
        })
        .catch((e) => console.log(`ret catch ${e}`));
    void rej;
}, 5);
setTimeout(() => console.log('timeout B'), 5);
