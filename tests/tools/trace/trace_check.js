/*
 * tests/tools/trace/trace_check.js -- the checks of tools/pawl-trace, one
 * per ctest (tests/tools/CMakeLists.txt).
 *
 *   node trace_check.js --tool TOOL --trace DUMP --tmp DIR CHECK ARGS...
 *
 * DUMP is the trace make_trace.c wrote; DIR a scratch directory of the
 * test's own.  The checks:
 *
 *   json-valid            the JSON parses, has a traceEvents array, a named
 *                         track (thread_name) per task, every "B" closed by
 *                         an "E" on the same tid (properly nested), every
 *                         flow start "s" ended by one "f" with its id (and
 *                         the reverse), times non-decreasing per track,
 *                         and at least one poll slice, one flow and one
 *                         instant (so an empty output cannot pass)
 *   same FORMAT EXPECTED  the output in FORMAT (json, text) is byte for
 *                         byte EXPECTED; on a difference the first
 *                         differing line is printed
 *   error WHICH           a bad input made from DUMP (missing, magic,
 *                         version, short-header, fewer-records, cut-record)
 *                         or a bad option: the exit status (1, or 2 for
 *                         the option) and the message
 *   stream EXPECTED.txt   the dump patched into a stream (no count): the
 *                         same timeline as EXPECTED.txt; cut in the middle
 *                         of its last record, a truncated trace
 *   tour-json-valid TOUR  runs TOUR (tour_traced) with PAWL_TOUR_TRACE set:
 *                         it exits 0, writes a trace that lost no event,
 *                         and the JSON of that trace passes json-valid
 *                         with at least 6 tracks
 *
 * Exit status 0 pass, 1 fail.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const childProcess = require('child_process');

function die(message) {
    process.stderr.write(`FAIL: ${message}\n`);
    process.exit(1);
}

const argv = process.argv.slice(2);
const opt = {};
while (argv.length && argv[0].startsWith('--')) {
    opt[argv[0].slice(2)] = argv[1];
    argv.splice(0, 2);
}
const [check, ...rest] = argv;

function run(args) {
    const r = childProcess.spawnSync(process.execPath, [opt.tool, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.error) die(`cannot run ${opt.tool}: ${r.error.message}`);
    return r;
}

function ok(args) {
    const r = run(args);
    if (r.status !== 0) die(`pawl-trace ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
    return r.stdout;
}

function jsonValid(text) {
    let doc;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        die(`the output is not JSON: ${e.message}`);
    }
    if (!Array.isArray(doc.traceEvents)) die('no traceEvents array');
    const evs = doc.traceEvents;
    const named = new Map();
    for (const e of evs) {
        if (e.ph === 'M' && e.name === 'thread_name') {
            if (typeof e.args?.name !== 'string' || e.args.name === '') die(`thread ${e.tid} has an empty name`);
            if (named.has(e.tid)) die(`thread ${e.tid} is named twice`);
            named.set(e.tid, e.args.name);
        }
    }
    const stacks = new Map();
    const last = new Map();
    const starts = new Map();
    const ends = new Map();
    let polls = 0;
    let instants = 0;
    const taskTids = new Set();
    for (const e of evs) {
        if (e.ph === 'M') continue;
        if (typeof e.ts !== 'number' || typeof e.tid !== 'number' || typeof e.pid !== 'number') {
            die(`event without a numeric ts/pid/tid: ${JSON.stringify(e)}`);
        }
        if (!named.has(e.tid)) die(`event on track ${e.tid}, which has no thread_name: ${JSON.stringify(e)}`);
        if (last.has(e.tid) && e.ts < last.get(e.tid)) die(`time goes back on track ${e.tid}: ${last.get(e.tid)} then ${e.ts}`);
        last.set(e.tid, e.ts);
        if (!stacks.has(e.tid)) stacks.set(e.tid, []);
        const st = stacks.get(e.tid);
        if (e.ph === 'B') {
            st.push(e);
            if (e.cat === 'task') {
                taskTids.add(e.tid);
                if (e.name.startsWith('poll')) polls++;
            }
        } else if (e.ph === 'E') {
            if (st.length === 0) die(`an "E" with no "B" on track ${e.tid} at ${e.ts}`);
            st.pop();
        } else if (e.ph === 's') {
            if (st.length === 0) die(`flow ${e.id} starts outside any slice on track ${e.tid}`);
            if (starts.has(e.id)) die(`flow ${e.id} starts twice`);
            starts.set(e.id, e);
        } else if (e.ph === 'f') {
            if (st.length === 0) die(`flow ${e.id} ends outside any slice on track ${e.tid}`);
            if (ends.has(e.id)) die(`flow ${e.id} ends twice`);
            if (!starts.has(e.id)) die(`flow ${e.id} ends before it starts`);
            ends.set(e.id, e);
        } else if (e.ph === 'i') {
            instants++;
        } else {
            die(`unexpected phase ${e.ph}`);
        }
    }
    for (const [tid, st] of stacks) if (st.length) die(`${st.length} "B" never closed on track ${tid}`);
    for (const id of starts.keys()) if (!ends.has(id)) die(`flow ${id} starts and never ends`);
    for (const tid of taskTids) if (tid === 0) die('a poll slice on the loop track');
    if (polls === 0 || starts.size === 0 || instants === 0) {
        die(`too little in the trace: ${polls} polls, ${starts.size} flows, ${instants} instants`);
    }
    if (named.size < 3) die(`expected the loop and two task tracks, got ${named.size} named tracks`);
    return doc;
}

function firstDiff(got, want) {
    const g = got.split('\n');
    const w = want.split('\n');
    for (let i = 0; i < Math.max(g.length, w.length); i++) {
        if (g[i] !== w[i]) return `line ${i + 1}:\n  got:  ${g[i]}\n  want: ${w[i]}`;
    }
    return 'no line differs';
}

function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/* Bad inputs, made from the good dump. */
function badInput(which) {
    const good = fs.readFileSync(opt.trace);
    fs.mkdirSync(opt.tmp, { recursive: true });
    const file = path.join(opt.tmp, `${which}.trace`);
    let buf = Buffer.from(good);
    const count = good.readUInt32LE(16);
    // The offset of record k (k <= count).
    const recordAt = (k) => {
        let at = good.readUInt16LE(10);
        for (let i = 0; i < k; i++) at += 40 + Math.ceil((good.readUInt16LE(at + 36) + good.readUInt16LE(at + 38)) / 8) * 8;
        return at;
    };
    let expect;
    const f = escape(file);
    switch (which) {
    case 'missing': {
        const missing = path.join(opt.tmp, 'nosuch.trace');
        return { args: [missing], status: 1,
            re: new RegExp(`^pawl-trace: cannot read ${escape(missing)}: no such file\n$`) };
    }
    case 'magic':
        buf[3] = 'X'.charCodeAt(0);
        expect = `^pawl-trace: ${f}: not a pawl trace \\(it does not start with the magic PAWLTRC\\\\0\\)\n$`;
        break;
    case 'version':
        buf.writeUInt16LE(2, 8);
        expect = `^pawl-trace: ${f}: trace format version 2; pawl-trace reads version 1 only\n$`;
        break;
    case 'short-header':
        buf = buf.subarray(0, 30);
        expect = `^pawl-trace: ${f}: truncated: 30 bytes, shorter than the 48-byte header\n$`;
        break;
    case 'fewer-records': {
        // The header promises `count` records; the file ends cleanly after count - 2.
        buf = buf.subarray(0, recordAt(count - 2));
        expect = `^pawl-trace: ${f}: truncated: the header promises ${count} events, the file holds ${count - 2}\n$`;
        break;
    }
    case 'cut-record': {
        // Cut inside the strings of the first record that has any.
        let k = 0;
        while (good.readUInt16LE(recordAt(k) + 36) === 0) k++;
        const at = recordAt(k);
        buf = buf.subarray(0, at + 44);
        const size = recordAt(k + 1) - at;
        expect = `^pawl-trace: ${f}: truncated: event ${k} at offset ${at} is cut short \\(it needs ${size} bytes, 44 are left\\)\n$`;
        break;
    }
    case 'option':
        return { args: ['--frobnicate', opt.trace], status: 2,
            re: /^pawl-trace: unknown option --frobnicate\n\(pawl-trace --help explains the options\)\n$/ };
    default:
        die(`unknown error case ${which}`);
    }
    fs.writeFileSync(file, buf);
    return { args: [file], status: 1, re: new RegExp(expect) };
}

