// examples/lowering/lowering.js -- one program, five ways: (a) JavaScript,
// with async/await.  Run it with `node lowering.js`.
//
// The job: sleep 100 ms; then ask a slow service for a value, with a
// 200 ms time limit, and retry once if that fails; print the result.  The
// service is simulated: it answers 42, after 300 ms the first time (too
// slow: the attempt times out at 300) and after 50 ms the second time (in
// time: the answer comes at 350).  Every line carries the time in ms.
//
// The same job, printing the same lines at the same times, in C on pawl:
//
//   (b) callbacks.c       nested callbacks: pawl_set_timeout, no tasks
//   (c) state_machine.c   the async function `job` below, lowered by hand
//                         to a state machine: an enum of states (one per
//                         await), a switch, and the variables that live
//                         across an await as fields of a struct
//   (d) task.c            (c) written with pawl's macros: PAWL_AWAIT is
//                         the `await` of this file
//   (e) promise.c         a promise chain: then, catch, with_timeout
//
// The comments in `job` name the state of (c) each await becomes.
// check_lowering.cmake runs all five and compares their output with
// expected.txt, byte for byte; docs/lowering.md walks from this file to
// (c) and on to (d).
//
// TIME.  The C versions run on pawl's virtual clock (pawl_vclock): when
// the loop would wait for a timer, the clock jumps to the timer's deadline,
// so a callback sees exactly the time it was due at.  Node has no such
// clock, and `Date.now() - start` would print 101 or 103 where the C
// versions print 100.  So this program keeps a virtual clock of its own,
// in one place: every timer is armed through `after`, which computes the
// timer's deadline when it is armed and makes it the current time when
// the timer fires, as the virtual clock does.  The timers themselves are
// ordinary setTimeouts, so the program runs as any Node program does (it
// takes 400 ms of real time), and `job` reads as async/await reads
// anywhere.  The output cannot vary: the two timers that race (the
// service's answer and the time limit) are always armed in the same turn,
// and Node runs timers armed together in deadline order; the one timer
// left over (the first answer, which a promise cannot cancel) prints
// nothing.
'use strict';

const SLEEP_MS = 100; // the first wait
const LIMIT_MS = 200; // each attempt's time limit
const ATTEMPTS = 2; // the first try and one retry
const ANSWER = 42; // what the service answers
// How long the service takes to answer, per attempt: too slow, then in time.
const SERVICE_MS = [300, 50];

let now = 0; // the virtual time in ms (see TIME above)

// setTimeout(fn, ms), keeping the virtual clock.
function after(ms, fn) {
    const deadline = now + ms;
    return setTimeout(() => {
        now = deadline;
        fn();
    }, ms);
}

// One line of the transcript, stamped with the time: "[ 100] ...".
function log(text) {
    console.log(`[${String(now).padStart(4)}] ${text}`);
}

// The promise-returning helpers every Node program has in some form.
function sleep(ms) {
    return new Promise((resolve) => after(ms, resolve));
}

// The simulated slow service.
function fetchValue(attempt) {
    return new Promise((resolve) => after(SERVICE_MS[attempt - 1], () => resolve(ANSWER)));
}

// Settles as `promise` does, or rejects with an ETIMEDOUT error (as
// Node's own network calls do) if `ms` ms pass first.  The limit's timer
// is cleared either way.
function withTimeout(promise, ms) {
    let timer;
    const limit = new Promise((resolve, reject) => {
        const err = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
        timer = after(ms, () => reject(err));
    });
    return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// The job.  (c) and (d) keep two of its variables in their struct,
// because in C a local does not survive an await: `attempt`, used on both
// sides of one, and `value`, which the C future writes its result into
// through a pointer to the struct (the convention for a future's result).
async function job() { // (c) state JOB_START
    log(`start: sleep ${SLEEP_MS} ms`);
    // (c) state JOB_SLEEPING:
    await sleep(SLEEP_MS);
    // (c) state JOB_ATTEMPT (the loop's test, not an await):
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        log(`fetching (attempt ${attempt})`);
        try {
            // (c) state JOB_FETCHING:
            const value = await withTimeout(fetchValue(attempt), LIMIT_MS);
            log(`result: ${value}`);
            return; // (c) state JOB_DONE
        } catch (err) {
            log(`attempt ${attempt} failed: ${err.code}`);
        }
    }
    log('no result: every attempt failed'); // (c) state JOB_DONE
}

job();
