// 44_all_turns: Promise.all over fulfilled promises is fulfilled in the
// turn after its inputs' reactions run, so its handler runs one turn later
// than a then() on an input; all([]) is fulfilled at once; a rejected
// input rejects it in the first turn; one pending input resolved by a
// later timer fulfils it in that timer's drain.
//
// Why Node guarantees it: Promise.all calls then() on each input (they are
// native promises, so PromiseResolve returns them unchanged).  On a
// fulfilled input the resolve-element function is a PromiseReactionJob
// queued at once (turn 1); the last one fulfils the result with a plain
// array, which queues its handler (turn 2).  With no input the result is
// fulfilled inside Promise.all (handler in turn 1).  The reject function
// of the capability is the onRejected of each then(), so the rejection
// arrives in turn 1 and its catch runs in turn 2.  `p3` is resolved by
// timeout C: its resolve-element job runs in C's drain, then the handler,
// both before timeout D (same 10 ms list, armed after C).
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

let resolve3;
setTimeout(() => {
    console.log('timeout A');
    const r1 = Promise.resolve('a');
    const r2 = Promise.resolve('b');
    const p3 = new Promise((r) => { resolve3 = r; });
    Promise.all([r1, r2]).then((v) => console.log(`all(fulfilled) ${v}`));
    Promise.all([]).then((v) => console.log(`all([]) length ${v.length}`));
    Promise.all([r1, Promise.reject('no'), r2]).catch((e) => console.log(`all(one rejected) ${e}`));
    Promise.all([r1, p3]).then((v) => console.log(`all(pending) ${v}`));
    r1.then(() => console.log('then on input r1'));
    queueMicrotask(() => {
        console.log('micro m1');
        queueMicrotask(() => console.log('micro m2'));
    });
}, 5);
setTimeout(() => {
    console.log('timeout C resolves p3');
    resolve3('c');
    queueMicrotask(() => console.log('micro after C'));
}, 10);
setTimeout(() => console.log('timeout D'), 10);
