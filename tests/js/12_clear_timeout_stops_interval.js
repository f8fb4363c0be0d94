// 12_clear_timeout_stops_interval: clearTimeout stops an interval (the
// clear functions are interchangeable), from another interval's callback
// and from the interval's own.
//
// Why Node guarantees it: I and J share the 5 ms list, I first; each is
// re-appended after its call, so every pass runs I before J.  clearTimeout
// and clearInterval are the same function in Node.  J's second call
// clears I after I's second call and before its third; J's third call
// clears J itself, so it is not re-armed.
process.on('exit', () => console.log('exit'));

let i = 0, j = 0;
const tickI = setInterval(() => {
    i++;
    console.log(`interval I call ${i}`);
}, 5);
const tickJ = setInterval(() => {
    j++;
    console.log(`interval J call ${j}`);
    if (j === 2) {
        clearTimeout(tickI);
        console.log('clearTimeout(I)');
    } else if (j === 3) {
        clearTimeout(tickJ);
        console.log('clearTimeout(J)');
    }
}, 5);
