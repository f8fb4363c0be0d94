// 20_ref_unref_has_ref: hasRef() follows ref() and unref() on timeouts,
// intervals and immediates; unref() twice and ref() once leaves a timer
// referenced; timers ref'd again keep the loop alive and run.
//
// Why Node guarantees it: ref() and unref() set a flag (doing nothing if
// it is already in that state) and hasRef() reads it.  The setup runs in
// a timer callback, so the immediate runs first (check phase before the
// next timers phase); T and I share the 5 ms list, T first.
process.on('exit', () => console.log('exit'));

setTimeout(() => {
    console.log('timeout setup');
    const t = setTimeout(() => console.log('timeout T'), 5);
    console.log(`T hasRef ${t.hasRef()}`);
    t.unref();
    console.log(`T after unref: hasRef ${t.hasRef()}`);
    t.ref();
    console.log(`T after ref: hasRef ${t.hasRef()}`);

    const i = setInterval(() => {
        console.log('interval I, clears itself');
        clearInterval(i);
    }, 5);
    i.unref();
    i.unref();
    console.log(`I after unref twice: hasRef ${i.hasRef()}`);
    i.ref();
    console.log(`I after ref: hasRef ${i.hasRef()}`);

    const imm = setImmediate(() => console.log('immediate M'));
    console.log(`M hasRef ${imm.hasRef()}`);
    imm.unref();
    console.log(`M after unref: hasRef ${imm.hasRef()}`);
    imm.ref();
    console.log(`M after ref: hasRef ${imm.hasRef()}`);
}, 1);
