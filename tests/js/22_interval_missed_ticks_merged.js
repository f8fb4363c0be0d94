// 22_interval_missed_ticks_merged: an interval whose callback stays busy
// for 3.5 periods runs once more as soon as it can, then keeps its period
// from there: the missed ticks merge into one call instead of being made
// up one by one.
//
// Why Node guarantees it: Node re-arms an interval for (the time its call
// started) + (its period).  Call 1 starts at s, arms T for s + 30 and is
// busy until after s + 35, so call 2 (due at s + 10) runs in the next
// pass, before T (its list has the earlier deadline), and call 3 is due 10
// ms after call 2 started, later than T.  An interval that made up missed
// ticks would run calls 2, 3 and 4 (due at s + 10, 20, 30) before T.
process.on('exit', () => console.log('exit'));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval call ${n}`);
    if (n === 1) {
        setTimeout(() => console.log('timeout T (30 ms, armed by call 1)'), 30);
        busy(35);
    } else if (n === 3) {
        clearInterval(tick);
    }
}, 10);
