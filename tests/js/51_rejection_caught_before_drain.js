// 51_rejection_caught_before_drain: a rejection whose handler is attached
// later, but before the microtask queue drains, is never reported as
// unhandled, however many turns later that is.
//
// Why Node guarantees it: rejecting a promise with no handler calls V8's
// HostPromiseRejectionTracker ("reject"), and Node records the promise in
// its pending list; attaching a handler calls it again ("handle") and Node
// forgets the promise.  Node looks at that list only when the job queue is
// empty (processPromiseRejections, after runMicrotasks in
// processTicksAndRejections), so a catch attached by a microtask three
// turns later still counts as in time.  The same holds for a derived
// promise rejected by a throwing handler.  The listener prints what Node
// would report; the C side's on_rejection hook prints the same line.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

setTimeout(() => {
    console.log('timeout A');
    const p = Promise.reject('p-reason');
    const d = Promise.resolve().then(() => {
        console.log('then throws d-reason');
        throw 'd-reason';
    });
    queueMicrotask(() => {
        console.log('micro m1');
        queueMicrotask(() => {
            console.log('micro m2');
            queueMicrotask(() => {
                console.log('micro m3 attaches the catches');
                p.catch((e) => console.log(`catch ${e}`));
                d.catch((e) => console.log(`catch ${e}`));
            });
        });
    });
}, 5);
setTimeout(() => console.log('timeout B'), 5);
