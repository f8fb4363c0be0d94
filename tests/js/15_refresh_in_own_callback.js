// 15_refresh_in_own_callback: timeout.refresh() inside the timeout's own
// callback arms the one-shot again, behind a timeout of the same delay
// armed just before.
//
// Why Node guarantees it: refresh() files the timeout again at the end of
// its delay's list with the current time as its start, and a timeout that
// is back in a list after its callback is not destroyed.  B is appended
// to the 5 ms list before the refresh appends T, so B runs first.
process.on('exit', () => console.log('exit'));

let n = 0;
const t = setTimeout(() => {
    n++;
    console.log(`timeout T call ${n}`);
    if (n === 1)
        setTimeout(() => console.log('timeout B (armed by T call 1)'), 5);
    if (n < 3)
        t.refresh();
}, 5);
