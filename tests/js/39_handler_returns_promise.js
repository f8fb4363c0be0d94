// 39_handler_returns_promise: a then handler that returns a promise delays
// its chain by two microtask turns against a plain chain, even when the
// returned promise is already fulfilled.
//
// Why Node guarantees it: the derived promise is resolved with a thenable,
// so the resolve function enqueues a NewPromiseResolveThenableJob (turn 2)
// instead of fulfilling it; that job calls the returned promise's then(),
// which, the promise being fulfilled, enqueues a PromiseReactionJob
// (turn 3) that finally fulfils the derived promise; a2 then runs in
// turn 4, next to b4, where a plain chain would have run it in turn 2.
// c1 returns a plain value and goes on at the normal pace.  All of it runs
// in the check phase, before immediate B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setImmediate(() => {
    console.log('immediate A');
    Promise.resolve()
        .then(() => {
            console.log('a1 returns a fulfilled promise');
            return Promise.resolve('x');
        })
        .then((v) => console.log(`a2 ${v}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'))
        .then(() => console.log('b5'));
    Promise.resolve()
        .then(() => {
            console.log('c1 returns a plain value');
            return 'y';
        })
        .then((v) => console.log(`c2 ${v}`));
});
setImmediate(() => console.log('immediate B'));
