// 48_promises_resolved_by_immediates: a promise resolved by an immediate
// runs its handlers before the next immediate; an immediate queued by a
// handler waits for the next check phase; a promise rejected by an
// immediate and caught in its drain is not reported.
//
// Why Node guarantees it: the check phase drains the job queue after each
// immediate (processTicksAndRejections from the callback scope), so
// `then 1`, the micro and `then 2` run between A and B.  An immediate
// queued during the check phase is appended to the next one (Node swaps
// the immediate queue before running it), so C, queued by `then 1`, comes
// after B.  In B the rejection handler is attached before B returns, so
// nothing is unhandled when the queue drains.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

let resolveP;
let rejectQ;
const p = new Promise((r) => { resolveP = r; });
const q = new Promise((_, r) => { rejectQ = r; });
p.then((v) => {
    console.log(`then 1 ${v}`);
    setImmediate(() => console.log('immediate C (queued by then 1)'));
}).then(() => console.log('then 2'));

setImmediate(() => {
    console.log('immediate A resolves p');
    resolveP('a');
    queueMicrotask(() => console.log('micro after A'));
});
setImmediate(() => {
    console.log('immediate B rejects q');
    rejectQ('q-reason');
    q.catch((e) => console.log(`catch ${e}`));
});
