#!/usr/bin/env node
// tools/bench/report.js -- write docs/performance.md and its charts
// (docs/img/perf-*.svg) from the figures the benchmarks measured.
//
//   node tools/bench/report.js [-o DIR] RESULTS...
//
// tools/bench/run-all runs every benchmark with BENCH_RESULTS set, adds
// what it knows of the machine and the run, and then runs this.  It can
// also be run by hand on a results file that run-all kept.
//
//   -o DIR   write DIR/performance.md and DIR/img/perf-*.svg (default:
//            docs/ of this repository).  Charts named perf-*.svg in DIR/img
//            that this run did not draw are removed, so that the page and
//            its pictures always come from the same run.
//
// The results file is text, one record a line, fields separated by tabs;
// empty lines and lines starting with '#' are skipped:
//
//   bench  case  impl  metric  value  unit     a figure
//   meta   key   value                         about the run
//
// bench is the benchmark (executor, timers, promises, sync, http, size);
// case is "SECTION: CASE" or just "CASE" (one table per section); impl is
// the implementation measured (pawl..., libuv, node..., os-floor); value
// is a number as the benchmark printed it, or "-" when it was not
// measured, and then unit gives the reason (impl and metric may then be
// "*": the whole case, or the whole implementation in that case).
// A metric's unit says which way is better: a rate (".../s") higher,
// "callbacks/interval" neither (the exact count is the goal), anything
// else (time, instructions, bytes) lower.
//
// meta keys: date, mode (full or quick), command, commit, cpu, cores,
// memory, kernel, debian, gcc, clang, node, libuv, wrk, load_start,
// load_end; ran:BENCH (what ran), skipped:BENCH (why not), settings:BENCH
// (the environment it ran with).
//
// The output depends on the input only: the same results give the same
// bytes (no clock is read here; the date is the run's).  Every figure on
// the page and in the charts is one of the input's, as it was printed;
// ratios and "best" are computed from them.  Exit status: 0, or 1 with a
// message on a missing or garbled results file, 2 on a bad command line.
'use strict';

const fs = require('fs');
const path = require('path');

const PROG = 'report.js';

class Fail extends Error {
    constructor(msg, status = 1) {
        super(msg);
        this.status = status;
    }
}

// ---- what each benchmark measures (text that does not depend on a run) ----

