// 14_clear_fired_keeps_newer: clearing a timeout that already fired, from
// its own callback or later, never cancels a newer timeout with the same
// delay (an old Node bug: clearing a fired timer could drop the list that
// a newer timer of the same duration had been filed in).
//
// Why Node guarantees it: a fired timeout is out of every list, so clearing
// it touches nothing; B and C are separate objects.  Each callback arms
// the next, so the order is a chain.
process.on('exit', () => console.log('exit'));

let b = null;
const a = setTimeout(() => {
    console.log('timeout A: arms B, then clears A');
    b = setTimeout(() => {
        console.log('timeout B: clears A and B, arms C, clears B again');
        clearTimeout(a);
        clearTimeout(b);
        setTimeout(() => console.log('timeout C'), 5);
        clearTimeout(b);
        clearTimeout(a);
    }, 5);
    clearTimeout(a);
}, 5);
