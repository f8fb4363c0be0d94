// 11_interval_clears_itself: an interval that clears itself from inside
// its third call runs exactly three times, and the program then ends.
//
// Why Node guarantees it: an interval is re-armed only after its callback
// returns, and not if the callback cleared it; nothing else keeps the loop
// alive.  The count does not depend on timing: every call is one line.
process.on('exit', () => console.log('exit'));

let n = 0;
const tick = setInterval(() => {
    n++;
    console.log(`interval call ${n}`);
    if (n === 3) {
        clearInterval(tick);
        console.log('interval cleared');
    }
}, 5);
