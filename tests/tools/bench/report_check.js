/*
 * tests/tools/bench/report_check.js -- the checks behind the pawl_bench_*
 * tests (tools/bench/CMakeLists.txt), one per invocation:
 *
 *   node report_check.js --tool REPORT_JS --run-all RUN_ALL --fixture TSV
 *        --tmp DIR CHECK
 *
 * REPORT_JS is tools/bench/report.js (or a broken copy of it, to see a
 * check fail), run under this same node on the fixture TSV, a small
 * made-up results file, with its output in DIR (emptied first).  No
 * benchmark runs here.
 *
 *   sections          the page has a "## " part for each of the six
 *                     benchmarks and a "### " heading for every section
 *                     of the fixture
 *   every-figure      every figure of the fixture is in its section's
 *                     table, in the row of its case, metric and unit and
 *                     the column of its impl, as the fixture spells it
 *   only-fixture      every cell of every table's impl columns is a figure
 *                     of the fixture for that row and column, or says
 *                     "not measured: WHY" (nothing is filled in)
 *   not-measured      each "-" record of the fixture shows as "not
 *                     measured: " and its reason, each skipped benchmark
 *                     as "Not measured: " and its reason
 *   machine           the run's table shows every meta value of the
 *                     fixture (date, command, commit, CPU, versions ...)
 *   reading           the sentences under the charts are computed from
 *                     the figures: a ratio, a "Lowest", a "Highest", and
 *                     where only pawl ran, the span over the cases
 *   quick             mode quick puts the quick-run notice on the page;
 *                     mode full does not
 *   svg-well-formed   every chart is well-formed XML (tags balanced,
 *                     attributes quoted, text escaped), with an <svg>
 *                     root in the SVG namespace, a title and a unit
 *   bars-proportional in every chart, each bar's height over its value
 *                     is the same, the bars share a baseline, and each
 *                     bar's value is a figure of the fixture; the W1 time
 *                     chart has exactly the fixture's six bars
 *   charts-linked     every chart written is linked from the page, and
 *                     every chart linked was written
 *   deterministic     two runs on the same fixture write the same bytes
 *   stale-charts      a perf-*.svg left in the image directory by an
 *                     earlier run is removed; other files are kept
 *   error KIND        a bad input fails with exit status 1 (2 for a bad
 *                     option), one clear message on stderr, and no page:
 *                     missing (no such file), fields (a line with five
 *                     fields), number (a value that is not a number),
 *                     empty (no figures), meta (a meta line with two
 *                     fields), option (an unknown option)
 *   run-all-usage     tools/bench/run-all --help describes --quick, -o
 *                     and --only; an unknown option or benchmark name
 *                     exits 2 with a message, before running anything
 *
 * Exit status: 0 pass, 1 fail.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const childProcess = require('child_process');

const opts = {};
const rest = [];
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (['--tool', '--run-all', '--fixture', '--tmp'].includes(a)) opts[a.slice(2)] = process.argv[++i];
    else rest.push(a);
}

function die(message) {
    process.stderr.write(`FAIL: ${message}\n`);
    process.exit(1);
}
function check(cond, message) {
    if (!cond) die(message);
}

for (const k of ['tool', 'fixture', 'tmp']) check(opts[k], `--${k} is required`);

function fresh(dir) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/* Runs the report under this node; returns {status, stdout, stderr}. */
function report(args) {
    const r = childProcess.spawnSync(process.execPath, [opts.tool].concat(args), {
        encoding: 'utf8', maxBuffer: 64 << 20,
    });
    if (r.error) die(`cannot run ${opts.tool}: ${r.error.message}`);
    return r;
}

/* The report on FILE into DIR; returns the page and the charts by name. */
function generate(file, dir) {
    const r = report(['-o', dir, file]);
    check(r.status === 0, `report.js -o ${dir} ${file}: exit status ${r.status}:\n${r.stderr}`);
    const page = fs.readFileSync(path.join(dir, 'performance.md'), 'utf8');
    const charts = new Map();
    const img = path.join(dir, 'img');
    for (const f of fs.existsSync(img) ? fs.readdirSync(img).sort() : []) {
        if (/^perf-.*\.svg$/.test(f)) charts.set(f, fs.readFileSync(path.join(img, f), 'utf8'));
    }
    return { page, charts };
}

