// 32_refresh_then_clear_in_own_callback: a timeout that refreshes itself
// and then clears itself in the same callback does not run again; the
// clear wins because it comes last.
//
// Why Node guarantees it: refresh() files the timeout again, and
// clearTimeout() then takes it out of its list for good; a timeout that
// is in no list when its callback returns is destroyed.  T2, in the same
// 5 ms list and refreshed in its first call, shows the refresh alone
// would have re-armed it.
process.on('exit', () => console.log('exit'));

let n1 = 0, n2 = 0;
const t1 = setTimeout(() => {
    n1++;
    console.log(`timeout T1 call ${n1}: refresh, then clear`);
    t1.refresh();
    clearTimeout(t1);
}, 5);
const t2 = setTimeout(() => {
    n2++;
    console.log(`timeout T2 call ${n2}`);
    if (n2 === 1)
        t2.refresh();
}, 5);