const BENCHES = [
    {
        id: 'executor',
        title: 'Executor',
        script: 'tools/bench/run.sh',
        what: 'The executor alone (`bench_core`): no timers, no I/O. ' +
            '*time* is one native run of N operations (`BENCH_N`), ns per operation; ' +
            '*instructions* is callgrind\'s count per operation, the slope between two runs ' +
            'of different length (`tools/bench/callgrind.sh`), so start-up cancels out and ' +
            'the figure does not move with the machine\'s load; *executor instructions* is the ' +
            'part of it executed in `src/` and the inline wake of `pawl/loop.h`. ' +
            'No peer runs this benchmark: libuv and Node have no task to poll.',
        sections: [
            [/^$/, 'pingpong: two tasks wake each other through a flag-and-waker future (per hop); ' +
                'yield: one task yielding (per yield); spawn: spawn and run an empty task, in ' +
                'batches (per task); spawn1: spawn plus a whole `pawl_loop_run` per task; remote: ' +
                '`pawl_wake_remote` from another thread, as the producer sees it.'],
            [/^tracing$/, 'What tracing (`PAWL_TRACE`, `pawl/trace.h`) costs per pingpong hop, ' +
                'by callgrind: *pawl* is the build without it (its objects are the same bytes as ' +
                'a build that never had tracing); *pawl-trace-compiled-in* is `bench_core_traced`, ' +
                'on the library compiled with `PAWL_TRACE`, not recording; ' +
                '*pawl-trace-recording* records every event into a ring of 4096.'],
            [/^sizes$/, 'The size of a task on this machine.'],
        ],
    },
    {
        id: 'timers',
        title: 'Timers',
        script: 'tools/bench/timers',
        what: 'The same timer workloads on pawl (`bench_timers`), libuv (`bench_timers_uv`) and, ' +
            'for W3 and W4, Node.js (`timers_w3.js`, `timers_w4.js`), each run a process of its ' +
            'own. pawl is its intrusive `pawl_timer`; pawl-js is its `setTimeout`/`setInterval` ' +
            'layer, which allocates a record per timer. Instructions are callgrind\'s inclusive ' +
            'count of the measured function, per operation.',
        sections: [
            [/^W1$/, 'W1, arm + cancel: one timer started and stopped, per pair, with 10^3, 10^5 ' +
                'and 10^6 other timers armed up to an hour away. *library instructions* leaves ' +
                'out the benchmark\'s own loop.'],
            [/^W2$/, 'W2: `W2_N` timers (10^6 unless set) armed for 1 to 1000 ms and all fired: CPU time ' +
                'and instructions of the arm and the fire phases, per timer, and of the whole ' +
                'run. pawl-virtual runs the same on the virtual clock, where the work is the same ' +
                'on every run.'],
            [/^W3$/, 'W3: 1,000 intervals of 1 ms for 1 s on the real clock: how late callbacks ' +
                'run (median and p99, the run with the median p99 of `W3_RUNS`), and callbacks per ' +
                'interval (1000 is exact). os-floor is the system\'s own lateness waking to the ' +
                'same 1 ms grid with no loop at all. Node exposes no deadline: only its count is ' +
                'measured.'],
            [/^W4$/, 'W4: `W4_N` tasks (10^6 unless set) each sleeping 0 to 1000 ms, all ' +
                'completing: peak RSS and CPU time of the whole process, beside as many awaited ' +
                'timer promises in Node (node-promises: `timers/promises`; node-wrap: `new Promise` + `setTimeout`).'],
        ],
    },
    {
        id: 'promises',
        title: 'Promises',
        script: 'tools/bench/promises',
        what: 'The same three workloads on pawl (`bench_promises`) and on Node.js ' +
            '(`bench_promises.js`), run round-robin; *time* is the median of `BENCH_RUNS` runs, ' +
            'ns per operation; *instructions* are pawl\'s, callgrind\'s slope between two sizes; ' +
            '*library instructions* the part of them executed in `src/` and `include/pawl/`.',
        sections: [
            [/^chain$/, 'A chain of `CHAIN_N` `then` handlers (10^6 unless set) on a resolved promise, built and run. ' +
                'pawl-alloc takes promises from the loop\'s allocator, pawl-pool from a pool sized ' +
                'for the chain; node is `p = p.then(v => v + 1)`, node-shared one shared handler ' +
                'function (no closure per `then`).'],
            [/^await$/, '`AWAIT_N` awaits (10^6 unless set) of an already fulfilled promise in one task (an async ' +
                'function in Node). pawl: await budget INT_MAX, the task never yields; ' +
                'pawl-default-budget: it yields to the loop every 128 awaits.'],
            [/^all$/, '`all` over `ALL_N` fulfilled promises, `ALL_R` rounds (10^4 and 100 ' +
                'unless set), per input promise.'],
        ],
    },
    {
        id: 'sync',
        title: 'Synchronisation',
        script: 'tools/bench/sync',
        what: 'The fast paths of `pawl/sync.h` (`bench_sync`): *time* is the median of ' +
            '`BENCH_RUNS` native runs, *instructions* callgrind\'s slope between two run sizes. ' +
            'No peer runs this benchmark.',
        sections: [
            [/^$/, 'channel: one item sent and received between two tasks through a channel of ' +
                'capacity 64; sem: an uncontended acquire + release in one task; sem_skeleton: ' +
                'the same loop without the calls (sem\'s *library instructions* is sem minus it).'],
        ],
    },
    {
        id: 'http',
        title: 'HTTP server',
        script: 'tools/bench/http',
        // Not set against the others in the readings (the table shows it).
        apart: ['pawl-2t'],
        apartWhy: 'it is pinned to no CPU and shares both with wrk',
        what: '`examples/http` (pawl, on each of its I/O backends) beside the same server on ' +
            'libuv (`http_uv.c`) and on Node\'s `http` module, under wrk with keep-alive. Each ' +
            'server is pinned to CPU 0 and wrk to CPU 1; pawl-2t (`--threads 2`) is pinned to ' +
            'neither and shares both CPUs with wrk, so its row does not compare one for one. ' +
            '*server cpu* is the server\'s user + system time over the requests it served; when ' +
            'a server is well under one busy core, requests/s is wrk\'s limit, not the server\'s. ' +
            '*server system calls* are counted by `perf stat` in the warm-up run. ' +
            'os-floor-epoll and os-floor-uring are references, not servers: `http_floor.c`, about ' +
            'the least a server can do per request (recv and send after epoll; multishot recv ' +
            'and batched sends on io_uring), so a server\'s CPU above theirs is all that any ' +
            'server could save.',
        sections: [
            [/^load$/, 'wrk runs of `HTTP_BENCH_SECONDS` each, the one with the median ' +
                'requests/s of `HTTP_BENCH_RUNS` shown; latency is wrk\'s.'],
            [/^idle$/, '`HTTP_IDLE_N` idle keep-alive connections (10,000 unless set) held open after one request each: the ' +
                'server\'s VmRSS increase per connection (user-space memory; kernel socket ' +
                'buffers are not in it), beside the figure the server states at start-up.'],
        ],
    },
    {
        id: 'size',
        title: 'Size on Cortex-M',
        script: 'tools/bench/size',
        what: 'The firmware configuration (no OS, no malloc) cross-compiled with ' +
            'arm-none-eabi-gcc -Os and linked with --gc-sections, so only what each program ' +
            'uses counts. core: executor + wheel + timers; promises: the same plus promises; ' +
            'firmware: `examples/firmware`, the whole image. No peer runs this benchmark.',
        sections: [
            [/flash$/, 'Flash and RAM per program: pawl\'s own modules without the port, ' +
                'all modules, and the RAM of `.data` + `.bss`.'],
            [/RAM per object$/, 'The size of each object type (sizeof, read with nm).'],
        ],
    },
];