/* The fixture, as the report's header describes it. */
function readFixture(file) {
    const meta = new Map();
    const figures = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const f = line.split('\t');
        if (f[0] === 'meta') {
            meta.set(f[1], f[2]);
            continue;
        }
        const colon = f[1].indexOf(': ');
        figures.push({
            bench: f[0], section: colon < 0 ? '' : f[1].slice(0, colon),
            kase: colon < 0 ? f[1] : f[1].slice(colon + 2),
            impl: f[2], metric: f[3], value: f[4], unit: f[5], missing: f[4] === '-',
        });
    }
    return { meta, figures };
}

const SCRIPTS = {
    executor: 'run.sh', timers: 'timers', promises: 'promises', sync: 'sync', http: 'http',
    size: 'size',
};

/* The page's "## " parts: {heading, lines}; a bench's is the one whose
 * first paragraph names its script. */
function parts(page, level) {
    const out = [];
    let cur = null;
    for (const line of page.split('\n')) {
        const m = line.match(/^(#+) (.*)$/);
        if (m && m[1].length <= level) {
            cur = m[1].length === level ? { heading: m[2], lines: [] } : null;
            if (cur) out.push(cur);
        } else if (cur) cur.lines.push(line);
    }
    return out;
}
function benchPart(page, bench) {
    const p = parts(page, 2).find(x => x.lines.find(l => l.trim() !== '')
        .startsWith('`tools/bench/' + SCRIPTS[bench] + '`'));
    check(p, `no "## " part of the page for ${bench} (opening with tools/bench/${SCRIPTS[bench]})`);
    return p;
}
/* The lines of one section of a bench: the "### TITLE: SECTION" part, or
 * the bench's part up to its first "### " for section ''. */
function sectionLines(page, bench, section) {
    const p = benchPart(page, bench);
    if (section === '') {
        const end = p.lines.findIndex(l => l.startsWith('### '));
        return end < 0 ? p.lines : p.lines.slice(0, end);
    }
    const text = `## ${p.heading}\n` + p.lines.join('\n');
    const s = parts(text, 3).find(x => x.heading === `${p.heading}: ${section}`);
    check(s, `no heading "### ${p.heading}: ${section}" in the part of ${bench}`);
    return s.lines;
}
function splitRow(line) {
    const cells = [];
    let cur = '';
    const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    for (let i = 0; i < body.length; i++) {
        if (body[i] === '\\' && body[i + 1] === '|') { cur += '|'; i++; }
        else if (body[i] === '|') { cells.push(cur.trim()); cur = ''; }
        else cur += body[i];
    }
    cells.push(cur.trim());
    return cells;
}
/* The figure tables of some lines: [{head, rows}]. */
function tables(lines) {
    const out = [];
    for (let i = 0; i < lines.length; i++) {
        if (!lines[i].startsWith('| case | metric | unit |')) continue;
        const t = { head: splitRow(lines[i]), rows: [] };
        for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) t.rows.push(splitRow(lines[i]));
        out.push(t);
    }
    return out;
}

const fixture = readFixture(opts.fixture);
const tmp = opts.tmp;
const check_ = rest[0];

function checkSections() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    for (const b of Object.keys(SCRIPTS)) benchPart(page, b);
    const seen = new Set();
    for (const f of fixture.figures) {
        const key = `${f.bench}\t${f.section}`;
        if (seen.has(key) || f.section === '') continue;
        seen.add(key);
        sectionLines(page, f.bench, f.section);
    }
    check(seen.size >= 5, `the fixture should have several sections, has ${seen.size}`);
}

function checkEveryFigure() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    let n = 0;
    for (const f of fixture.figures.filter(x => !x.missing)) {
        const ts = tables(sectionLines(page, f.bench, f.section));
        const hit = ts.some(t => {
            const col = t.head.indexOf(f.impl);
            return col >= 3 && t.rows.some(r => r[0] === f.kase && r[1] === f.metric &&
                r[2] === f.unit && r[col] === f.value);
        });
        check(hit, `figure ${f.bench} / ${f.section} / ${f.kase} / ${f.impl} / ${f.metric} = ` +
            `${f.value} ${f.unit} is not in its table`);
        n++;
    }
    check(n >= 20, `only ${n} figures checked`);
}

