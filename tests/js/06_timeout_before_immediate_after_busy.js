// 06_timeout_before_immediate_after_busy: inside an immediate callback that
// then stays busy for 5 ms, setTimeout(0) runs before setImmediate.
//
// Why Node guarantees it: an immediate queued while the check phase runs
// waits for the next iteration's check phase.  Before that comes the next
// timers phase, and the loop reads the clock for it after this callback
// returns: 5 ms later, so the 1 ms timeout is due and runs first.  Without
// the busy wait this would be a race (less than 1 ms may have passed), so
// the busy wait is what makes the order certain.
process.on('exit', () => console.log('exit'));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

setImmediate(() => {
    console.log('immediate outer');
    setImmediate(() => console.log('immediate inner'));
    setTimeout(() => console.log('timeout 0'), 0);
    busy(5);
});
