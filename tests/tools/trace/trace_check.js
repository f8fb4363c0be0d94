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
 *                         version, short-header, fewer-records, cut-record;
 *                         two dumps, the second cut inside a record:
 *                         multi-cut; a dump and then bytes that are not
 *                         one: multi-junk) or a bad option: the exit
 *                         status (1, or 2 for the option) and the message,
 *                         which names the dump when it is not the first
 *   stream EXPECTED.txt   the dump patched into a stream (no count): the
 *                         same timeline as EXPECTED.txt; cut in the middle
 *                         of its last record, a truncated trace
 *   multi EXPECTED.txt    three dumps in one file (the dump as a stream,
 *                         then twice as it is): the text has a heading per
 *                         loop, each followed by EXPECTED.txt's events;
 *                         the JSON passes json-valid with one process per
 *                         loop, each with the two tasks, every flow within
 *                         its process, each loop after the one before;
 *                         --loop 2 gives EXPECTED.txt itself, --loop 4 is
 *                         a bad command line
 *   sequence              --format sequence (and -o FILE.svg): well-formed
 *                         SVG, one lifeline each for the loop, the two
 *                         tasks, the timer wheel and the timer callback,
 *                         one arrow per poll, PENDING, READY, wake, timer
 *                         armed and fired, the same bytes at every run
 *   sequence-cap          a stream of 10 copies of the events (240): 200
 *                         rows drawn, and a note that 40 were not
 *   tour TOUR             runs TOUR (tour_traced) with PAWL_TOUR_TRACE set:
 *                         it exits 0 and writes four dumps, none of which
 *                         lost an event; the JSON passes json-valid with
 *                         one process per loop (4), the main loop with at
 *                         least 6 tracks, and the tasks of stops 7, 8 and
 *                         9 (napper, awaiter, client) in loops 2, 3 and 4;
 *                         every flow starts and ends in one process; the
 *                         text has a heading per loop
 *   lowering-transcript PROGRAM EXPECTED
 *                         PROGRAM (state_machine_traced) with
 *                         PAWL_LOWERING_TRACE set prints EXPECTED exactly
 *                         and writes a trace
 *   lowering-svg-same PROGRAM SVG
 *                         the two commands in pawl-trace --help that
 *                         redraw SVG, run with PROGRAM and scratch files,
 *                         draw SVG byte for byte
 *   lowering-svg-valid PROGRAM
 *                         the sequence diagram of PROGRAM's run is
 *                         well-formed SVG with lifelines for the loop,
 *                         the task job#1, the timer wheel and the timer
 *                         callback, the times 100, 300 and 350, and the
 *                         arrows of the run (4 polls, 3 PENDING, 1 READY,
 *                         5 timers armed, 2 cleared, 3 fired, 3 wakes)
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
    // A track is a thread of a process: pid and tid (one process per loop).
    const track = (e) => `${e.pid}:${e.tid}`;
    const named = new Map();
    const processes = new Map();
    for (const e of evs) {
        if (e.ph === 'M' && e.name === 'thread_name') {
            if (typeof e.args?.name !== 'string' || e.args.name === '') die(`thread ${track(e)} has an empty name`);
            if (named.has(track(e))) die(`thread ${track(e)} is named twice`);
            named.set(track(e), e.args.name);
        }
        if (e.ph === 'M' && e.name === 'process_name') {
            if (typeof e.args?.name !== 'string' || e.args.name === '') die(`process ${e.pid} has an empty name`);
            if (processes.has(e.pid)) die(`process ${e.pid} is named twice`);
            processes.set(e.pid, e.args.name);
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
        const tr = track(e);
        if (!processes.has(e.pid)) die(`event in process ${e.pid}, which has no process_name: ${JSON.stringify(e)}`);
        if (!named.has(tr)) die(`event on track ${tr}, which has no thread_name: ${JSON.stringify(e)}`);
        if (last.has(tr) && e.ts < last.get(tr)) die(`time goes back on track ${tr}: ${last.get(tr)} then ${e.ts}`);
        last.set(tr, e.ts);
        if (!stacks.has(tr)) stacks.set(tr, []);
        const st = stacks.get(tr);
        if (e.ph === 'B') {
            st.push(e);
            if (e.cat === 'task') {
                taskTids.add(e.tid);
                if (e.name.startsWith('poll')) polls++;
            }
        } else if (e.ph === 'E') {
            if (st.length === 0) die(`an "E" with no "B" on track ${tr} at ${e.ts}`);
            st.pop();
        } else if (e.ph === 's') {
            if (st.length === 0) die(`flow ${e.id} starts outside any slice on track ${tr}`);
            if (starts.has(e.id)) die(`flow ${e.id} starts twice`);
            starts.set(e.id, e);
        } else if (e.ph === 'f') {
            if (st.length === 0) die(`flow ${e.id} ends outside any slice on track ${tr}`);
            if (ends.has(e.id)) die(`flow ${e.id} ends twice`);
            if (!starts.has(e.id)) die(`flow ${e.id} ends before it starts`);
            if (starts.get(e.id).pid !== e.pid) {
                die(`flow ${e.id} starts in process ${starts.get(e.id).pid} and ends in process ${e.pid}: a flow stays in its loop`);
            }
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
    return { doc, processes, named, starts, ends };
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
    case 'multi-cut': {
        // Two dumps, the second cut 4 bytes into the strings of its first
        // record that has any: the message names dump 2 and the offsets
        // are the file's.
        let k = 0;
        while (good.readUInt16LE(recordAt(k) + 36) === 0) k++;
        const at = good.length + recordAt(k);
        buf = Buffer.concat([good, good.subarray(0, recordAt(k) + 44)]);
        const size = recordAt(k + 1) - recordAt(k);
        expect = `^pawl-trace: ${f}: dump 2 \\(at offset ${good.length}\\): truncated: event ${k} at offset ${at} ` +
            `is cut short \\(it needs ${size} bytes, 44 are left\\)\n$`;
        break;
    }
    case 'multi-junk':
        buf = Buffer.concat([good, Buffer.from('not a trace, just text\n')]);
        expect = `^pawl-trace: ${f}: dump 2 \\(at offset ${good.length}\\): not a pawl trace \\(it does not start ` +
            'with the magic PAWLTRC\\\\0\\)\n$';
        break;
    case 'option':
        return { args: ['--frobnicate', opt.trace], status: 2,
            re: /^pawl-trace: unknown option --frobnicate\n\(pawl-trace --help explains the options\)\n$/ };
    default:
        die(`unknown error case ${which}`);
    }
    fs.writeFileSync(file, buf);
    return { args: [file], status: 1, re: new RegExp(expect) };
}

/* The rows of a text timeline (what follows its two header lines, or a
 * loop's heading). */
function timelineRows(lines) {
    return lines.filter((l) => l !== '' && !l.startsWith('#'));
}

/*
 * A small XML reader, enough for the SVG the tool writes: an optional
 * declaration, comments (which may not hold "--"), elements with quoted
 * attributes, and text with the five entities.  Dies on anything else, on
 * a tag closed by another name, and on more than one root.  Returns the
 * root element: {name, attrs, children, text}.
 */
function parseXml(text, what) {
    let at = 0;
    const bad = (why) => die(`${what} is not well-formed XML: ${why} (at offset ${at})`);
    if (text.startsWith('<?xml')) {
        at = text.indexOf('?>');
        if (at < 0) bad('the declaration does not end');
        at += 2;
    }
    const stack = [];
    let root = null;
    const checkText = (t) => {
        if (/&(?!(amp|lt|gt|quot|apos);)/.test(t)) bad(`a bare & in text: ${t.slice(0, 40)}`);
    };
    while (at < text.length) {
        const lt = text.indexOf('<', at);
        const chunk = lt < 0 ? text.slice(at) : text.slice(at, lt);
        checkText(chunk);
        if (stack.length === 0 && chunk.trim() !== '') bad(`text outside the root: ${chunk.trim().slice(0, 40)}`);
        if (stack.length > 0) stack[stack.length - 1].text += chunk;
        if (lt < 0) break;
        at = lt;
        if (text.startsWith('<!--', at)) {
            const end = text.indexOf('-->', at + 4);
            if (end < 0) bad('a comment does not end');
            if (text.slice(at + 4, end).includes('--')) bad('"--" inside a comment');
            at = end + 3;
            continue;
        }
        const gt = text.indexOf('>', at);
        if (gt < 0) bad('a tag does not end');
        const tag = text.slice(at + 1, gt);
        if (tag.startsWith('/')) {
            const name = tag.slice(1).trim();
            const open = stack.pop();
            if (open === undefined) bad(`</${name}> closes nothing`);
            if (open.name !== name) bad(`<${open.name}> closed by </${name}>`);
            at = gt + 1;
            continue;
        }
        const self = tag.endsWith('/');
        const body = self ? tag.slice(0, -1) : tag;
        const m = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*$/.exec(body);
        if (m === null) bad(`a malformed tag <${tag.slice(0, 60)}>`);
        const attrs = {};
        for (const a of m[2].matchAll(/([A-Za-z_][\w:.-]*)="([^"]*)"/g)) {
            if (a[1] in attrs) bad(`attribute ${a[1]} twice in <${m[1]}>`);
            checkText(a[2]);
            attrs[a[1]] = a[2];
        }
        const el = { name: m[1], attrs, children: [], text: '' };
        if (stack.length > 0) stack[stack.length - 1].children.push(el);
        else if (root !== null) bad('a second root element');
        else root = el;
        if (!self) stack.push(el);
        at = gt + 1;
    }
    if (stack.length > 0) bad(`<${stack[stack.length - 1].name}> is never closed`);
    if (root === null) bad('no element');
    return root;
}

