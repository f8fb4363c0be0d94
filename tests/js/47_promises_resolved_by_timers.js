// 47_promises_resolved_by_timers: a promise resolved by a timer callback
// runs its handlers, and the handlers those queue, right after that
// callback and before the next timer of the same pass; an interval that
// resolves a promise on each call gets each handler before its next call.
//
// Why Node guarantees it: resolve() queues the PromiseReactionJobs at once
// (TriggerPromiseReactions); after each timer callback Node runs
// processTicksAndRejections (runNextTicks between timers of one list, the
// callback scope's tick callback after the last), which drains the whole
// job queue, then 1 and 2 in turn, with the micro queued by A between
// them.  A, B and the interval are in the 5 ms list, in arm order; the
// interval's second call is due 5 ms after its first.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

let resolveP;
const p = new Promise((r) => { resolveP = r; });
p.then((v) => console.log(`then 1 ${v}`)).then(() => console.log('then 2'));

setTimeout(() => {
    console.log('timeout A resolves p');
    resolveP('a');
    queueMicrotask(() => console.log('micro after A'));
}, 5);
setTimeout(() => {
    console.log('timeout B');
    p.then((v) => console.log(`then 3 (added in B) ${v}`));
}, 5);
let calls = 0;
const tick = setInterval(() => {
    calls++;
    console.log(`interval call ${calls}`);
    new Promise((resolve) => resolve(calls))
        .then((v) => console.log(`interval then ${v}`))
        .finally(() => {
            console.log(`interval finally ${calls}`);
            if (calls === 2)
                clearInterval(tick);
        });
}, 5);
