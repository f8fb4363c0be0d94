// 45_all_settled_turns: Promise.allSettled waits for every input,
// fulfilled or rejected, and is fulfilled one turn after the last input's
// reaction; allSettled([]) is fulfilled at once.
//
// Why Node guarantees it: allSettled calls then(onFulfilled, onRejected)
// on each input; both element functions are PromiseReactionJobs, queued at
// once for settled inputs (turn 1), and the last one fulfils the result
// with a plain array (handler in turn 2).  An input rejected by the chain
// r (its handler throws in turn 1) reacts in turn 2, so that result's
// handler runs in turn 3.  With no inputs the result is fulfilled inside
// allSettled (turn 1).  The input rejections count as handled: no
// 'unhandledRejection'.  All of it runs before immediate B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

function show(results) {
    return results.map((x) => (x.status === 'fulfilled' ? `ok:${x.value}` : `err:${x.reason}`)).join(',');
}

setImmediate(() => {
    console.log('immediate A');
    const ok = Promise.resolve('a');
    const bad = Promise.reject('b');
    const later = Promise.resolve().then(() => {
        console.log('r1 throws c');
        throw 'c';
    });
    Promise.allSettled([ok, bad]).then((v) => console.log(`allSettled(settled) ${show(v)}`));
    Promise.allSettled([ok, later]).then((v) => console.log(`allSettled(later) ${show(v)}`));
    Promise.allSettled([]).then((v) => console.log(`allSettled([]) length ${v.length}`));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'));
});
setImmediate(() => console.log('immediate B'));
