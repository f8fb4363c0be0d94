// 49_timeout_in_then_vs_immediate: a setTimeout(0) and a setImmediate
// armed by then handlers of a timer callback's drain: the immediates run
// first, in arm order, then the timeout, in the next timers pass.
//
// Why Node guarantees it: the handlers run in the drain after timeout A,
// still in the timers phase.  The timeout (0 becomes 1 ms) starts from the
// loop's current time, so it is not due in this pass; the loop then goes
// through the poll phase (which does not wait, as immediates are queued)
// to the check phase, where the immediates run.  The timeout cannot run
// before the next timers phase.  (From the main program the same pair is
// a race in Node; this suite never does that.)
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    Promise.resolve()
        .then(() => {
            console.log('then 1 arms timeout T and immediate I1');
            setTimeout(() => console.log('timeout T (armed in then 1)'), 0);
            setImmediate(() => console.log('immediate I1 (armed in then 1)'));
        })
        .then(() => {
            console.log('then 2 arms immediate I2');
            setImmediate(() => {
                console.log('immediate I2 (armed in then 2)');
                Promise.resolve().then(() => console.log('then in I2'));
            });
        });
}, 1);
