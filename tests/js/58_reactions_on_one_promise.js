// 58_reactions_on_one_promise: the handlers attached to one pending
// promise run in the order they were attached, whatever kind they are
// (then, catch, finally), when it is settled; a handler that returns its
// own derived promise rejects it with a TypeError.
//
// Why Node guarantees it: a pending promise keeps its reactions in a list
// in attach order, and settling it queues one PromiseReactionJob per
// reaction in that order (TriggerPromiseReactions).  A catch() reaction
// on a fulfilled promise passes the value through without calling its
// handler, as does a then() without onRejected on a rejected one.  A
// handler returning its own derived promise makes the resolve function
// reject it with a TypeError (the self-resolution check of
// CreateResolvingFunctions), in the same job: the catch runs a turn later.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

setImmediate(() => {
    console.log('immediate A');
    let resolveP;
    let rejectR;
    const p = new Promise((r) => { resolveP = r; });
    const r = new Promise((_, j) => { rejectR = j; });
    p.then((v) => console.log(`p then 1 ${v}`));
    p.catch(() => console.log('p catch 2 (not called)'))
        .then((v) => console.log(`p catch 2 passed on ${v}`));
    p.finally(() => console.log('p finally 3'));
    p.then((v) => console.log(`p then 4 ${v}`));
    r.then(() => console.log('r then 1 (not called)'))
        .catch((e) => console.log(`r then 1 passed on ${e}`));
    r.catch((e) => console.log(`r catch 2 ${e}`));
    r.then(() => console.log('r then 3 (not called)'), (e) => console.log(`r then 3 onRejected ${e}`));
    const cycle = Promise.resolve().then(() => {
        console.log('cycle returns its own promise');
        return cycle;
    });
    cycle.catch((e) => console.log(`cycle rejected ${e.constructor.name}`));
    rejectR('r-reason');
    resolveP('v');
});
setImmediate(() => console.log('immediate B'));
