/*
 * tests/tools/graph_check.js -- the checks behind the pawl_graph_* tests
 * (tests/tools/CMakeLists.txt), one per invocation:
 *
 *   node graph_check.js --tool TOOL --root ROOT CHECK ARGS...
 *
 * TOOL is tools/pawl-graph (or a broken copy of it, to see a check fail);
 * it runs under this same node, with ROOT (the top of the source tree) as
 * its working directory, so file names in its output are relative.
 *
 *   same SOURCE EXPECTED [--format svg] [FUNCTION...]
 *       the output equals the checked-in EXPECTED file, byte for byte,
 *       with nothing on stderr
 *   svg-states SOURCE [FUNCTION...]
 *       the built-in SVG is well-formed XML with one <g class="node ...">
 *       per state of the DOT output (same ids) and one <g class="edge ...">
 *       per transition
 *   examples
 *       every examples/ file with a poll function draws, as DOT and as
 *       SVG, with no warning, and passes the svg-states check (a file
 *       that names PAWL_BEGIN only in comments is passed over; at least
 *       five files must draw)
 *   error STATUS REGEX ARGS...
 *       the tool exits with STATUS, prints nothing on stdout, and its
 *       stderr matches REGEX (a JavaScript regular expression)
 *   list SOURCE EXPECTED_LINE...
 *       --list prints exactly these lines
 *   help-regenerates
 *       --help works when the tool is run as a program (#! line, mode),
 *       and the command it gives for docs/img/lowering-task.{dot,svg},
 *       run with its outputs sent elsewhere, reproduces both files
 *   graphviz SOURCE
 *       --graphviz makes well-formed SVG with one node per state; skipped
 *       (exit 77) when Graphviz's dot is not installed
 *   graphviz-missing SOURCE
 *       with no dot on PATH, --graphviz fails with status 1 and says what
 *       to install
 *
 * Exit status: 0 pass, 1 fail, 77 skipped.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const childProcess = require('child_process');

let tool = null;
let root = null;

function die(message) {
    process.stderr.write(`FAIL: ${message}\n`);
    process.exit(1);
}

/* Runs the tool under this node; returns {status, stdout, stderr}. */
function run(args, env) {
    const r = childProcess.spawnSync(process.execPath, [tool].concat(args), {
        cwd: root, encoding: 'utf8', env: env || process.env, maxBuffer: 64 << 20,
    });
    if (r.error) die(`cannot run ${tool}: ${r.error.message}`);
    return r;
}

function runOk(args) {
    const r = run(args);
    if (r.status !== 0 || r.stderr !== '') {
        die(`pawl-graph ${args.join(' ')}: exit status ${r.status}, stderr:\n${r.stderr}`);
    }
    return r.stdout;
}

/* Where two texts first differ, a few lines either side. */
function difference(want, got) {
    const a = want.split('\n');
    const b = got.split('\n');
    let k = 0;
    while (k < a.length && k < b.length && a[k] === b[k]) k++;
    const show = (lines) => lines.slice(Math.max(0, k - 2), k + 3).map((l, m) => {
        const n = Math.max(0, k - 2) + m + 1;
        return `  ${n === k + 1 ? '>' : ' '}${String(n).padStart(5)}: ${l}`;
    }).join('\n');
    return `first difference at line ${k + 1}\n--- expected\n${show(a)}\n--- got\n${show(b)}`;
}

// ---- a small XML well-formedness checker ------------------------------------

/*
 * Parses XML (without validating it) and returns its elements, each
 * {name, attrs, text, parent}.  Fails on anything not well-formed: tags
 * that do not nest, a second root, an attribute given twice or unquoted,
 * a '<' in an attribute value, an '&' that starts no entity, text outside
 * the root, an unterminated comment.  A DOCTYPE is skipped, not read.
 */