function checkOnlyFixture() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    let cells = 0;
    for (const b of Object.keys(SCRIPTS)) {
        const p = benchPart(page, b);
        const text = `## ${p.heading}\n` + p.lines.join('\n');
        const secs = [{ heading: '', lines: sectionLines(page, b, '') }]
            .concat(parts(text, 3).map(s => ({ heading: s.heading.slice(p.heading.length + 2), lines: s.lines })));
        for (const s of secs) {
            for (const t of tables(s.lines)) {
                t.head.forEach((impl, col) => {
                    if (col < 3 || impl.includes(' / ')) return; // a ratio column
                    for (const r of t.rows) {
                        const v = r[col];
                        cells++;
                        if (/^not measured: \S/.test(v)) continue;
                        const f = fixture.figures.find(x => x.bench === b && x.section === s.heading &&
                            x.kase === r[0] && x.impl === impl && x.metric === r[1] && x.unit === r[2]);
                        check(f && !f.missing && f.value === v,
                            `${b} / ${s.heading} / ${r[0]} / ${impl} / ${r[1]}: the page shows ` +
                            `${JSON.stringify(v)}, the fixture has ${f ? JSON.stringify(f.value) : 'no such figure'}`);
                    }
                });
            }
        }
    }
    check(cells >= 20, `only ${cells} cells checked`);
}

function checkNotMeasured() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    const missing = fixture.figures.filter(f => f.missing);
    check(missing.length >= 3, 'the fixture should have several "-" records');
    for (const f of missing) {
        const lines = sectionLines(page, f.bench, f.section).join('\n');
        check(lines.includes(`not measured: ${f.unit}`),
            `${f.bench} / ${f.section} / ${f.kase} / ${f.impl}: no "not measured: ${f.unit}"`);
    }
    for (const [k, why] of fixture.meta) {
        if (!k.startsWith('skipped:')) continue;
        const b = k.slice('skipped:'.length);
        check(benchPart(page, b).lines.includes(`Not measured: ${why}.`),
            `${b}: no "Not measured: ${why}."`);
    }
}

function checkMachine() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    const run = parts(page, 2).find(p => p.heading === 'The run');
    check(run, 'no "## The run" part');
    const cells = new Set(run.lines.filter(l => l.startsWith('|')).flatMap(l => splitRow(l)));
    const keys = ['date', 'mode', 'command', 'commit', 'cpu', 'cores', 'memory', 'kernel', 'debian',
        'gcc', 'clang', 'node', 'libuv', 'wrk', 'load_start', 'load_end'];
    for (const k of keys) {
        const v = fixture.meta.get(k);
        check(v !== undefined, `the fixture has no meta ${k}`);
        check(cells.has(v) || cells.has('`' + v + '`'), `the run's table does not show ${k} = ${v}`);
    }
}

function checkReading() {
    const { page } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    // W1 time: pawl 4 / libuv 16 and 5 / 200; pawl lowest in both.
    const w1 = sectionLines(page, 'timers', 'W1').join('\n');
    check(/pawl \/ libuv: 0\.250 \(1000 live\), 0\.0250 \(1000000 live\)/.test(w1),
        'the W1 reading does not give pawl / libuv as 0.250 and 0.0250');
    check(/Lowest: pawl in every case measured\./.test(w1), 'the W1 reading does not say pawl is lowest');
    // http throughput: higher is better, libuv's 90000 is the highest.
    const load = sectionLines(page, 'http', 'load').join('\n');
    check(/throughput \(req\/s, higher is better\)\.\*\* Ratio pawl-epoll \/ libuv: 0\.889; pawl-epoll \/ node: 4\.00\. Highest: libuv\./.test(load),
        'the http throughput reading is not "pawl-epoll / libuv: 0.889 ... Highest: libuv"');
    // W3 lateness: os-floor (a reference) is lower but not named best.
    const w3 = sectionLines(page, 'timers', 'W3').join('\n');
    check(/Lowest: pawl-periodic\./.test(w3), 'the W3 reading does not name pawl-periodic lowest of the implementations');
    // One implementation: the span over the cases.
    const ex = sectionLines(page, 'executor', '').join('\n');
    check(ex.includes('**ns/op.** time from 6.5 (yield) to 8.25 (pingpong).'),
        'the executor reading does not give time from 6.5 (yield) to 8.25 (pingpong)');
}

