// 57_listener_handles_rejection: a rejection listener that attaches a
// handler to the promise it is told about, and rejects another promise:
// the handler runs, 'rejectionHandled' follows, then the new rejection is
// reported, all before the next timer.
//
// Why Node guarantees it: processPromiseRejections marks the promise as
// reported before it calls the listener, so the catch() attached there
// queues a 'rejectionHandled'; the listener's new rejection joins the
// pending list.  processPromiseRejections then returns true and
// processTicksAndRejections goes round again: runMicrotasks runs the
// catch handler, and the next processPromiseRejections emits the handled
// report first, then the pending unhandled one.  Only then does the
// timers phase go on to B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r, promise) => {
    console.log(`unhandledRejection ${r}`);
    if (r === 'p-reason') {
        promise.catch((e) => console.log(`catch ${e} (attached by the listener)`));
        Promise.reject('second');
    }
});
process.on('rejectionHandled', () => console.log('rejectionHandled'));

setTimeout(() => {
    console.log('timeout A rejects p');
    Promise.reject('p-reason');
}, 5);
setTimeout(() => console.log('timeout B'), 5);
