// 19_unref_interval_ends_with_loop: an unref'd interval ticks while a
// referenced timeout keeps the loop alive, and the program ends as soon as
// that timeout is cleared, in the middle of the interval's life.
//
// Why Node guarantees it: the interval's ticks come every 10 ms and the
// referenced timeout L is 100 s away, so L cannot fire first unless the
// process is stopped for 100 s (a margin, not a race).  The second tick
// clears L; the pass that did it cannot run the interval again, and after
// it nothing referenced is left, so the loop exits.
process.on('exit', () => console.log('exit'));

let n = 0;
const l = setTimeout(() => console.log('timeout L (never)'), 100000);
const tick = setInterval(() => {
    n++;
    console.log(`interval (unref) call ${n}`);
    if (n === 2) {
        clearTimeout(l);
        console.log('cleared L');
    }
}, 10);
tick.unref();
