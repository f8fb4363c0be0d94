// tools/bench/bench_promises.js -- the promise benchmark on Node.js, the
// same workloads as bench_promises.c (tools/bench/promises runs both and
// prints them side by side).  Prints one result line per run in the
// key=value format of bench_promises.c.
//
//   node tools/bench/bench_promises.js chain N [inline|shared]
//                                                 (a) N `then` handlers
//   node tools/bench/bench_promises.js await N    (b) N awaits, one function
//   node tools/bench/bench_promises.js all N R    (c) R rounds of Promise.all
//
//   chain  let p = Promise.resolve(0);
//          for (let i = 0; i < n; i++) p = p.then(v => v + 1);
//          "inline" (the default) is that code as the issue writes it: a
//          new arrow function is made for every `then`.  "shared" makes
//          one `const inc = v => v + 1` and passes it to every `then`, as
//          the C side passes one function pointer: V8 then allocates no
//          closure per handler.  Both are timed from Promise.resolve(0) until the last handler has
//          run (a final `then` reads the clock: one microtask more), so
//          the time covers building the chain and running its microtasks.
//          The final value must be N.
//   await  an async function doing `s += await p` N times on a resolved
//          p; timed from its call to its completion.
//   all    N promises made once with Promise.resolve(i) (not timed), then
//          R times `await Promise.all(ps)`, each result checked.
//
// Each workload first runs once, untimed (chain and await at 1/100 of N,
// at least 1000; all with R/10 rounds), so that V8 has compiled the
// handlers and the loop before the timed run: the figure is of optimised
// code, as pawl's is.
'use strict';

const USAGE = 'usage: node bench_promises.js chain N [inline|shared] | await N | all N R';

function count(s) {
    const n = Number(s);
    if (s === undefined || !Number.isSafeInteger(n) || n < 0) {
        console.error(USAGE);
        process.exit(2);
    }
    return n;
}

function fail(what) {
    console.error(`bench_promises.js: ${what}`);
    process.exit(2);
}

const now = () => process.hrtime.bigint();
const perOp = (ns, ops) => (ops > 0 ? Number(ns) / ops : 0).toFixed(2);
const warmSize = (n) => Math.max(1000, Math.floor(n / 100));

// (a) Resolves with [final value, ns] once the chain's last handler ran.
function chainInline(n) {
    return new Promise((done) => {
        const t0 = now();
        let p = Promise.resolve(0);
        for (let i = 0; i < n; i++)
            p = p.then(v => v + 1);
        p.then((v) => done([v, now() - t0]));
    });
}

function chainShared(n) {
    return new Promise((done) => {
        const t0 = now();
        const inc = v => v + 1;
        let p = Promise.resolve(0);
        for (let i = 0; i < n; i++)
            p = p.then(inc);
        p.then((v) => done([v, now() - t0]));
    });
}

// (b)
async function awaitLoop(p, n) {
    let s = 0;
    for (let i = 0; i < n; i++)
        s += await p;
    return s;
}

async function awaits(n) {
    const p = Promise.resolve(1);
    const t0 = now();
    const s = await awaitLoop(p, n);
    return [s, now() - t0];
}

// (c) Returns [wrong rounds, ns].
async function allRounds(n, rounds) {
    const ps = Array.from({ length: n }, (_, i) => Promise.resolve(i));
    let wrong = 0;
    const t0 = now();
    for (let r = 0; r < rounds; r++) {
        const a = await Promise.all(ps);
        if (a.length !== n || (n > 0 && a[n - 1] !== n - 1))
            wrong++;
    }
    return [wrong, now() - t0];
}

async function main() {
    const [which, a1, a2] = process.argv.slice(2);
    const node = process.version;
    if (which === 'chain' && (a2 === undefined || a2 === 'inline' || a2 === 'shared')) {
        const n = count(a1), mode = a2 || 'inline';
        const chain = mode === 'inline' ? chainInline : chainShared;
        await chain(warmSize(n));
        const [v, ns] = await chain(n);
        console.log(`chain: impl=node mode=${mode} node=${node} handlers=${n} final=${v} ` +
            `ns/handler=${perOp(ns, n)} maxrss_kib=${process.resourceUsage().maxRSS}`);
        if (v !== n)
            fail(`chain: final value ${v}, expected ${n}`);
    } else if (which === 'await' && a2 === undefined) {
        const n = count(a1);
        await awaits(warmSize(n));
        const [s, ns] = await awaits(n);
        console.log(`await: impl=node node=${node} awaits=${n} sum=${s} ns/await=${perOp(ns, n)}`);
        if (s !== n)
            fail('await: the awaited values do not add up to N');
    } else if (which === 'all') {
        const n = count(a1), rounds = count(a2);
        await allRounds(n, Math.max(1, Math.floor(rounds / 10)));
        const [wrong, ns] = await allRounds(n, rounds);
        console.log(`all: impl=node node=${node} inputs=${n} rounds=${rounds} ` +
            `ns/input=${perOp(ns, n * rounds)} ns/round=${perOp(ns, rounds)}`);
        if (wrong !== 0)
            fail('all: a round did not fulfil with the list of the N values');
    } else {
        console.error(USAGE);
        process.exit(2);
    }
}

main();
