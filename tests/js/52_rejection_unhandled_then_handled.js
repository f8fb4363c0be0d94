// 52_rejection_unhandled_then_handled: a rejection still unhandled when
// the microtask queue drains is reported once, after that drain; when a
// handler is attached in a later callback, the handler runs in that
// callback's drain and 'rejectionHandled' is reported after it.
//
// Why Node guarantees it: processTicksAndRejections runs the job queue
// dry and only then calls processPromiseRejections, which emits
// 'unhandledRejection' for each promise still without a handler (so after
// `micro after A`, before timeout B).  Attaching a handler to a promise
// already reported queues it for 'rejectionHandled', which the next
// processPromiseRejections emits, again after the drain: after
// `catch p-reason` and `micro after C`.  q is rejected and caught in B's
// drain: no report.  A and B are in the 5 ms list, C is 10 ms.  The C
// side's on_rejection hook prints the same lines as the listeners.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

let p;
setTimeout(() => {
    console.log('timeout A rejects p');
    p = Promise.reject('p-reason');
    queueMicrotask(() => console.log('micro after A'));
}, 5);
setTimeout(() => {
    console.log('timeout B');
    const q = Promise.reject('q-reason');
    queueMicrotask(() => q.catch((e) => console.log(`catch ${e}`)));
}, 5);
setTimeout(() => {
    console.log('timeout C attaches the catch');
    p.catch((e) => console.log(`catch ${e}`));
    queueMicrotask(() => console.log('micro after C'));
}, 10);
