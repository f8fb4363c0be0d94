// 27_clear_immediate_in_batch: an immediate cleared by an earlier one of
// the same check phase, directly or from a microtask, never runs; clearing
// one that already ran, or nothing, is a no-op.
//
// Why Node guarantees it: the check phase runs its queue in order and
// skips entries cleared meanwhile; microtasks are drained after each
// immediate, so C's microtask runs before D.  E, queued and cleared by A,
// would have run in the next check phase.
process.on('exit', () => console.log('exit'));

let b = null, d = null;
const a = setImmediate(() => {
    console.log('immediate A: clears B, itself, and a new E');
    clearImmediate(b);
    clearImmediate(a);
    const e = setImmediate(() => console.log('immediate E (never)'));
    clearImmediate(e);
    clearImmediate(undefined);
});
b = setImmediate(() => console.log('immediate B (never)'));
setImmediate(() => {
    console.log('immediate C');
    queueMicrotask(() => {
        console.log('micro after C: clears D');
        clearImmediate(d);
    });
});
d = setImmediate(() => console.log('immediate D (never)'));
