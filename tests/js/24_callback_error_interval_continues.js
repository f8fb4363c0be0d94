// 24_callback_error_interval_continues: an interval whose callback fails
// keeps running, and the timers due after it in the same pass still run.
//
// Why Node guarantees it: the error goes to the 'uncaughtException'
// listener (installed here, so the process survives it) as soon as it
// leaves the callback.  Node re-appends the interval to its list in a
// finally block, so it stays armed, and then resumes the timers pass where
// it stopped: T, behind the interval in the 5 ms list, runs next.  (pawl's
// equivalent of throwing is returning non-zero: the warning hook is told,
// and nothing else changes.)
process.on('exit', () => console.log('exit'));
process.on('uncaughtException', (e) => console.log(`caught: ${e.message}`));

let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval call ${n}`);
    if (n === 1)
        throw new Error(`interval call ${n} failed`);
    if (n === 3)
        clearInterval(tick);
}, 5);
setTimeout(() => console.log('timeout T'), 5);
