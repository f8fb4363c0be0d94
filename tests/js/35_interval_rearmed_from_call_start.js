// 35_interval_rearmed_from_call_start: an interval whose call starts late,
// because an earlier callback of the same pass was busy, counts its next
// period from the start of its own call.
//
// Why Node guarantees it: X and I share the 10 ms list, X first.  X arms T
// for 60 ms and stays busy for 100 ms, so I's first call starts at least
// 100 ms after X's start, and Node re-arms I for 10 ms after the start of
// that call: after T, which by then is due.  I's first call runs before T
// (its list's deadline is earlier), so the order is X, I 1, T, I 2.  (Had
// the interval counted from the start of the pass, call 2 would be due
// before T.)  The margin: I is armed less than 50 ms after X.
process.on('exit', () => console.log('exit'));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

setTimeout(() => {
    console.log('timeout X: arms T (60 ms), busy 100 ms');
    setTimeout(() => console.log('timeout T'), 60);
    busy(100);
}, 10);
let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval I call ${n}`);
    if (n === 2)
        clearInterval(tick);
}, 10);
