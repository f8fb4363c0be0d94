// 46_any_and_race_turns: Promise.any is fulfilled by its first fulfilled
// input and rejected with an AggregateError only when every input has
// rejected; Promise.race settles as its first settled input; both take
// one turn for the input's reaction and one for the handler.  any([]) is
// rejected at once; race([]) never settles.
//
// Why Node guarantees it: any and race call then() on each input in order,
// so the reactions of settled inputs are queued at once, in input order
// (turn 1).  For any(['x' rejected, 'ok' fulfilled]) the reject-element
// job records x, the fulfilled one resolves the result (handler: turn 2).
// any(all rejected) is rejected by the last reject-element job (turn 1),
// with the reasons in input order, not in rejection order: 'z' is
// rejected by a then() chain (reaction in turn 2), so that catch runs in
// turn 3.  race([pending, fulfilled]) is settled by the second input
// (turn 1, handler turn 2); race([rejected, fulfilled]) by the first.
// any([]) is rejected inside any (catch in turn 1).  All before timeout B.
process.on('exit', () => console.log('exit'));
process.on('unhandledRejection', (r) => console.log(`unhandledRejection ${r}`));

setTimeout(() => {
    console.log('timeout A');
    const never = new Promise(() => {});
    const z = Promise.resolve().then(() => {
        console.log('r1 throws z');
        throw 'z';
    });
    Promise.any([Promise.reject('x'), Promise.resolve('ok')])
        .then((v) => console.log(`any(x, ok) ${v}`));
    Promise.any([z, Promise.reject('y')])
        .catch((e) => console.log(`any(all rejected) ${e.name} [${e.errors}]`));
    Promise.any([Promise.reject('x'), Promise.reject('y')])
        .catch((e) => console.log(`any(x, y) ${e.name} [${e.errors}]`));
    Promise.any([]).catch((e) => console.log(`any([]) ${e.name} [${e.errors}]`));
    Promise.race([never, Promise.resolve('fast')]).then((v) => console.log(`race(never, fast) ${v}`));
    Promise.race([Promise.reject('first'), Promise.resolve('second')])
        .catch((e) => console.log(`race(rejected, fulfilled) ${e}`));
    Promise.race([]).then(() => console.log('race([]) (never)'));
    Promise.resolve()
        .then(() => console.log('b1'))
        .then(() => console.log('b2'))
        .then(() => console.log('b3'))
        .then(() => console.log('b4'));
}, 5);
setTimeout(() => console.log('timeout B'), 5);
