// 53_unhandled_report_after_drain: an unhandled rejection made early in a
// long drain is reported only when the queue is empty, after jobs queued
// later than the rejection; what the listener queues runs before the next
// timer.
//
// Why Node guarantees it: processPromiseRejections runs only once
// runMicrotasks has emptied the queue, so the report follows tick 4 even
// though the rejection happened in tick 1's turn.  A listener that queues
// a job makes processPromiseRejections return true, and
// processTicksAndRejections goes round again: the job runs before the
// timers phase moves on to timeout B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => {
    console.log(`unhandledRejection ${r}`);
    queueMicrotask(() => console.log('micro queued by the report'));
});
process.on('rejectionHandled', () => console.log('rejectionHandled'));

function tick(n, last) {
    queueMicrotask(() => {
        console.log(`tick ${n}`);
        if (n < last)
            tick(n + 1, last);
    });
}

setTimeout(() => {
    console.log('timeout A');
    tick(1, 4);
    queueMicrotask(() => {
        console.log('micro rejects r');
        Promise.reject('r');
    });
}, 5);
setTimeout(() => console.log('timeout B'), 5);