const META_ROWS = [
    ['date', 'date (UTC)'], ['mode', 'mode'], ['command', 'command'], ['commit', 'commit'],
    ['cpu', 'CPU'], ['cores', 'cores'], ['memory', 'memory'], ['kernel', 'kernel'],
    ['debian', 'Debian'], ['gcc', 'gcc'], ['clang', 'clang'], ['node', 'Node.js'],
    ['libuv', 'libuv'], ['wrk', 'wrk'], ['load_start', 'load average at the start'],
    ['load_end', 'load average at the end'],
];

// ---- reading the results ----------------------------------------------------

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function parse(text, file) {
    const meta = new Map();
    const figures = [];
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((raw, i) => {
        const line = raw.replace(/\r$/, '');
        const where = `${file}:${i + 1}`;
        if (line.trim() === '' || line.startsWith('#')) return;
        const f = line.split('\t');
        if (f[0] === 'meta') {
            if (f.length !== 3)
                throw new Fail(`${where}: a meta line has 3 tab-separated fields (meta, key, ` +
                    `value), this one has ${f.length}`);
            if (f[1] === '') throw new Fail(`${where}: a meta line with an empty key`);
            meta.set(f[1], f[2]);
            return;
        }
        if (f.length !== 6)
            throw new Fail(`${where}: expected 6 tab-separated fields (bench, case, impl, ` +
                `metric, value, unit), found ${f.length}: ${JSON.stringify(line)}`);
        const [bench, kase, impl, metric, value, unit] = f;
        for (const [name, v] of [['bench', bench], ['case', kase], ['impl', impl],
            ['metric', metric], ['unit', unit]]) {
            if (v.trim() === '') throw new Fail(`${where}: empty ${name} field`);
        }
        if (value !== '-' && !NUMBER.test(value))
            throw new Fail(`${where}: value ${JSON.stringify(value)} is not a number ` +
                `(nor "-" for not measured)`);
        if (value !== '-' && (impl === '*' || metric === '*'))
            throw new Fail(`${where}: impl or metric "*" is only for a figure not measured ("-")`);
        const colon = kase.indexOf(': ');
        figures.push({
            bench, impl, metric, value, unit,
            section: colon < 0 ? '' : kase.slice(0, colon),
            kase: colon < 0 ? kase : kase.slice(colon + 2),
            missing: value === '-',
        });
    });
    return { meta, figures };
}

// ---- numbers and words ------------------------------------------------------------

function direction(unit) {
    if (/\/s$/.test(unit)) return 'higher';
    if (unit === 'callbacks/interval') return 'none';
    return 'lower';
}
const DIRECTION_TEXT = {
    higher: 'higher is better', lower: 'lower is better',
    none: 'neither way is better: the exact count is the goal',
};

// A ratio with three significant digits, in plain notation.
function fmtRatio(r) {
    if (!isFinite(r)) return '-';
    if (r >= 100) return r.toFixed(0);
    if (r >= 10) return r.toFixed(1);
    if (r >= 1) return r.toFixed(2);
    if (r === 0) return '0';
    const digits = Math.min(6, 2 - Math.floor(Math.log10(r)));
    return r.toFixed(digits);
}

function isPawl(impl) { return impl === 'pawl' || impl.startsWith('pawl-'); }
function isReference(impl) { return impl.startsWith('os-'); }

