// 28_timeout_armed_in_microtask: a timeout armed for 0 ms by a microtask
// of a timer callback waits for a later pass, behind the timers already
// armed.
//
// Why Node guarantees it: A, B and X are all in the 1 ms list (0 becomes
// 1).  X is armed while the timers pass runs, with the current time as its
// start, so it is appended behind B and is not due in this pass.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout A');
    queueMicrotask(() => {
        console.log('micro after A: arms X');
        setTimeout(() => console.log('timeout X (armed by the micro)'), 0);
    });
}, 1);
setTimeout(() => console.log('timeout B'), 1);
