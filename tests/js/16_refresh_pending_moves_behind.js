// 16_refresh_pending_moves_behind: refresh() of a pending timeout moves it
// behind the timeouts of the same delay, from the main program and from a
// timer callback.
//
// Why Node guarantees it: refresh() unlinks the timeout and appends it to
// the end of its delay's list with a new start time; a list runs in order.
// A.refresh() runs before C and D are armed, so the 10 ms list becomes B,
// A, then C, D.  B's callback refreshes C, which moves to the end with a
// start time inside this pass: it cannot run before the next pass.
process.on('exit', () => console.log('exit'));

let c = null;
const a = setTimeout(() => console.log('timeout A (refreshed)'), 10);
setTimeout(() => {
    console.log('timeout B, refreshes C');
    c.refresh();
}, 10);
a.refresh();
c = setTimeout(() => console.log('timeout C (refreshed by B)'), 10);
setTimeout(() => console.log('timeout D'), 10);