function uniq(list) {
    const seen = new Set();
    return list.filter(x => (seen.has(x) ? false : (seen.add(x), true)));
}

function slug(s) {
    return s.toLowerCase().replace(/\^/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function escXml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}
function escMd(s) { return String(s).replace(/\|/g, '\\|'); }

// ---- the charts ---------------------------------------------------------------------

// Colours: pawl's series in blues, the peers' in their own hues.
const PAWL_COLOURS = ['#1f5fa8', '#4d8fd6', '#8bbbe8', '#0b3a6e', '#b7d4f0'];
const PEER_COLOURS = ['#e07b1a', '#3a9a3a', '#8e5fb8', '#c0392b', '#7a7a7a', '#b8860b'];
const METRIC_COLOURS = ['#1f5fa8', '#e07b1a', '#3a9a3a', '#8e5fb8', '#c0392b', '#7a7a7a'];

function colours(series, byImpl) {
    const out = new Map();
    let p = 0, q = 0;
    series.forEach((s, i) => {
        if (!byImpl) out.set(s, METRIC_COLOURS[i % METRIC_COLOURS.length]);
        else if (isReference(s)) out.set(s, '#9a9a9a');
        else if (isPawl(s)) out.set(s, PAWL_COLOURS[p++ % PAWL_COLOURS.length]);
        else out.set(s, PEER_COLOURS[q++ % PEER_COLOURS.length]);
    });
    return out;
}

// The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) >= v.
function niceCeil(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
    return 10 * p;
}

function fmtTick(v) {
    const s = Number(v.toPrecision(6)).toString();
    return /e/.test(s) ? v.toExponential(1) : s;
}

function n2(x) { return (Math.round(x * 100) / 100).toString(); }

const CHAR_W = 6; // rough width of a character at font-size 10, for layout

// chart: { title, unit, dir, groups: [case], series: [name], byImpl,
//          value(group, series) -> figure or undefined }
function drawSvg(chart) {
    const { groups, series } = chart;
    const labelLen = Math.max(3, ...groups.flatMap(g => series.map(s => {
        const f = chart.value(g, s);
        return f ? f.value.length : 3;
    })));
    const barW = Math.max(26, labelLen * CHAR_W + 6);
    const barGap = 4, groupGap = 28;
    const groupW = series.length * barW + (series.length - 1) * barGap;
    const groupTextW = Math.max(...groups.map(g => g.length * CHAR_W));
    // Case names wider than their bars are written slanting, below them.
    const slant = groupTextW > groupW + groupGap && groups.length > 3;
    const slotW = (slant ? groupW : Math.max(groupW, groupTextW)) + groupGap;
    const labelH = slant ? Math.ceil(groupTextW * 0.5) + 10 : 0;
    const left = Math.max(78, slant ? Math.ceil(groupTextW * 0.87) - slotW / 2 + 10 : 0);
    const right = 24, top = 62, plotH = 240;
    const plotW = groups.length * slotW;
    const title = chart.title;
    const legendItemW = Math.max(...series.map(s => s.length * CHAR_W + 34));
    const width = Math.max(left + plotW + right, title.length * 8 + 40, 360);
    const perRow = Math.max(1, Math.floor((width - left) / legendItemW));
    const legendRows = Math.ceil(series.length / perRow);
    const height = top + plotH + 34 + labelH + legendRows * 20 + 30;
    const max = Math.max(0, ...groups.flatMap(g => series.map(s => {
        const f = chart.value(g, s);
        return f && !f.missing ? Number(f.value) : 0;
    })));
    const axisMax = niceCeil(max);
    const y = v => top + plotH - (v / axisMax) * plotH;
    const col = colours(series, chart.byImpl);

    const o = [];
    o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
        `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`);
    o.push(`<title>${escXml(title)}</title>`);
    o.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
    o.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">${escXml(title)}</text>`);
    o.push(`<text x="${left}" y="40" font-size="11" fill="#444444">${escXml(chart.unit)}, ` +
        `${escXml(DIRECTION_TEXT[chart.dir])}</text>`);
    // The axis and its grid: five steps of axisMax / 5.
    for (let i = 0; i <= 5; i++) {
        const v = (axisMax * i) / 5, yy = n2(y(v));
        o.push(`<line x1="${left}" y1="${yy}" x2="${n2(left + plotW)}" y2="${yy}" ` +
            `stroke="${i ? '#e4e4e4' : '#333333'}" stroke-width="1"/>`);
        o.push(`<text x="${left - 6}" y="${n2(y(v) + 3.5)}" text-anchor="end">` +
            `${escXml(fmtTick(v))}</text>`);
    }
    o.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333333" ` +
        `stroke-width="1"/>`);
    groups.forEach((g, gi) => {
        const x0 = left + gi * slotW + groupGap / 2 + (slotW - groupGap - groupW) / 2;
        series.forEach((s, si) => {
            const f = chart.value(g, s);
            const x = x0 + si * (barW + barGap);
            const cx = n2(x + barW / 2);
            // A metric a case does not have (one impl: a bar per metric)
            // is simply absent; an impl missing from a case was not measured.
            if (!f && !chart.byImpl) return;
            if (!f || f.missing) {
                o.push(`<text class="not-measured" x="${cx}" y="${top + plotH - 4}" ` +
                    `text-anchor="middle" fill="#888888" data-series="${escXml(s)}" ` +
                    `data-case="${escXml(g)}">n/m</text>`);
                return;
            }
            const v = Number(f.value);
            const h = (v / axisMax) * plotH;
            o.push(`<rect class="bar" x="${n2(x)}" y="${n2(top + plotH - h)}" width="${barW}" ` +
                `height="${n2(h)}" fill="${col.get(s)}" data-series="${escXml(s)}" ` +
                `data-case="${escXml(g)}" data-value="${escXml(f.value)}"/>`);
            o.push(`<text class="value" x="${cx}" y="${n2(top + plotH - h - 4)}" ` +
                `text-anchor="middle">${escXml(f.value)}</text>`);
        });
        const gx = n2(left + gi * slotW + slotW / 2), gy = top + plotH + 18;
        o.push(slant
            ? `<text x="${gx}" y="${gy}" text-anchor="end" font-size="11" ` +
              `transform="rotate(-30 ${gx} ${gy})">${escXml(g)}</text>`
            : `<text x="${gx}" y="${gy}" text-anchor="middle" font-size="11">${escXml(g)}</text>`);
    });
    const ly = top + plotH + 40 + labelH;
    series.forEach((s, i) => {
        const lx = left + (i % perRow) * legendItemW;
        const yy = ly + Math.floor(i / perRow) * 20;
        o.push(`<rect x="${lx}" y="${yy}" width="12" height="12" fill="${col.get(s)}"/>`);
        o.push(`<text x="${lx + 18}" y="${yy + 10}" font-size="11">${escXml(s)}</text>`);
    });
    const anyMissing = groups.some(g => series.some(s => {
        const f = chart.value(g, s);
        return chart.byImpl ? !f || f.missing : f && f.missing;
    }));
    if (anyMissing) {
        o.push(`<text x="${left}" y="${height - 8}" fill="#666666">n/m: not measured ` +
            `(the table gives the reason)</text>`);
    }
    o.push('</svg>');
    return o.join('\n') + '\n';
}

