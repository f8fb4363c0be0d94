// 50_nested_then: a then() made inside a handler is queued behind what is
// already queued but ahead of the outer chain's next step; an inner chain
// returned by the handler holds the outer chain back until it is done,
// plus the two adoption turns.
//
// Why Node guarantees it: in turn 1, `outer 1` calls then() on a fulfilled
// promise, which queues `inner 1` at once; `outer 2` is queued only when
// `outer 1` returns (its derived promise is fulfilled then), so it comes
// after `inner 1`; then the chains alternate.  `ret 1` returns the
// promise of its inner chain (inner 2 runs in turn 3), so `ret 2` waits
// for it: NewPromiseResolveThenableJob in turn 2 registers on the
// still-pending inner promise, its fulfilment (turn 3) queues the
// reaction (turn 4) that fulfils the outer derived promise, and `ret 2`
// runs in turn 5.  All before immediate B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setImmediate(() => {
    console.log('immediate A');
    Promise.resolve()
        .then(() => {
            console.log('outer 1');
            Promise.resolve()
                .then(() => console.log('inner 1'))
                .then(() => console.log('inner 2'));
        })
        .then(() => console.log('outer 2'))
        .then(() => console.log('outer 3'));
    Promise.resolve()
        .then(() => {
            console.log('ret 1 returns its inner chain');
            return Promise.resolve()
                .then(() => console.log('ret inner 1'))
                .then(() => {
                    console.log('ret inner 2');
                    return 'done';
                });
        })
        .then((v) => console.log(`ret 2 ${v}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'))
        .then(() => console.log('b5'))
        .then(() => console.log('b6'));
});
setImmediate(() => console.log('immediate B'));
