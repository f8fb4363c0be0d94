// 23_interval_rearmed_after_callback: a timeout that an interval's
// callback arms with the interval's own period runs before the interval's
// next call: the interval is re-armed only when its callback returns.
//
// Why Node guarantees it: I, J and T are all in the 10 ms list.  Node
// appends a repeating timer to its list again after the callback returns
// (in a finally block), so T, appended during I's call, comes before I,
// which comes before J.  Lists run in order, stopping at the first entry
// not yet due, so the order holds however the calls are spread in time.
process.on('exit', () => console.log('exit'));

let i = 0, j = 0;
const tickI = setInterval(() => {
    i++;
    console.log(`interval I call ${i}`);
    if (i === 1)
        setTimeout(() => console.log('timeout T (armed by I call 1)'), 10);
    else
        clearInterval(tickI);
}, 10);
const tickJ = setInterval(() => {
    j++;
    console.log(`interval J call ${j}`);
    if (j === 2)
        clearInterval(tickJ);
}, 10);
