// 55_unhandled_rejection_in_main: a rejection left unhandled by the main
// program is reported after the main program's microtasks, before any
// timer; a handler attached by the first timer then brings the
// 'rejectionHandled' report, after that timer's drain.
//
// Why Node guarantees it: after the main script Node runs
// processTicksAndRejections, which drains the job queue (the micro and
// the then) and then processPromiseRejections, before the event loop
// starts; the timer's catch is the same case as 52.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));
process.on('rejectionHandled', () => console.log('rejectionHandled'));

const p = Promise.reject('main-reason');
setTimeout(() => {
    console.log('timeout 1 ms attaches the catch');
    p.catch((e) => console.log(`catch ${e}`));
}, 1);
queueMicrotask(() => console.log('micro m'));
Promise.resolve().then(() => console.log('then t'));
console.log('main end');
