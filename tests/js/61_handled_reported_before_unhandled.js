// 61_handled_reported_before_unhandled: when one drain both handles an
// already reported rejection and leaves a new one unhandled, the
// 'rejectionHandled' report comes first, even if the new rejection
// happened before the late handler was attached.
//
// Why Node guarantees it: Node keeps two lists.  A late handler appends
// the promise to asyncHandledRejections; a rejection without a handler
// appends it to pendingUnhandledRejections.  processPromiseRejections,
// after the drain, empties asyncHandledRejections first ('rejectionHandled'
// for each) and only then walks the pending list
// ('unhandledRejection'), whatever the order of the events in the drain.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

let p;
setTimeout(() => {
    console.log('timeout A rejects p');
    p = Promise.reject('p-reason');
}, 5);
setTimeout(() => {
    console.log('timeout C rejects r, then handles p');
    Promise.reject('r-reason');
    p.catch((e) => console.log(`catch ${e}`));
}, 10);
