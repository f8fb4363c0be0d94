// 34_timeout_armed_after_busy: a timeout armed at the end of a long
// callback counts its delay from the moment it is armed, not from the
// start of the pass.
//
// Why Node guarantees it: setTimeout reads the clock when it is called
// (getLibuvNow() updates libuv's time first).  A arms B for 20 ms, stays
// busy for 30 ms, then arms T for 10 ms: T is due more than 39 ms after B
// was armed, B 20 ms after, so B runs first.  (Counting from the start of
// the pass, T would be due at +10 ms and run first.)
process.on('exit', () => console.log('exit'));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

setTimeout(() => {
    console.log('timeout A: arms B (20 ms), busy 30 ms, arms T (10 ms)');
    setTimeout(() => console.log('timeout B'), 20);
    busy(30);
    setTimeout(() => console.log('timeout T'), 10);
}, 1);