const unxml = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/*
 * The parts of a sequence diagram: its lifelines (by head text), the
 * labels of its arrows and notes, and the times at the left.  Checks that
 * it is an SVG at all.
 */
function sequenceParts(svg, what) {
    const root = parseXml(svg, what);
    if (root.name !== 'svg') die(`${what}: the root element is <${root.name}>, not <svg>`);
    if (root.attrs.xmlns !== 'http://www.w3.org/2000/svg') die(`${what}: the root has no SVG xmlns`);
    for (const a of ['width', 'height', 'viewBox']) if (!(a in root.attrs)) die(`${what}: the root has no ${a}`);
    const cls = (el) => el.attrs.class || '';
    const texts = (el) => el.children.filter((c) => c.name === 'text').map((c) => unxml(c.text));
    const lifelines = root.children.filter((c) => c.name === 'g' && cls(c) === 'lifeline').map((c) => texts(c).join(' '));
    const arrows = root.children.filter((c) => c.name === 'g' && cls(c) === 'arrow').map((c) => texts(c).join(' '));
    const notes = root.children.filter((c) => c.name === 'g' && cls(c) === 'note').map((c) => texts(c).join(' '));
    const times = root.children.filter((c) => c.name === 'text' && cls(c) === 'time').map((c) => unxml(c.text));
    const all = [];
    const walk = (el) => { all.push(...texts(el)); el.children.forEach(walk); };
    walk(root);
    return { root, lifelines, arrows, notes, times, text: all.join('\n') };
}

