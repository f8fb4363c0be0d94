// 10_microtasks_between_immediates: microtasks queued by an immediate run
// right after it, before the next immediate, and before an immediate it
// queued itself.
//
// Why Node guarantees it: since Node 11 the check phase drains the
// microtask queue after every immediate callback, like the timers phase;
// C, queued while the phase runs, waits for the next check phase.
process.on('exit', () => console.log('exit'));

setImmediate(() => {
    console.log('immediate A');
    queueMicrotask(() => {
        console.log('micro after A');
        queueMicrotask(() => console.log('micro queued by micro after A'));
    });
    setImmediate(() => console.log('immediate C (queued by A)'));
});
setImmediate(() => {
    console.log('immediate B');
    Promise.resolve().then(() => console.log('micro after B'));
});
