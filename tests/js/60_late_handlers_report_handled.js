// 60_late_handlers_report_handled: a reported rejection that gets its
// handler later from a combinator or from finally() is reported handled;
// finally passes the rejection on to a new promise, which is reported
// unhandled in turn; the reports come after the drain, handled ones first.
//
// Why Node guarantees it: Promise.all and finally() call then() on the
// promise, which tells Node it is handled (a 'rejectionHandled' is queued
// for the next processPromiseRejections); finally's derived promise is
// rejected in turn 4 (see 42) with no handler.  processPromiseRejections
// runs after the drain and emits the queued 'rejectionHandled' reports
// before the new 'unhandledRejection' ones.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

let p;
let q;
setTimeout(() => {
    console.log('timeout A rejects p and q');
    p = Promise.reject('p-reason');
    q = Promise.reject('q-reason');
}, 5);
setTimeout(() => {
    console.log('timeout C handles them');
    q.finally(() => console.log('finally on q'));
    Promise.all([p]).catch((e) => console.log(`all catch ${e}`));
    queueMicrotask(() => console.log('micro after C'));
}, 10);