// ---- the page ----------------------------------------------------------------------------

function sectionText(bench, section) {
    for (const [re, text] of bench.sections) if (re.test(section)) return text;
    return '';
}

// The charts and the reading of one metric (or one unit, for one impl).
function readMetric(chart) {
    const { groups, series } = chart;
    const num = (g, s) => {
        const f = chart.value(g, s);
        return f && !f.missing ? Number(f.value) : undefined;
    };
    const out = [];
    const label = `${chart.metric} (${chart.unit}, ${DIRECTION_TEXT[chart.dir]})`;
    if (!chart.byImpl) {
        // One implementation: the span of each metric over the cases.
        const spans = series.map(s => {
            const vals = groups.map(g => [g, chart.value(g, s)]).filter(([, f]) => f && !f.missing);
            if (vals.length < 2) return null;
            const lo = vals.reduce((a, b) => (Number(b[1].value) < Number(a[1].value) ? b : a));
            const hi = vals.reduce((a, b) => (Number(b[1].value) > Number(a[1].value) ? b : a));
            if (Number(lo[1].value) === Number(hi[1].value)) return `${s} ${lo[1].value} in every case`;
            return `${s} from ${lo[1].value} (${lo[0]}) to ${hi[1].value} (${hi[0]})`;
        }).filter(Boolean);
        if (spans.length) out.push(`**${escMd(chart.unit)}.** ${escMd(spans.join('; '))}.`);
        return out;
    }
    if (chart.dir === 'none') return out;
    // pawl's first implementation (as in the table's ratio columns)
    // against each peer; "best" among all but the references and those
    // set apart.
    const apart = chart.apart || [];
    const pawls = series.filter(s => isPawl(s) && !apart.includes(s)).slice(0, 1);
    const peers = series.filter(s => !isPawl(s) && !isReference(s) && !apart.includes(s));
    const where = g => (groups.length > 1 ? ` (${g})` : '');
    const parts = [];
    if (pawls.length && peers.length) {
        for (const p of pawls) {
            for (const q of peers) {
                const rs = groups.map(g => {
                    const a = num(g, p), b = num(g, q);
                    return a !== undefined && b !== undefined && b !== 0
                        ? `${fmtRatio(a / b)}${where(g)}` : null;
                }).filter(Boolean);
                if (rs.length) parts.push(`${p} / ${q}: ${rs.join(', ')}`);
            }
        }
    }
    let best = '';
    if (chart.dir !== 'none') {
        const winners = groups.map(g => {
            const vals = series.filter(s => !isReference(s) && !apart.includes(s)).map(s => [s, num(g, s)])
                .filter(([, v]) => v !== undefined);
            if (vals.length < 2) return null;
            const bestV = chart.dir === 'higher' ? Math.max(...vals.map(([, v]) => v))
                : Math.min(...vals.map(([, v]) => v));
            return [g, vals.filter(([, v]) => v === bestV).map(([s]) => s).join(' and ')];
        }).filter(Boolean);
        if (winners.length) {
            const names = uniq(winners.map(([, w]) => w));
            const word = chart.dir === 'higher' ? 'Highest' : 'Lowest';
            if (names.length === 1)
                best = `${word}: ${names[0]}` + (winners.length > 1 ? ' in every case measured.' : '.');
            else best = `${word}: ` + winners.map(([g, w]) => `${w} (${g})`).join(', ') + '.';
        }
    }
    if (parts.length || best) {
        out.push(`**${escMd(label)}.** ` + (parts.length ? `Ratio ${parts.join('; ')}. ` : '') + best);
    }
    return out;
}

