// 18_unref_runs_while_alive: an unref'd timeout still runs when its time
// comes while a referenced one keeps the loop alive; once nothing
// referenced is left, the program ends without waiting for unref'd ones.
//
// Why Node guarantees it: unref() only stops the timer from keeping the
// loop alive; the loop still wakes for the earliest deadline of all
// timers.  U is armed before K with a shorter delay, so its deadline is
// earlier.  L is unref'd and armed inside K's callback, the last
// referenced timer: it cannot run in the pass that arms it, and after that
// pass nothing keeps the loop alive.
process.on('exit', () => console.log('exit'));

setTimeout(() => console.log('timeout U (unref)'), 5).unref();
setTimeout(() => {
    console.log('timeout K (ref), arms unref L');
    setTimeout(() => console.log('timeout L (never)'), 1).unref();
}, 20);
