// 43_finally_throws: a finally() callback that throws rejects the derived
// promise at once, replacing the original outcome; one that returns a
// rejected promise rejects it after the adoption turns; one that returns a
// fulfilled promise leaves the original rejection in place.
//
// Why Node guarantees it: thenFinally calls the callback first; if it
// throws, the PromiseReactionJob rejects the derived promise in turn 1,
// and f2's handler runs in turn 2.  If it returns a promise, thenFinally
// returns PromiseResolve(C, result).then(valueThunk) (result is that very
// promise): for a rejected result, valueThunk is skipped in turn 2 and the
// returned promise is rejected then; adoption takes the
// NewPromiseResolveThenableJob (turn 2) and the reaction (turn 3), so g2
// runs in turn 4.  h's callback returns a fulfilled promise: the original
// reason 'r' comes through in turn 4 too.  No rejection is unhandled
// (the rejected promise returned by g1 is handled by the then() finally
// calls on it).
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    Promise.resolve('v')
        .finally(() => {
            console.log('f1 finally throws boom');
            throw 'boom';
        })
        .then((v) => console.log(`f2 (not called) ${v}`), (e) => console.log(`f2 rejected ${e}`));
    Promise.resolve('v')
        .finally(() => {
            console.log('g1 finally returns a rejected promise');
            return Promise.reject('bad');
        })
        .catch((e) => console.log(`g2 catch ${e}`));
    Promise.reject('r')
        .finally(() => {
            console.log('h1 finally returns a fulfilled promise');
            return Promise.resolve('ignored');
        })
        .catch((e) => console.log(`h2 catch ${e}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'))
        .then(() => console.log('b5'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
