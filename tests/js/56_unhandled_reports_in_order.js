// 56_unhandled_reports_in_order: several rejections left unhandled in one
// drain are reported in the order they were rejected, once each, and only
// the promise at the end of a chain is reported: a rejection passed on by
// then() or finally() counts as handled where it was passed on.
//
// Why Node guarantees it: every rejection without a handler is appended
// to Node's pendingUnhandledRejections list, and a handler attached
// before the drain ends removes it from the map the list is checked
// against; processPromiseRejections walks the list in order.  Here q is
// rejected first (in A itself), e's derived promise in turn 1, f's
// finally promise in turn 4 (see 42); the promises that Promise.reject
// made, and finally's inner promise (rejected in turn 2, adopted in the
// same turn), all get handlers before the drain ends.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

setTimeout(() => {
    console.log('timeout A');
    Promise.reject('f').finally(() => console.log('finally runs'));
    Promise.reject('e').then(() => console.log('then (not called)'));
    Promise.reject('q');
    queueMicrotask(() => console.log('micro m'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
