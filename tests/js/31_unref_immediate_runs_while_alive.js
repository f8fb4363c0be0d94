// 31_unref_immediate_runs_while_alive: an unref'd immediate runs in the
// next check phase when something else keeps the loop alive, before a
// timeout armed with it.
//
// Why Node guarantees it: the check phase runs every queued immediate,
// referenced or not, whenever the loop gets there.  Both are armed in a
// timer callback, so the loop reaches this iteration's check phase (after
// waiting in the poll phase, since nothing referenced asks it not to wait)
// before the next timers phase.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout setup');
    setImmediate(() => console.log('immediate U (unref)')).unref();
    setTimeout(() => console.log('timeout K (ref, 10 ms)'), 10);
}, 1);
