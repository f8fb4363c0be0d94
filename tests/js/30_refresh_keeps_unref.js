// 30_refresh_keeps_unref: refresh() of an unref'd timeout keeps it
// unref'd: refreshed by the last referenced timer, it never runs.
//
// Why Node guarantees it: refresh() re-files the timeout as unreferenced
// when it is (unrefActive), moving its deadline 30 ms past K's call.  K is
// armed first with the shorter delay, so it runs first even if both are
// due in one late pass; its refresh then moves U out of that pass, and
// after it nothing referenced keeps the loop alive.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout K: refreshes U');
    u.refresh();
    console.log(`U hasRef ${u.hasRef()}`);
}, 10);
const u = setTimeout(() => console.log('timeout U (never)'), 30);
u.unref();
