// 54_delay_promise_vs_timeout: a promise fulfilled by a timer (a "delay")
// runs its handler right after that timer's callback, before a timeout of
// the same delay armed after it; a handler that arms another delay waits
// for it in a later pass.
//
// Why Node guarantees it: `delay` arms its timer first, so in the 5 ms
// list it runs before T; its callback fulfils the promise, which queues
// the PromiseReactionJob, and Node drains the job queue before the next
// timer of the list.  The second delay, armed by the handler, starts
// in this pass and is due 10 ms later: no timer armed during a pass runs
// in it, and the immediate I armed by T runs first, in this iteration's
// check phase, whatever the time.  (pawl_promise_delay is this `delay`:
// a timer that resolves a promise.)
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

function delay(ms, v) {
    return new Promise((resolve) => setTimeout(() => resolve(v), ms));
}

delay(5, 'd1').then((v) => {
    console.log(`then ${v}`);
    delay(10, 'd2').then((w) => console.log(`then ${w}`));
    queueMicrotask(() => console.log('micro after then d1'));
});
setTimeout(() => {
    console.log('timeout T (5 ms)');
    setImmediate(() => console.log('immediate I (armed by T)'));
}, 5);
