// 41_rejection_passes_through: a rejection passes through then() calls
// that have no rejection handler, one microtask turn per then(), until a
// catch handles it; what catch returns fulfils the rest of the chain; a
// rejection handler that throws rejects the next promise.
//
// Why Node guarantees it: a then() without onRejected uses the "thrower"
// default (PerformPromiseThen), and each PromiseReactionJob rejects the
// derived promise, which queues the next reaction: r1 and r2 are skipped
// in turns 1 and 2, the catch runs in turn 3 and r4 in turn 4, next to
// b4.  s1 (turn 1) throws, so s2's catch runs in turn 2.  No rejection is
// left unhandled, so no 'unhandledRejection'.  All within immediate A's
// drain, before immediate B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setImmediate(() => {
    console.log('immediate A');
    Promise.reject('e1')
        .then(() => console.log('r1 (not called)'))
        .then(() => console.log('r2 (not called)'))
        .catch((e) => {
            console.log(`r3 catch ${e}`);
            return 'recovered';
        })
        .then((v) => console.log(`r4 then ${v}`));
    Promise.reject('e2')
        .then(() => console.log('s1 (not called)'), (e) => {
            console.log(`s1 onRejected ${e}, throws e3`);
            throw 'e3';
        })
        .catch((e) => console.log(`s2 catch ${e}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'))
        .then(() => console.log('b5'));
});
setImmediate(() => console.log('immediate B'));
