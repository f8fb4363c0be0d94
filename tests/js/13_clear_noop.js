// 13_clear_noop: clearing what is not a live timer changes nothing:
// unknown ids, an id cleared twice, a timeout that already fired (from its
// own callback), and clearTimeout on an immediate (it clears only timers).
// clearInterval clears a timeout.
//
// Why Node guarantees it: clearTimeout ignores anything that is not a
// pending Timeout (an Immediate has no _onTimeout; unknown numbers are not
// in its id map; a fired or cleared timeout is no longer in a list).  The
// setup runs inside a timer callback, so the immediate comes before the
// 5 ms timeouts (check phase before the next timers phase); A and D share
// the 5 ms list, A first.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout setup');
    const a = setTimeout(() => {
        console.log('timeout A, clears itself twice');
        clearTimeout(a);
        clearInterval(a);
    }, 5);
    const b = setTimeout(() => console.log('timeout B'), 5);
    setTimeout(() => console.log('timeout D'), 5);
    const imm = setImmediate(() => console.log('immediate (clearTimeout did not clear it)'));
    clearTimeout(imm);
    clearInterval(b);
    clearTimeout(b);
    clearTimeout(undefined);
    clearTimeout(null);
    clearTimeout(12345);
    clearInterval(12345);
}, 1);