function checkQuick() {
    const notice = 'This was a quick run';
    const full = generate(opts.fixture, fresh(path.join(tmp, 'full'))).page;
    check(!full.includes(notice), 'a full run says it was a quick run');
    const q = path.join(fresh(path.join(tmp, 'in')), 'quick.tsv');
    const text = fs.readFileSync(opts.fixture, 'utf8');
    check(text.includes('meta\tmode\tfull\n'), 'the fixture has no "meta mode full" line');
    fs.writeFileSync(q, text.replace('meta\tmode\tfull\n', 'meta\tmode\tquick\n'));
    const quick = generate(q, fresh(path.join(tmp, 'quick'))).page;
    check(quick.includes(notice), 'a quick run does not say so');
}

/* A small XML well-formedness check: balanced tags, quoted attributes,
 * escaped text; returns the root element's name and attributes. */
function parseXml(text, name) {
    let i = 0;
    const stack = [];
    let root = null;
    while (i < text.length) {
        const lt = text.indexOf('<', i);
        const chunk = text.slice(i, lt < 0 ? text.length : lt);
        check(!/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk), `${name}: a bare & in text`);
        check(!chunk.includes('>'), `${name}: a bare > in text`);
        if (stack.length === 0) check(chunk.trim() === '', `${name}: text outside the root element`);
        if (lt < 0) break;
        if (text.startsWith('<!--', lt)) {
            const end = text.indexOf('-->', lt);
            check(end > 0, `${name}: an unterminated comment`);
            i = end + 3;
            continue;
        }
        if (text.startsWith('<?', lt)) {
            const end = text.indexOf('?>', lt);
            check(end > 0 && stack.length === 0 && !root, `${name}: a misplaced declaration`);
            i = end + 2;
            continue;
        }
        const gt = text.indexOf('>', lt);
        check(gt > 0, `${name}: an unterminated tag`);
        const tag = text.slice(lt + 1, gt);
        const close = tag.match(/^\/([A-Za-z][\w.:-]*)\s*$/);
        if (close) {
            check(stack.length && stack[stack.length - 1] === close[1],
                `${name}: </${close[1]}> closes ${stack.length ? '<' + stack[stack.length - 1] + '>' : 'nothing'}`);
            stack.pop();
        } else {
            const m = tag.match(/^([A-Za-z][\w.:-]*)((?:\s+[A-Za-z_:][\w.:-]*="[^"<]*")*)\s*(\/?)$/);
            check(m, `${name}: a malformed tag <${tag.slice(0, 60)}>`);
            const attrs = {};
            for (const a of m[2].matchAll(/([A-Za-z_:][\w.:-]*)="([^"]*)"/g)) {
                check(!(a[1] in attrs), `${name}: attribute ${a[1]} twice in <${m[1]}>`);
                check(!/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(a[2]), `${name}: a bare & in an attribute`);
                attrs[a[1]] = a[2];
            }
            if (!root) {
                check(stack.length === 0, `${name}: no root`);
                root = { name: m[1], attrs };
            } else check(stack.length > 0, `${name}: a second root element <${m[1]}>`);
            if (!m[3]) stack.push(m[1]);
        }
        i = gt + 1;
    }
    check(stack.length === 0, `${name}: <${stack.join('>, <')}> never closed`);
    check(root, `${name}: no root element`);
    return root;
}

