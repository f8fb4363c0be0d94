// 03_deadline_not_arm_order: timeouts armed longest first run shortest
// first: the order is by deadline, not by arming.
//
// Why Node guarantees it: a timeout is due at (the time it was armed) +
// (its delay), and Node runs due timers in deadline order.  Here a later
// arm has the earlier deadline, so the order rests on the time between two
// adjacent statements staying below the 100 ms between the deadlines; it
// fails only if the process is stopped for 100 ms in the middle of these
// three lines.  (This is the one kind of margin this suite accepts; every
// scenario that needs one says so.)
process.on('exit', () => console.log('exit'));

setTimeout(() => console.log('timeout 300 ms'), 300);
setTimeout(() => console.log('timeout 100 ms'), 100);
setTimeout(() => console.log('timeout 200 ms'), 200);
