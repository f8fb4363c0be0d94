// 04_nested_timeout_next_pass: a timeout armed from inside a timer
// callback, even for 0 ms, runs after every timer that was already due,
// in a later pass.
//
// Why Node guarantees it: all of these are in the 1 ms list (0 becomes 1),
// in arm order.  A timeout armed inside a callback gets the current time
// as its start, which is not earlier than the time the pass began, so the
// pass finds it not yet due and stops the list there; it runs in the next
// pass, after A and B.  N is appended before M (A runs before B), and N2
// (armed while N runs) after M.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout A');
    setTimeout(() => {
        console.log('timeout N (armed by A)');
        setTimeout(() => console.log('timeout N2 (armed by N)'), 0);
    }, 0);
}, 1);
setTimeout(() => {
    console.log('timeout B');
    setTimeout(() => console.log('timeout M (armed by B)'), 1);
}, 1);