function parseXml(text) {
    let i = 0;
    const stack = [];
    const elements = [];
    let root = null;
    const fail = (message) => {
        const line = text.slice(0, i).split('\n').length;
        throw new Error(`XML line ${line}: ${message}`);
    };
    const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
    const decode = (s) => s.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (m, e) => {
        const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
        if (named[e]) return named[e];
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    });
    const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    while (i < text.length) {
        if (text.startsWith('<?', i)) {
            const e = text.indexOf('?>', i);
            if (e < 0) fail('unterminated <?');
            i = e + 2;
        } else if (text.startsWith('<!--', i)) {
            const e = text.indexOf('-->', i + 4);
            if (e < 0) fail('unterminated comment');
            if (text.slice(i + 4, e).includes('--')) fail("'--' inside a comment");
            i = e + 3;
        } else if (text.startsWith('<!DOCTYPE', i)) {
            if (root !== null) fail('DOCTYPE after the root element');
            let depth = 0;
            let j = i;
            for (; j < text.length; j++) {
                if (text[j] === '[') depth++;
                else if (text[j] === ']') depth--;
                else if (text[j] === '>' && depth === 0) break;
            }
            i = j + 1;
        } else if (text.startsWith('<![CDATA[', i)) {
            if (stack.length === 0) fail('CDATA outside the root element');
            const e = text.indexOf(']]>', i);
            if (e < 0) fail('unterminated CDATA');
            stack[stack.length - 1].text += text.slice(i + 9, e);
            i = e + 3;
        } else if (text.startsWith('</', i)) {
            const m = /^<\/([A-Za-z_:][-A-Za-z0-9_.:]*)\s*>/.exec(text.slice(i, i + 300));
            if (!m) fail('malformed end tag');
            const top = stack.pop();
            if (top === undefined || top.name !== m[1]) {
                fail(`</${m[1]}> does not close ${top ? `<${top.name}>` : 'anything'}`);
            }
            i += m[0].length;
        } else if (text[i] === '<') {
            if (root !== null && stack.length === 0) fail('a second root element');
            i++;
            const m = NAME.exec(text.slice(i, i + 200));
            if (!m) fail('malformed start tag');
            const el = { name: m[0], attrs: {}, text: '', parent: stack[stack.length - 1] || null };
            i += m[0].length;
            for (;;) {
                const ws = /^\s*/.exec(text.slice(i, i + 200))[0].length;
                i += ws;
                if (text.startsWith('/>', i)) {
                    i += 2;
                    break;
                }
                if (text[i] === '>') {
                    i++;
                    stack.push(el);
                    break;
                }
                if (ws === 0) fail(`no space before an attribute of <${el.name}>`);
                const a = NAME.exec(text.slice(i, i + 200));
                if (!a) fail(`malformed attribute in <${el.name}>`);
                i += a[0].length;
                const eq = /^\s*=\s*(["'])/.exec(text.slice(i, i + 50));
                if (!eq) fail(`attribute ${a[0]} of <${el.name}> has no quoted value`);
                i += eq[0].length;
                const close = text.indexOf(eq[1], i);
                if (close < 0) fail(`unterminated value of ${a[0]}`);
                const value = text.slice(i, close);
                if (value.includes('<')) fail(`'<' in the value of ${a[0]}`);
                if (ENTITY.test(value)) fail(`an '&' that starts no entity in the value of ${a[0]}`);
                if (Object.prototype.hasOwnProperty.call(el.attrs, a[0])) fail(`${a[0]} given twice in <${el.name}>`);
                el.attrs[a[0]] = decode(value);
                i = close + 1;
            }
            if (root === null) root = el;
            elements.push(el);
        } else {
            let e = text.indexOf('<', i);
            if (e < 0) e = text.length;
            const chunk = text.slice(i, e);
            if (stack.length === 0 && chunk.trim() !== '') fail('text outside the root element');
            if (ENTITY.test(chunk)) fail("an '&' that starts no entity");
            if (chunk.includes(']]>')) fail("']]>' in text");
            if (stack.length) stack[stack.length - 1].text += decode(chunk);
            i = e;
        }
    }
    if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`);
    if (root === null) fail('no root element');
    return elements;
}

// ---- reading our own DOT ----------------------------------------------------

/* The state ids and the transitions in pawl-graph's DOT (one statement a
 * line, ids always quoted). */
function dotGraph(dot) {
    const states = [];
    const edges = [];
    const ID = '"((?:[^"\\\\]|\\\\.)*)"';
    for (const line of dot.split('\n')) {
        let m = new RegExp(`^\\s*${ID} -> ${ID} \\[`).exec(line);
        if (m) {
            edges.push([m[1], m[2]]);
            continue;
        }
        m = new RegExp(`^\\s*${ID} \\[`).exec(line);
        if (m) states.push(m[1]);
    }
    return { states, edges };
}

const hasClass = (el, c) => (el.attrs.class || '').split(/\s+/).includes(c);

/* The built-in SVG of SOURCE [FUNCTION...] against its DOT.  With
 * maybeNone, a file with no poll function gives null instead of failing. */
function checkSvgStates(args, maybeNone) {
    const r = run(args);
    if (maybeNone && r.status === 1 && /no poll function found/.test(r.stderr)) return null;
    if (r.status !== 0 || r.stderr !== '') {
        die(`pawl-graph ${args.join(' ')}: exit status ${r.status}, stderr:\n${r.stderr}`);
    }
    const dot = dotGraph(r.stdout);
    const svg = runOk(['--format', 'svg'].concat(args));
    let elements;
    try {
        elements = parseXml(svg);
    } catch (e) {
        die(`pawl-graph --format svg ${args.join(' ')}: not well-formed: ${e.message}`);
    }
    if (elements[0].name !== 'svg') die(`the root element is <${elements[0].name}>, not <svg>`);
    if (dot.states.length === 0) die(`the DOT of ${args.join(' ')} has no state`);
    const nodes = elements.filter((el) => el.name === 'g' && hasClass(el, 'node')).map((el) => el.attrs.id);
    const edges = elements.filter((el) => el.name === 'g' && hasClass(el, 'edge'));
    const want = dot.states.slice().sort();
    const got = nodes.slice().sort();
    if (want.join('\n') !== got.join('\n')) {
        die(`${args.join(' ')}: the SVG's nodes are not the DOT's states\n` +
            `  DOT: ${want.join(' ')}\n  SVG: ${got.join(' ')}`);
    }
    if (edges.length !== dot.edges.length) {
        die(`${args.join(' ')}: the SVG has ${edges.length} edges, the DOT ${dot.edges.length}`);
    }
    for (const el of elements.filter((e) => e.name === 'g' && (hasClass(e, 'node') || hasClass(e, 'edge')))) {
        if (!elements.some((c) => c.parent === el && c.name === 'title')) die(`<g id="${el.attrs.id}"> has no <title>`);
    }
    return { states: dot.states.length, edges: dot.edges.length };
}

// ---- the checks ---------------------------------------------------------------

const checks = {
    same(args) {
        const [source, expected, ...rest] = args;
        const want = fs.readFileSync(path.join(root, expected), 'utf8');
        const got = runOk([source].concat(rest));
        if (got !== want) {
            const outs = rest.filter((a) => a !== '--format' && a !== 'svg');
            die(`pawl-graph ${[source].concat(rest).join(' ')} differs from ${expected}: ` +
                `${difference(want, got)}\nIf the change is intended, regenerate it (from the top of the tree):\n` +
                `  tools/pawl-graph ${[source].concat(outs).join(' ')} -o ${expected}` +
                (expected.startsWith('docs/')
                    ? '\n(for docs/img, the command in tools/pawl-graph --help regenerates both files)' : ''));
        }
        console.log(`${source}: the drawing equals ${expected}`);
    },

    'svg-states'(args) {
        const n = checkSvgStates(args);
        console.log(`${args.join(' ')}: well-formed SVG, ${n.states} states, ${n.edges} transitions`);
    },

    examples() {
        const found = [];
        const walk = (dir) => {
            for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
                const rel = path.join(dir, e.name);
                if (e.isDirectory()) walk(rel);
                else if (/\.[ch]$/.test(e.name) &&
                         /\bPAWL_(PT_)?BEGIN\s*\(/.test(fs.readFileSync(path.join(root, rel), 'utf8'))) {
                    found.push(rel);
                }
            }
        };
        walk('examples');
        found.sort();
        let drawn = 0;
        for (const f of found) {
            const n = checkSvgStates([f], true);
            if (n === null) {
                console.log(`${f}: no poll function (PAWL_BEGIN only in comments)`);
                continue;
            }
            console.log(`${f}: ${n.states} states, ${n.edges} transitions`);
            drawn++;
        }
        if (drawn < 5) die(`only ${drawn} example files with poll functions drew`);
    },

    error(args) {
        const [status, pattern, ...rest] = args;
        const r = run(rest);
        const re = new RegExp(pattern);
        if (String(r.status) !== status) {
            die(`pawl-graph ${rest.join(' ')}: exit status ${r.status}, want ${status}; stderr:\n${r.stderr}`);
        }
        if (r.stdout !== '') die(`pawl-graph ${rest.join(' ')}: printed on stdout:\n${r.stdout}`);
        if (!re.test(r.stderr)) die(`pawl-graph ${rest.join(' ')}: stderr does not match /${pattern}/:\n${r.stderr}`);
        console.log(`pawl-graph ${rest.join(' ')}: status ${status}: ${r.stderr.trim()}`);
    },

    list(args) {
        const [source, ...lines] = args;
        const got = runOk(['--list', source]);
        const want = lines.map((l) => l + '\n').join('');
        if (got !== want) die(`pawl-graph --list ${source}: ${difference(want, got)}`);
        console.log(got.trim());
    },

    'help-regenerates'() {
        // As a program: the #! line and the mode bits work.
        const r = childProcess.spawnSync(tool, ['--help'], { cwd: root, encoding: 'utf8' });
        if (r.error) die(`cannot run ${tool} as a program: ${r.error.message}`);
        if (r.status !== 0 || !/^usage: pawl-graph/.test(r.stdout)) {
            die(`${tool} --help: status ${r.status}\n${r.stdout}${r.stderr}`);
        }
        const line = r.stdout.split('\n').map((l) => l.trim())
            .find((l) => l.startsWith('tools/pawl-graph ') && l.includes('docs/img/lowering-task.svg'));
        if (line === undefined) die('--help gives no command that regenerates docs/img/lowering-task.svg');
        const args = line.split(/\s+/).slice(1);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pawl-graph-'));
        const outputs = [];
        try {
            for (let k = 0; k < args.length; k++) {
                if (args[k] === '-o') {
                    outputs.push(args[k + 1]);
                    args[k + 1] = path.join(dir, `${outputs.length}-${path.basename(args[k + 1])}`);
                }
            }
            for (const want of ['docs/img/lowering-task.dot', 'docs/img/lowering-task.svg']) {
                if (!outputs.includes(want)) die(`the command in --help does not write ${want}: ${line}`);
            }
            runOk(args);
            outputs.forEach((o, k) => {
                const got = fs.readFileSync(path.join(dir, `${k + 1}-${path.basename(o)}`), 'utf8');
                const want = fs.readFileSync(path.join(root, o), 'utf8');
                if (got !== want) die(`${line}\ndoes not reproduce ${o}: ${difference(want, got)}`);
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        console.log(`--help's command reproduces ${outputs.join(' and ')}:\n  ${line}`);
    },

    graphviz(args) {
        const which = childProcess.spawnSync('dot', ['-V'], { encoding: 'utf8' });
        if (which.error) {
            console.log("SKIP: Graphviz's dot is not installed (Debian package graphviz)");
            process.exit(77);
        }
        const dot = dotGraph(runOk(args));
        const svg = runOk(['--graphviz', '--format', 'svg'].concat(args));
        let elements;
        try {
            elements = parseXml(svg);
        } catch (e) {
            die(`pawl-graph --graphviz: not well-formed: ${e.message}`);
        }
        const titles = elements.filter((el) => el.name === 'g' && hasClass(el, 'node'))
            .map((el) => (elements.find((c) => c.parent === el && c.name === 'title') || { text: '' }).text);
        if (titles.slice().sort().join('\n') !== dot.states.slice().sort().join('\n')) {
            die(`dot's nodes are not the states\n  states: ${dot.states.join(' ')}\n  dot: ${titles.join(' ')}`);
        }
        console.log(`--graphviz (${which.stderr.trim()}): well-formed SVG, one node per state (${titles.length})`);
    },

    'graphviz-missing'(args) {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'pawl-graph-path-'));
        try {
            const r = run(['--graphviz', '--format', 'svg'].concat(args), Object.assign({}, process.env, { PATH: empty }));
            if (r.status !== 1) die(`--graphviz without dot: exit status ${r.status}, want 1\n${r.stderr}`);
            if (r.stdout !== '') die('--graphviz without dot: printed on stdout');
            if (!/dot.*not on PATH.*graphviz/.test(r.stderr)) die(`--graphviz without dot: unclear message:\n${r.stderr}`);
            console.log(r.stderr.trim());
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    },
};

function main(argv) {
    while (argv.length && argv[0].startsWith('--')) {
        const [flag, value] = argv.splice(0, 2);
        if (flag === '--tool') tool = path.resolve(value);
        else if (flag === '--root') root = path.resolve(value);
        else die(`unknown option ${flag}`);
    }
    if (tool === null || root === null || argv.length === 0 || !checks[argv[0]]) {
        die(`usage: node graph_check.js --tool TOOL --root ROOT ${Object.keys(checks).join('|')} ARGS...`);
    }
    checks[argv[0]](argv.slice(1));
}

main(process.argv.slice(2));
