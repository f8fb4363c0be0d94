// 36_unref_immediate_alone: an unref'd immediate alone does not keep the
// program alive: it never runs.
//
// Why Node guarantees it: an unref'd immediate does not count toward what
// keeps libuv's loop alive, so when the main program ends the loop is not
// alive and uv_run returns before its first iteration, hence before any
// check phase.
process.on('exit', () => console.log('exit'));

const imm = setImmediate(() => console.log('immediate (never)'));
imm.unref();
console.log(`hasRef ${imm.hasRef()}`);