function unescape(s) {
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function checkSvg() {
    const { charts } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    check(charts.size >= 5, `only ${charts.size} charts`);
    for (const [name, svg] of charts) {
        const root = parseXml(svg, name);
        check(root.name === 'svg', `${name}: the root is <${root.name}>, not <svg>`);
        check(root.attrs.xmlns === 'http://www.w3.org/2000/svg', `${name}: the root has no SVG xmlns`);
        check(/^\d+$/.test(root.attrs.width || '') && /^\d+$/.test(root.attrs.height || ''),
            `${name}: no width and height`);
        check(/<title>[^<]+<\/title>/.test(svg), `${name}: no <title>`);
        check(/(lower|higher) is better|neither way is better/.test(svg), `${name}: does not say which way is better`);
    }
}

function checkBars() {
    const { charts } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    const values = new Set(fixture.figures.filter(f => !f.missing).map(f => f.value));
    let bars = 0;
    for (const [name, svg] of charts) {
        const rects = [...svg.matchAll(/<rect class="bar"([^>]*)\/>/g)].map(m => {
            const a = {};
            for (const x of m[1].matchAll(/([\w-]+)="([^"]*)"/g)) a[x[1]] = unescape(x[2]);
            return a;
        });
        check(rects.length >= 2, `${name}: ${rects.length} bars`);
        const top = rects.reduce((p, r) => (Number(r['data-value']) > Number(p['data-value']) ? r : p));
        const scale = Number(top.height) / Number(top['data-value']);
        check(scale > 0, `${name}: the tallest bar has no height`);
        const base = Number(top.y) + Number(top.height);
        for (const r of rects) {
            check(values.has(r['data-value']), `${name}: a bar of ${r['data-value']}, which is no figure of the fixture`);
            const want = Number(r['data-value']) * scale;
            check(Math.abs(Number(r.height) - want) <= 0.02,
                `${name}: the bar of ${r['data-value']} is ${r.height} high, proportional would be ${want.toFixed(2)}`);
            check(Math.abs(Number(r.y) + Number(r.height) - base) <= 0.02,
                `${name}: the bar of ${r['data-value']} does not stand on the baseline`);
            bars++;
        }
    }
    const w1 = charts.get('perf-timers-w1-time-ns-pair.svg');
    check(w1, 'no chart perf-timers-w1-time-ns-pair.svg');
    const got = [...w1.matchAll(/data-value="([^"]*)"/g)].map(m => m[1]).sort();
    const want = fixture.figures.filter(f => f.bench === 'timers' && f.section === 'W1' && f.metric === 'time')
        .map(f => f.value).sort();
    check(JSON.stringify(got) === JSON.stringify(want), `the W1 time chart has bars ${got}, the fixture ${want}`);
    check(bars >= 15, `only ${bars} bars checked`);
}

function checkLinked() {
    const { page, charts } = generate(opts.fixture, fresh(path.join(tmp, 'out')));
    const linked = new Set([...page.matchAll(/!\[[^\]]*\]\(img\/([^)]+)\)/g)].map(m => m[1]));
    for (const f of charts.keys()) check(linked.has(f), `${f} was written but the page does not link it`);
    for (const f of linked) check(charts.has(f), `the page links img/${f}, which was not written`);
}

function checkDeterministic() {
    const a = generate(opts.fixture, fresh(path.join(tmp, 'a')));
    const b = generate(opts.fixture, fresh(path.join(tmp, 'b')));
    check(a.page === b.page, 'two runs wrote different pages');
    check(JSON.stringify([...a.charts.keys()]) === JSON.stringify([...b.charts.keys()]),
        'two runs wrote different charts');
    for (const [k, v] of a.charts) check(b.charts.get(k) === v, `two runs wrote different ${k}`);
}

function checkStale() {
    const dir = fresh(path.join(tmp, 'out'));
    fs.mkdirSync(path.join(dir, 'img'));
    fs.writeFileSync(path.join(dir, 'img', 'perf-from-an-older-run.svg'), '<svg/>');
    fs.writeFileSync(path.join(dir, 'img', 'lowering-task.svg'), '<svg/>');
    generate(opts.fixture, dir);
    check(!fs.existsSync(path.join(dir, 'img', 'perf-from-an-older-run.svg')), 'a stale perf-*.svg was kept');
    check(fs.existsSync(path.join(dir, 'img', 'lowering-task.svg')), 'a file that is not a chart was removed');
}

