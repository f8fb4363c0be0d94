// 42_finally_passes_value: finally() runs its callback in the same turn
// a then() would, but passes the original value or reason on two turns
// later than a then() chain would.
//
// Why Node guarantees it: Promise.prototype.finally calls then() with
// thenFinally / catchFinally.  thenFinally (turn 1) calls the callback,
// then returns PromiseResolve(C, result).then(valueThunk): that then() is
// on a fulfilled promise, so valueThunk is queued at once (turn 2), and
// returning a promise from the handler enqueues a
// NewPromiseResolveThenableJob (turn 2), whose then() on the now fulfilled
// promise queues the reaction that resolves the derived promise (turn 3);
// f2 runs in turn 4.  catchFinally is the same with a thrower, so g2's
// catch sees 'r' in turn 4 too.  The b chain counts the turns.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    Promise.resolve('v')
        .finally(() => console.log('f1 finally'))
        .then((v) => console.log(`f2 then ${v}`));
    Promise.reject('r')
        .finally(() => console.log('g1 finally'))
        .catch((e) => console.log(`g2 catch ${e}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'))
        .then(() => console.log('b5'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