/* How many of `labels` match re; dies unless that is `want`. */
function expectCount(labels, re, want, what) {
    const n = labels.filter((l) => re.test(l)).length;
    if (n !== want) die(`${what}: ${n} arrows match ${re}, expected ${want}:\n  ${labels.join('\n  ')}`);
}

function runLowering(program) {
    fs.mkdirSync(opt.tmp, { recursive: true });
    const dump = path.join(opt.tmp, 'lowering.trace');
    fs.rmSync(dump, { force: true });
    const r = childProcess.spawnSync(program, [], { encoding: 'utf8',
        env: { ...process.env, PAWL_LOWERING_TRACE: dump } });
    if (r.error) die(`cannot run ${program}: ${r.error.message}`);
    if (r.status !== 0 || r.stderr !== '') die(`${program} exited with ${r.status}:\n${r.stderr}`);
    if (!fs.existsSync(dump)) die(`${program} wrote no trace to ${dump}`);
    return { dump, stdout: r.stdout };
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
case 'multi': {
    // The dump as a stream, then twice as it is: three loops in one file.
    const good = fs.readFileSync(opt.trace);
    const stream = Buffer.from(good);
    stream[15] = 1;
    stream.writeUInt32LE(0, 16);
    fs.mkdirSync(opt.tmp, { recursive: true });
    const file = path.join(opt.tmp, 'three.trace');
    fs.writeFileSync(file, Buffer.concat([stream, good, good]));
    const want = fs.readFileSync(rest[0], 'utf8');
    const wantRows = timelineRows(want.split('\n'));
    const got = ok(['--format', 'text', file]).split('\n');
    if (got[0] !== `# pawl trace: 3 loops, ${3 * wantRows.length} events`) die(`the first line is ${got[0]}`);
    const heads = got.map((l, k) => [l, k]).filter(([l]) => l.startsWith('## loop '));
    if (heads.length !== 3) die(`${heads.length} loop headings, not 3:\n${heads.map(([l]) => l).join('\n')}`);
    heads.forEach(([l, k], n) => {
        const head = n === 0 ? `## loop 1: ${wantRows.length} events (a stream)`
            : `## loop ${n + 1}: ${want.split('\n')[0].replace('# pawl trace: ', '')}`;
        if (l !== head) die(`heading ${n + 1} is\n  ${l}\nnot\n  ${head}`);
        const end = n + 1 < heads.length ? heads[n + 1][1] : got.length;
        const rows = timelineRows(got.slice(k + 1, end));
        if (rows.join('\n') !== wantRows.join('\n')) {
            die(`loop ${n + 1}'s events differ from ${rest[0]}: ${firstDiff(rows.join('\n'), wantRows.join('\n'))}`);
        }
    });
    const j = jsonValid(ok([file]));
    const names = [...j.processes.entries()].sort((a, b) => a[0] - b[0]).map(([pid, name]) => `${pid}=${name}`).join(' ');
    if (names !== '1=loop 1 2=loop 2 3=loop 3') die(`the processes are ${names}, not one per loop`);
    for (const pid of [1, 2, 3]) {
        for (const task of ['consumer#1', 'producer#2']) {
            if (![...j.named.entries()].some(([t, n]) => t.startsWith(`${pid}:`) && n === task)) {
                die(`process ${pid} has no track named ${task}`);
            }
        }
    }
    if (j.starts.size !== 9) die(`${j.starts.size} flows, not 3 per loop`);
    // Each loop after the one before (their clocks are the same here).
    const span = new Map();
    for (const e of j.doc.traceEvents) {
        if (e.ph === 'M') continue;
        const [lo, hi] = span.get(e.pid) || [Infinity, -Infinity];
        span.set(e.pid, [Math.min(lo, e.ts), Math.max(hi, e.ts)]);
    }
    for (const pid of [2, 3]) {
        if (!(span.get(pid)[0] > span.get(pid - 1)[1])) die(`loop ${pid} begins at ${span.get(pid)[0]}, before loop ${pid - 1} ends`);
    }
    // --loop N: that loop alone, as a file with one dump reads.
    const two = ok(['--format', 'text', '--loop', '2', file]);
    if (two !== want) die(`--loop 2 differs from ${rest[0]}: ${firstDiff(two, want)}`);
    const r = run(['--loop', '4', file]);
    if (r.status !== 2 || !/^pawl-trace: --loop 4: .* holds 3 loops\n/.test(r.stderr)) {
        die(`--loop 4 of 3 loops: exit status ${r.status}, ${r.stderr}`);
    }
    break;
}
case 'sequence': {
    fs.mkdirSync(opt.tmp, { recursive: true });
    const out = path.join(opt.tmp, 'run.svg');
    fs.rmSync(out, { force: true });
    ok([opt.trace, '-o', out]); // the format from the extension
    const svg = fs.readFileSync(out, 'utf8');
    const p = sequenceParts(svg, out);
    const heads = p.lifelines.join(' | ');
    if (heads !== 'executor loop | task consumer#1 | task producer#2 | timer wheel | waker timer callback') {
        die(`the lifelines are: ${heads}`);
    }
    // Every poll, return, wake and timer event of the timeline is an arrow.
    const rows = timelineRows(ok(['--format', 'text', opt.trace]).split('\n'));
    const count = (re) => rows.filter((l) => re.test(l)).length;
    const kinds = [[/^poll$/, /  polled$/, 'polls'], [/^PENDING/, /  pending/, 'PENDING'],
        [/^READY/, /  finished/, 'READY'], [/^wake \S+: run queue$/, /  woken  <- /, 'wakes'],
        [/^timer#\d+ armed, due \d+$/, /  armed for /, 'timers armed'],
        [/^timer#\d+ fired \(due \d+\)$/, /  fired /, 'timers fired']];
    let total = 0;
    for (const [arrow, row, what] of kinds) {
        expectCount(p.arrows, arrow, count(row), what);
        total += count(row);
    }
    if (p.arrows.length !== total) die(`${p.arrows.length} arrows, expected ${total}:\n  ${p.arrows.join('\n  ')}`);
    if (p.times.join(' ') !== '1 6') die(`the times at the left are ${p.times.join(' ')}, not 1 6`);
    const again = ok(['--format', 'sequence', opt.trace]);
    if (again !== svg) die(`a second run draws other bytes: ${firstDiff(again, svg)}`);
    break;
}
case 'sequence-cap': {
    // A stream of the events ten times over: 240 events, more than are drawn.
    const good = fs.readFileSync(opt.trace);
    const head = Buffer.from(good.subarray(0, 48));
    head[15] = 1;
    head.writeUInt32LE(0, 16);
    const records = good.subarray(good.readUInt16LE(10));
    const n = good.readUInt32LE(16);
    fs.mkdirSync(opt.tmp, { recursive: true });
    const file = path.join(opt.tmp, 'long.trace');
    fs.writeFileSync(file, Buffer.concat([head, ...Array(10).fill(records)]));
    const p = sequenceParts(ok(['--format', 'sequence', file]), file);
    const drawn = p.arrows.length + p.notes.length;
    if (drawn !== 200) die(`${drawn} rows drawn of ${10 * n} events, not 200`);
    // The events after the one drawn last: counted on the timeline, where
    // promise creation and reaction registration are the events not drawn.
    const rows = timelineRows(ok(['--format', 'text', file]).split('\n'));
    let rowsSoFar = 0;
    let k = 0;
    for (; k < rows.length && rowsSoFar < 200; k++) if (!/  (created|awaited|reaction added for \S+)(  <- .*)?$/.test(rows[k])) rowsSoFar++;
    const note = `... and ${rows.length - k} more events, not drawn`;
    if (rows.length !== 10 * n || !p.text.includes(note)) die(`no note says "${note}":\n${p.text.split('\n').slice(-3).join('\n')}`);
    break;
}
case 'tour': {
    fs.mkdirSync(opt.tmp, { recursive: true });
    const dump = path.join(opt.tmp, 'tour.trace');
    fs.rmSync(dump, { force: true });
    const r = childProcess.spawnSync(rest[0], [], { encoding: 'utf8', maxBuffer: 64 << 20,
        env: { ...process.env, PAWL_TOUR_TRACE: dump } });
    if (r.error) die(`cannot run ${rest[0]}: ${r.error.message}`);
    if (r.status !== 0) die(`${rest[0]} exited with ${r.status}:\n${r.stderr}`);
    if (!fs.existsSync(dump)) die(`${rest[0]} wrote no trace to ${dump}`);
    // The text: a heading per loop, and no loop lost an event.
    const text = ok(['--format', 'text', dump]).split('\n');
    if (!/^# pawl trace: 4 loops, \d+ events$/.test(text[0])) die(`the timeline begins ${text[0]}`);
    const heads = text.filter((l) => l.startsWith('## loop '));
    if (heads.length !== 4) die(`${heads.length} loop headings, not 4`);
    heads.forEach((l, k) => {
        if (!new RegExp(`^## loop ${k + 1}: \\d+ events, 0 dropped before the first`).test(l)) {
            die(`loop ${k + 1}'s heading: ${l} (the ring must hold the whole loop)`);
        }
    });
    // The JSON: one process per loop, each with its tasks.
    const j = jsonValid(ok([dump]));
    const names = [...j.processes.entries()].sort((a, b) => a[0] - b[0]).map(([pid, name]) => `${pid}=${name}`).join(' ');
    if (names !== '1=loop 1 2=loop 2 3=loop 3 4=loop 4') die(`the processes are ${names}, not one per loop (4)`);
    const tracksOf = (pid) => [...j.named.entries()].filter(([t]) => t.startsWith(`${pid}:`)).map(([, n]) => n);
    if (tracksOf(1).length < 6) die(`the main loop has ${tracksOf(1).length} tracks; it spawns more tasks than that`);
    const stops = [[2, 'napper', 7], [3, 'awaiter', 8], [4, 'client', 9]];
    for (const [pid, task, stop] of stops) {
        if (!tracksOf(pid).some((n) => new RegExp(`^${task}#\\d+$`).test(n))) {
            die(`loop ${pid} (stop ${stop}) has no track for its task ${task}: ${tracksOf(pid).join(', ')}`);
        }
    }
    for (const pid of [1, 2, 3, 4]) {
        if (!j.doc.traceEvents.some((e) => e.pid === pid && e.ph === 'B' && e.cat === 'task')) die(`loop ${pid} polled no task`);
    }
    break;
}
case 'lowering-transcript': {
    const { stdout } = runLowering(rest[0]);
    const want = fs.readFileSync(rest[1], 'utf8');
    if (stdout !== want) die(`the traced run's transcript differs from ${rest[1]}: ${firstDiff(stdout, want)}`);
    break;
}
case 'lowering-svg-same': {
    // The commands --help gives, with the program and scratch files.
    const help = ok(['--help']).split('\n').map((l) => l.trim());
    const make = help.find((l) => l.startsWith('PAWL_LOWERING_TRACE='));
    const draw = help.find((l) => l.startsWith('tools/pawl-trace ') && l.endsWith(`-o ${rest[1]}`));
    if (make === undefined || draw === undefined) die(`--help gives no commands that redraw ${rest[1]}`);
    const m = /^PAWL_LOWERING_TRACE=(\S+) BUILD\/examples\/lowering\/state_machine_traced$/.exec(make);
    if (m === null) die(`--help's command is not of the form PAWL_LOWERING_TRACE=FILE BUILD/...: ${make}`);
    const { dump } = runLowering(rest[0]);
    const args = draw.split(/\s+/).slice(1).map((a) => (a === m[1] ? dump : a));
    const out = path.join(opt.tmp, 'lowering-sequence.svg');
    args[args.length - 1] = out;
    ok(args);
    const got = fs.readFileSync(out, 'utf8');
    const want = fs.readFileSync(path.join(opt.root, rest[1]), 'utf8');
    if (got !== want) {
        die(`the sequence diagram of a fresh run differs from ${rest[1]}: ${firstDiff(got, want)}\n` +
            'If the change is intended, redraw it with the two commands at the end of tools/pawl-trace --help.');
    }
    break;
}
case 'lowering-svg-valid': {
    const { dump } = runLowering(rest[0]);
    const p = sequenceParts(ok(['--format', 'sequence', dump]), 'the sequence diagram of the lowering run');
    const heads = p.lifelines.join(' | ');
    if (heads !== 'executor loop | task job#1 | timer wheel | waker timer callback') die(`the lifelines are: ${heads}`);
    for (const t of ['100', '300', '350']) if (!p.times.includes(t)) die(`no time ${t} at the left: ${p.times.join(' ')}`);
    expectCount(p.arrows, /^poll$/, 4, 'polls');
    expectCount(p.arrows, /^PENDING$/, 3, 'PENDING');
    expectCount(p.arrows, /^READY$/, 1, 'READY');
    expectCount(p.arrows, /^timer#\d armed, due \d+$/, 5, 'timers armed');
    expectCount(p.arrows, /^timer#\d cleared$/, 2, 'timers cleared');
    expectCount(p.arrows, /^timer#\d fired \(due (100|300|350)\)$/, 3, 'timers fired');
    expectCount(p.arrows, /^wake job#1: run queue$/, 3, 'wakes');
    break;
}
default:
    die(`unknown check ${check}`);
}
