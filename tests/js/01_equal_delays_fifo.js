// 01_equal_delays_fifo: timeouts with equal delays run in the order they
// were armed, and a delay of 0 is the same as 1.
//
// Why Node guarantees it: Node keeps one list per delay and appends each
// new timeout to its list; setTimeout(fn, 0) is coerced to 1 ms before it
// is filed, so all four are in the 1 ms list.  Each one's start time is
// read when it is armed, so they are also in start-time order, and a pass
// runs a list from the front, stopping at the first timeout not yet due.
process.on('exit', () => console.log('exit'));

setTimeout(() => console.log('timeout A'), 1);
setTimeout(() => console.log('timeout B'), 0);
setTimeout(() => console.log('timeout C'), 1);
setTimeout(() => console.log('timeout D'), 0);
setTimeout(() => console.log('timeout E'), 7);
setTimeout(() => console.log('timeout F'), 7);