function render(results, imgRel) {
    const { meta, figures } = results;
    const charts = []; // { file, svg }
    const used = new Set();
    const md = [];
    const m = k => (meta.has(k) && meta.get(k) !== '' ? meta.get(k) : 'not recorded');
    const quick = meta.get('mode') === 'quick';

    md.push('# Performance', '');
    md.push('<!-- Generated by tools/bench/run-all (tools/bench/report.js): do not edit by hand. -->', '');
    md.push('Every benchmark in [`tools/bench`](../tools/bench), run one after another by ' +
        '`tools/bench/run-all`, with pawl\'s figures beside its peers\' (libuv, Node.js) from ' +
        'the same run. The numbers are whatever this run measured on this machine: wall-clock ' +
        'figures move with the machine and its load; instruction counts (callgrind) and sizes ' +
        'do not. Run `tools/bench/run-all` to measure your own machine; `--help` says how.', '');
    if (quick) {
        md.push('> **This was a quick run** (`--quick`): the benchmarks ran with small sizes ' +
            'and fewer runs, for trying the tool out. Its figures are noisier than a full ' +
            'run\'s and are not the ones to quote.', '');
    }
    md.push('A ratio `pawl / libuv` of 0.5 means pawl\'s figure is half of libuv\'s: better ' +
        'where lower is better (time, instructions, bytes), worse where higher is better ' +
        '(requests/s). "not measured" says why a figure is missing; no figure is filled in.', '');

    md.push('## The run', '');
    md.push('| | |', '|---|---|');
    for (const [k, name] of META_ROWS) {
        const v = m(k);
        md.push(`| ${name} | ${k === 'command' ? '`' + escMd(v) + '`' : escMd(v)} |`);
    }
    md.push('');

    const known = BENCHES.map(b => b.id);
    const extra = uniq(figures.map(f => f.bench)).filter(b => !known.includes(b));
    const benches = BENCHES.concat(extra.map(id => ({
        id, title: id, script: `tools/bench/${id}`, what: '', sections: [],
    })));

    md.push('## Contents', '');
    for (const b of benches) md.push(`* [${b.title}](#${slug(b.title)}) (\`${b.script}\`)`);
    md.push('');

    for (const b of benches) {
        md.push(`## ${b.title}`, '');
        md.push(`\`${b.script}\`. ${b.what}`.trim(), '');
        const mine = figures.filter(f => f.bench === b.id);
        if (meta.has(`settings:${b.id}`) && meta.get(`settings:${b.id}`) !== '')
            md.push(`Run with: \`${escMd(meta.get(`settings:${b.id}`))}\``, '');
        if (!mine.length) {
            const why = meta.get(`skipped:${b.id}`) ||
                (meta.has(`ran:${b.id}`) ? 'the benchmark ran but reported no figures'
                    : 'no figures for it in the results');
            md.push(`Not measured: ${why}.`, '');
            continue;
        }
        for (const section of uniq(mine.map(f => f.section))) {
            const fs_ = mine.filter(f => f.section === section);
            if (section !== '') md.push(`### ${b.title}: ${section}`, '');
            const text = sectionText(b, section);
            if (text) md.push(text, '');
            const cases = uniq(fs_.map(f => f.kase));
            const impls = uniq(fs_.filter(f => f.impl !== '*').map(f => f.impl));
            const metrics = uniq(fs_.filter(f => f.metric !== '*').map(f => `${f.metric}\t${f.unit}`))
                .filter(mu => fs_.some(f => `${f.metric}\t${f.unit}` === mu && !f.missing));
            const find = (c, i, mu) => fs_.find(f => f.kase === c && f.impl === i &&
                `${f.metric}\t${f.unit}` === mu);
            // Why a cell is empty: a "-" record for it, its impl or its case.
            const why = (c, i) => {
                const f = fs_.find(x => x.missing && x.kase === c && (x.impl === i || x.impl === '*'));
                return f ? f.unit : null;
            };
            const wholeCase = c => fs_.find(x => x.missing && x.kase === c && x.impl === '*');
            const measured = cases.filter(c => !wholeCase(c) ||
                fs_.some(f => f.kase === c && !f.missing));
            for (const c of cases.filter(c => !measured.includes(c)))
                md.push(`${c}: not measured: ${wholeCase(c).unit}.`, '');
            if (!measured.length || !metrics.length) continue;
            const tableImpls = impls.filter(i => fs_.some(f => f.impl === i && !f.missing) ||
                measured.some(c => why(c, i)));
            const pawl = tableImpls.find(isPawl);
            const peers = tableImpls.filter(i => !isPawl(i) && !isReference(i));
            const ratioCols = pawl ? peers : [];
            // The table: one row per case and metric, one column per impl.
            const head = ['case', 'metric', 'unit', ...tableImpls,
                ...ratioCols.map(p => `${pawl} / ${p}`)];
            md.push('| ' + head.map(escMd).join(' | ') + ' |');
            md.push('|' + head.map((h, i) => (i < 3 ? '---' : '---:')).join('|') + '|');
            for (const c of measured) {
                for (const mu of metrics) {
                    const [metric, unit] = mu.split('\t');
                    const cells = tableImpls.map(i => find(c, i, mu));
                    if (cells.every(f => !f || f.missing) && !tableImpls.some(i => why(c, i)))
                        continue;
                    if (cells.every(f => !f)) {
                        if (!tableImpls.some(i => why(c, i))) continue;
                    }
                    if (!cells.some(f => f && !f.missing)) continue;
                    const row = [c, metric, unit];
                    tableImpls.forEach((i, k) => {
                        const f = cells[k];
                        if (f && !f.missing) row.push(f.value);
                        else {
                            const w = (f && f.missing) ? f.unit : why(c, i);
                            row.push(`not measured: ${w || 'the benchmark reported no figure'}`);
                        }
                    });
                    for (const p of ratioCols) {
                        const a = find(c, pawl, mu), q = find(c, p, mu);
                        row.push(a && q && !a.missing && !q.missing && Number(q.value) !== 0
                            ? fmtRatio(Number(a.value) / Number(q.value)) : '-');
                    }
                    md.push('| ' + row.map(escMd).join(' | ') + ' |');
                }
            }
            md.push('');
            // The charts: with several impls, one per metric (a bar per impl);
            // with one, one per unit (a bar per metric).
            const chartList = [];
            if (tableImpls.length > 1) {
                for (const mu of metrics) {
                    const [metric, unit] = mu.split('\t');
                    const series = tableImpls.filter(i => measured.some(c => {
                        const f = find(c, i, mu);
                        return f && !f.missing;
                    }));
                    const groups = measured.filter(c => series.some(i => {
                        const f = find(c, i, mu);
                        return f && !f.missing;
                    }));
                    if (!series.length) continue;
                    chartList.push({
                        metric, unit, dir: direction(unit), groups, series, byImpl: true,
                        value: (g, s) => find(g, s, mu), key: `${metric} ${unit}`,
                    });
                }
            } else {
                const impl = tableImpls[0];
                for (const unit of uniq(metrics.map(mu => mu.split('\t')[1]))) {
                    const mus = metrics.filter(mu => mu.split('\t')[1] === unit);
                    const groups = measured.filter(c => mus.some(mu => {
                        const f = find(c, impl, mu);
                        return f && !f.missing;
                    }));
                    chartList.push({
                        metric: mus.map(mu => mu.split('\t')[0]).join(', '), unit,
                        dir: direction(unit), groups, series: mus.map(mu => mu.split('\t')[0]),
                        byImpl: false, impl,
                        value: (g, s) => find(g, impl, `${s}\t${unit}`), key: unit,
                    });
                }
            }
            const readings = [];
            for (const ch of chartList) {
                ch.apart = b.apart;
                const bars = ch.groups.length * ch.series.length;
                readings.push(...readMetric(ch));
                // One bar, or bars all of zero, say nothing the table does not.
                if (bars < 2 || ch.groups.every(g => ch.series.every(sr => {
                    const f = ch.value(g, sr);
                    return !f || f.missing || Number(f.value) === 0;
                }))) continue;
                ch.title = `${b.title}${section ? ': ' + section : ''}` +
                    (ch.byImpl ? `: ${ch.metric}` : ` (${ch.impl})`);
                let file = `perf-${slug(`${b.id} ${section} ${ch.key}`)}.svg`;
                for (let n = 2; used.has(file); n++) file = `perf-${slug(`${b.id} ${section} ${ch.key}`)}-${n}.svg`;
                used.add(file);
                charts.push({ file, svg: drawSvg(ch) });
                md.push(`![${escMd(ch.title)}, ${ch.unit}](${imgRel}/${file})`, '');
            }
            if (impls.length === 1 || !peers.length) {
                md.push(peers.length === 0 && tableImpls.length <= 1
                    ? `No peer ran this; the figures are ${tableImpls[0] || 'pawl'}'s alone.`
                    : 'No peer ran this.', '');
            }
            for (const r of readings) md.push(r, '');
            const apartHere = (b.apart || []).filter(i => tableImpls.includes(i));
            if (readings.length && apartHere.length) {
                md.push(`(${apartHere.join(', ')}: in the table and the charts, not in these ` +
                    `comparisons: ${b.apartWhy}.)`, '');
            }
        }
    }
    return { page: md.join('\n').replace(/\n+$/, '') + '\n', charts };
}

