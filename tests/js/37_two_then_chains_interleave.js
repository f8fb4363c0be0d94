// 37_two_then_chains_interleave: two independent then-chains on settled
// promises advance one step per microtask turn each, in turn, with a
// queueMicrotask fitting in where it was queued; all of it runs before the
// next timer.
//
// Why Node guarantees it: then() on a fulfilled promise queues its
// PromiseReactionJob at once (ECMAScript PerformPromiseThen), so a1 and b1
// are queued in that order, then m.  A derived promise is fulfilled when
// its handler returns, which queues the next handler of its chain at the
// tail of the one FIFO job queue: a2 behind m, b2 behind a2, and so on.
// Node drains that queue after each timer callback (processTicksAndRejections),
// so timeout B comes last.  A and B are in the same 5 ms list, A first.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    const a = Promise.resolve();
    const b = Promise.resolve();
    a.then(() => console.log('a1')).then(() => console.log('a2')).then(() => console.log('a3'));
    b.then(() => console.log('b1')).then(() => console.log('b2')).then(() => console.log('b3'));
    queueMicrotask(() => console.log('micro m (queued after both chains)'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