switch (check) {
case 'json-valid':
    jsonValid(ok([opt.trace]));
    break;
case 'same': {
    const [format, expected] = rest;
    const got = ok(['--format', format, opt.trace]);
    const want = fs.readFileSync(expected, 'utf8');
    if (format === 'json') jsonValid(got);
    if (got !== want) die(`the ${format} output differs from ${expected}: ${firstDiff(got, want)}`);
    break;
}
case 'error': {
    const { args, status, re } = badInput(rest[0]);
    const r = run(args);
    if (r.status !== status) die(`pawl-trace ${args.join(' ')}: exit status ${r.status}, not ${status}\n${r.stderr}`);
    if (!re.test(r.stderr)) die(`pawl-trace ${args.join(' ')}: the message\n${r.stderr}does not match ${re}`);
    if (r.stdout !== '') die(`pawl-trace ${args.join(' ')} wrote to standard output:\n${r.stdout}`);
    break;
}
case 'stream': {
    // The same dump as a stream (flag bit 0, counts 0): the same events.
    const buf = Buffer.from(fs.readFileSync(opt.trace));
    buf[15] = 1;
    buf.writeUInt32LE(0, 16);
    buf.writeBigUInt64LE(0n, 24);
    buf.writeBigUInt64LE(0n, 32);
    fs.mkdirSync(opt.tmp, { recursive: true });
    const file = path.join(opt.tmp, 'stream.trace');
    fs.writeFileSync(file, buf);
    const got = ok(['--format', 'text', file]).split('\n');
    const want = fs.readFileSync(rest[0], 'utf8').split('\n');
    if (got[0] !== `# pawl trace: ${want.length - 3} events (a stream)`) die(`the stream's first line is ${got[0]}`);
    const a = got.slice(1).join('\n');
    const b = want.slice(1).join('\n');
    if (a !== b) die(`the stream's events differ from ${rest[0]}: ${firstDiff(a, b)}`);
    // Cut in the middle of its last record: truncated.
    fs.writeFileSync(file, buf.subarray(0, buf.length - 4));
    const r = run([file]);
    if (r.status !== 1 || !/: truncated: event \d+ at offset \d+ is cut short/.test(r.stderr)) {
        die(`a stream cut short: exit status ${r.status}, ${r.stderr}`);
    }
    break;
}
case 'tour-json-valid': {
    fs.mkdirSync(opt.tmp, { recursive: true });
    const dump = path.join(opt.tmp, 'tour.trace');
    fs.rmSync(dump, { force: true });
    const r = childProcess.spawnSync(rest[0], [], { encoding: 'utf8', maxBuffer: 64 << 20,
        env: { ...process.env, PAWL_TOUR_TRACE: dump } });
    if (r.error) die(`cannot run ${rest[0]}: ${r.error.message}`);
    if (r.status !== 0) die(`${rest[0]} exited with ${r.status}:\n${r.stderr}`);
    if (!fs.existsSync(dump)) die(`${rest[0]} wrote no trace to ${dump}`);
    const head = fs.readFileSync(dump);
    if (head.readBigUInt64LE(24) !== 0n) die(`the tour's trace lost ${head.readBigUInt64LE(24)} events: the ring is too small`);
    const doc = jsonValid(ok([dump]));
    const tracks = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').length;
    if (tracks < 6) die(`the tour's trace has ${tracks} tracks; it spawns more tasks than that`);
    break;
}
default:
    die(`unknown check ${check}`);
}
