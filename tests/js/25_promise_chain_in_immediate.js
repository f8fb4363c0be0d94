// 25_promise_chain_in_immediate: a promise chain and queueMicrotask inside
// an immediate interleave in one FIFO microtask queue, all before the next
// immediate.
//
// Why Node guarantees it: Promise.resolve().then(p1) queues p1 at once;
// .then(p2) queues p2 only when p1 has returned; queueMicrotask(q1) queues
// q1 between the two.  The check phase drains the queue after each
// immediate, so B comes after all three.
process.on('exit', () => console.log('exit'));

setImmediate(() => {
    console.log('immediate A');
    Promise.resolve()
        .then(() => console.log('micro p1 (then)'))
        .then(() => console.log('micro p2 (then after p1)'));
    queueMicrotask(() => console.log('micro q1 (queueMicrotask)'));
});
setImmediate(() => console.log('immediate B'));