function checkError(kind) {
    const dir = fresh(path.join(tmp, 'out'));
    const inDir = fresh(path.join(tmp, 'in'));
    const good = fs.readFileSync(opts.fixture, 'utf8');
    const bad = path.join(inDir, `${kind}.tsv`);
    let args = ['-o', dir, bad], status = 1, want;
    const lineOf = (text, needle) => text.split('\n').findIndex(l => l.includes(needle)) + 1;
    switch (kind) {
    case 'missing':
        want = `report.js: cannot read ${bad}: no such file\n`;
        break;
    case 'fields': {
        const t = good.replace('\t93.74\tinstr/op', '\t93.74');
        fs.writeFileSync(bad, t);
        want = `report.js: ${bad}:${lineOf(t, '\t93.74')}: expected 6 tab-separated fields ` +
            '(bench, case, impl, metric, value, unit), found 5: ';
        break;
    }
    case 'number': {
        const t = good.replace('\t8.25\t', '\t8,25\t');
        fs.writeFileSync(bad, t);
        want = `report.js: ${bad}:${lineOf(t, '8,25')}: value "8,25" is not a number (nor "-" for not measured)\n`;
        break;
    }
    case 'empty':
        fs.writeFileSync(bad, good.split('\n').filter(l => l.startsWith('meta') || l.startsWith('#')).join('\n'));
        want = `report.js: no figures in ${bad}\n`;
        break;
    case 'meta': {
        const t = good.replace('meta\tcores\t2', 'meta\tcores');
        fs.writeFileSync(bad, t);
        want = `report.js: ${bad}:${lineOf(t, 'meta\tcores')}: a meta line has 3 tab-separated fields ` +
            '(meta, key, value), this one has 2\n';
        break;
    }
    case 'option':
        args = ['--frobnicate', opts.fixture];
        status = 2;
        want = 'report.js: unknown option --frobnicate (try --help)\n';
        break;
    default:
        die(`unknown error kind ${kind}`);
    }
    const r = report(args);
    check(r.status === status, `${kind}: exit status ${r.status}, expected ${status}; stderr:\n${r.stderr}`);
    check(r.stderr.startsWith(want), `${kind}: stderr is\n${r.stderr}\nexpected it to start with\n${want}`);
    check(r.stderr.split('\n').length === 2, `${kind}: more than one line on stderr:\n${r.stderr}`);
    check(r.stdout === '', `${kind}: something on stdout`);
    check(!fs.existsSync(path.join(dir, 'performance.md')), `${kind}: a page was written`);
}

function checkRunAllUsage() {
    check(opts['run-all'], '--run-all is required');
    const run = args => {
        const r = childProcess.spawnSync(opts['run-all'], args, {
            encoding: 'utf8', env: Object.assign({}, process.env, { BENCH_BUILD_ROOT: path.join(tmp, 'never') }),
        });
        if (r.error) die(`cannot run ${opts['run-all']}: ${r.error.message}`);
        return r;
    };
    fresh(tmp);
    const h = run(['--help']);
    check(h.status === 0, `--help: exit status ${h.status}`);
    for (const w of ['--quick', '-o DIR', '--only LIST', 'BENCH_RESULTS', 'report.js'])
        check(h.stdout.includes(w), `--help does not mention ${w}`);
    const bad = run(['--frobnicate']);
    check(bad.status === 2 && /^run-all: unknown argument: --frobnicate/.test(bad.stderr),
        `--frobnicate: exit status ${bad.status}, stderr: ${bad.stderr}`);
    const only = run(['--only', 'timers,nosuch']);
    check(only.status === 2 && /^run-all: --only: no benchmark named 'nosuch'/.test(only.stderr),
        `--only timers,nosuch: exit status ${only.status}, stderr: ${only.stderr}`);
    check(!fs.existsSync(path.join(tmp, 'never')), 'a bad command line still created the build directory');
}

const checks = {
    sections: checkSections, 'every-figure': checkEveryFigure, 'only-fixture': checkOnlyFixture,
    'not-measured': checkNotMeasured, machine: checkMachine, reading: checkReading, quick: checkQuick,
    'svg-well-formed': checkSvg, 'bars-proportional': checkBars, 'charts-linked': checkLinked,
    deterministic: checkDeterministic, 'stale-charts': checkStale, error: () => checkError(rest[1]),
    'run-all-usage': checkRunAllUsage,
};
check(checks[check_], `unknown check ${check_}`);
checks[check_]();