// ---- main ------------------------------------------------------------------------------

function usage() {
    const text = fs.readFileSync(__filename, 'utf8').split('\n');
    const out = [];
    for (const l of text.slice(1)) {
        if (!l.startsWith('//')) break;
        out.push(l.replace(/^\/\/ ?/, ''));
    }
    return out.join('\n') + '\n';
}

function main(argv) {
    let outDir = path.join(__dirname, '..', '..', 'docs');
    const files = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '-h' || a === '--help') {
            process.stdout.write(usage());
            return 0;
        } else if (a === '-o') {
            if (i + 1 >= argv.length) throw new Fail('-o needs a directory', 2);
            outDir = argv[++i];
        } else if (a.startsWith('-') && a !== '-') {
            throw new Fail(`unknown option ${a} (try --help)`, 2);
        } else files.push(a);
    }
    if (!files.length) throw new Fail('no results file given (try --help)', 2);
    const all = { meta: new Map(), figures: [] };
    for (const file of files) {
        let text;
        try {
            text = fs.readFileSync(file, 'utf8');
        } catch (e) {
            throw new Fail(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
        }
        const r = parse(text, file);
        for (const [k, v] of r.meta) all.meta.set(k, v);
        all.figures.push(...r.figures);
    }
    if (!all.figures.length) throw new Fail(`no figures in ${files.join(', ')}`);
    const { page, charts } = render(all, 'img');
    const imgDir = path.join(outDir, 'img');
    fs.mkdirSync(imgDir, { recursive: true });
    const keep = new Set(charts.map(c => c.file));
    for (const f of fs.readdirSync(imgDir)) {
        if (/^perf-.*\.svg$/.test(f) && !keep.has(f)) fs.unlinkSync(path.join(imgDir, f));
    }
    for (const c of charts) fs.writeFileSync(path.join(imgDir, c.file), c.svg);
    fs.writeFileSync(path.join(outDir, 'performance.md'), page);
    process.stderr.write(`${PROG}: wrote ${path.join(outDir, 'performance.md')} and ` +
        `${charts.length} charts in ${imgDir}\n`);
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (e) {
    if (!(e instanceof Fail)) throw e;
    process.stderr.write(`${PROG}: ${e.message}\n`);
    process.exitCode = e.status;
}
