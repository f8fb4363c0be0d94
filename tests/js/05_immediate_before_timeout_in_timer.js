// 05_immediate_before_timeout_in_timer: inside a timer callback,
// setImmediate runs before setTimeout(0), whichever was armed first.
//
// Why Node guarantees it: the callback runs in the timers phase.  The
// loop goes on to the poll phase (which does not block, since immediates
// are pending) and then to the check phase, where the immediates run; the
// timeouts can run no earlier than the next timers phase.  (From the main
// program the same pair is a race in Node: whether 1 ms has passed when
// the first timers phase begins decides it.  So this suite never does it.)
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout outer');
    setTimeout(() => console.log('timeout 0 (armed first)'), 0);
    setImmediate(() => console.log('immediate 1'));
    setImmediate(() => console.log('immediate 2'));
    setTimeout(() => console.log('timeout 0 (armed last)'), 0);
}, 1);
