// 62_delay_armed_after_busy: a delay promise armed at the end of a long
// callback counts its delay from the moment it is armed, as the
// setTimeout inside it does, not from the start of the pass.
//
// Why Node guarantees it: `delay` is a setTimeout that resolves a
// promise, and setTimeout reads the clock when it is called
// (getLibuvNow() updates libuv's time first).  A arms B for 20 ms, stays
// busy for 30 ms, then arms the delay for 10 ms: its timer is due more
// than 39 ms after B was armed, B 20 ms after, so B runs first, then the
// delay's timer, whose callback fulfils the promise; its handler runs in
// that callback's drain.  (Counting from the start of the pass, the
// delay would be due at +10 ms and run first.)  pawl documents
// pawl_promise_delay as exactly this `delay` (docs/promises.md).
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

function busy(ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) { /* busy */ }
}

function delay(ms, v) {
    return new Promise((resolve) => setTimeout(() => resolve(v), ms));
}

setTimeout(() => {
    console.log('timeout A: arms B (20 ms), busy 30 ms, arms delay d (10 ms)');
    setTimeout(() => console.log('timeout B'), 20);
    busy(30);
    delay(10, 'd').then((v) => console.log(`then ${v}`));
}, 1);
