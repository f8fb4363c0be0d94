// 07_immediates_queued_in_check: immediates queued while the check phase
// runs wait for the next iteration, after its timers.
//
// Why Node guarantees it: Node takes the whole immediate queue at the start
// of the check phase and runs only that; C and D, queued meanwhile, form
// the next iteration's queue.  So B runs before C.  The timeout armed by A
// is due by the next timers phase because A stays busy for 5 ms after
// arming it, and that phase comes before the next check phase: T before C.
process.on('exit', () => console.log('exit'));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

setImmediate(() => {
    console.log('immediate A');
    setImmediate(() => console.log('immediate C (queued by A)'));
    setTimeout(() => console.log('timeout T (armed by A)'), 0);
    busy(5);
});
setImmediate(() => {
    console.log('immediate B');
    setImmediate(() => console.log('immediate D (queued by B)'));
});
