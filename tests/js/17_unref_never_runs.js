// 17_unref_never_runs: unref'd timers alone do not keep the program
// alive: they never run, even with a delay of 1 ms.
//
// Why Node guarantees it: with only unreferenced handles, the loop is not
// alive when the main program ends, so libuv's uv_run returns before its
// first timers phase and the process exits.
process.on('exit', () => console.log('exit'));

const t = setTimeout(() => console.log('timeout (never)'), 1);
t.unref();
const i = setInterval(() => console.log('interval (never)'), 1);
i.unref();
console.log(`timeout hasRef ${t.hasRef()}`);
console.log(`interval hasRef ${i.hasRef()}`);
