// 21_delay_coercion: delays of 0, below 0 and above 2^31 - 1 ms all become
// 1 ms (the too-large ones with a TimeoutOverflowWarning), while 2^31 - 1
// itself is kept.
//
// Why Node guarantees it: Node coerces any delay outside [1, 2^31 - 1] to
// 1 before filing the timer, so A, B, C and the interval F share the 1 ms
// list in arm order; D (2 ms) is armed after them, so its deadline is
// later than all of theirs.  E (2^31 - 1 ms, about 24.8 days) is cleared
// by D.  The warnings are emitted from process.nextTick after the main
// program, before any timer; the C side prints them from pawl's warning
// hook while arming, which is also before any timer.  Negative delays
// warn only from Node 23 on (TimeoutNegativeWarning), so only overflow
// warnings are printed, on both sides.
process.on('exit', () => console.log('exit'));
process.on('warning', (w) => {
    if (w.name === 'TimeoutOverflowWarning')
        console.log(`warning ${w.name} ${parseInt(w.message, 10)}`);
});

setTimeout(() => console.log('timeout A (0 ms)'), 0);
setTimeout(() => console.log('timeout B (-5 ms)'), -5);
setTimeout(() => console.log('timeout C (2^31 ms)'), 2 ** 31);
const f = setInterval(() => {
    console.log('interval F (2^40 ms), clears itself');
    clearInterval(f);
}, 2 ** 40);
const e = setTimeout(() => console.log('timeout E (never)'), 2 ** 31 - 1);
setTimeout(() => {
    console.log('timeout D (2 ms), clears E');
    clearTimeout(e);
}, 2);
