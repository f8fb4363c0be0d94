// 08_clear_due_timer_from_callback: timers due in the same pass can be
// cleared by an earlier one, directly or from a microtask it queued.
//
// Why Node guarantees it: A, B, C and D are in the 5 ms list in that order.
// Node runs a list's callbacks one at a time, draining the microtask queue
// between two of them, and skips what was cleared meanwhile.  Whether B, C
// and D are due in A's pass or a later one, they come after A and the
// microtask.
process.on('exit', () => console.log('exit'));

let b, c;
setTimeout(() => {
    console.log('timeout A, clears C');
    clearTimeout(c);
    queueMicrotask(() => {
        console.log('micro after A, clears B');
        clearTimeout(b);
    });
}, 5);
b = setTimeout(() => console.log('timeout B'), 5);
c = setTimeout(() => console.log('timeout C'), 5);
setTimeout(() => console.log('timeout D'), 5);
