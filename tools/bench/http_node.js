// tools/bench/http_node.js -- the HTTP/1.1 keep-alive server of
// examples/http on Node's `http` module (tools/bench/http runs it beside
// pawl's and libuv's under wrk).
//
//   node http_node.js PORT
//
// It prints "listening on 127.0.0.1:PORT" and answers every request with
// the headers of examples/http, set by hand and in the same order, and the
// same body.  What Node does not let us match is printed at start-up
// ("differs: ..."), and the script shows the bytes side by side:
//   - Node sends "Connection: keep-alive" and "Keep-Alive: timeout=10" on
//     a kept-alive HTTP/1.1 response: the first always, the second with
//     the idle timeout that examples/http has (10 s; Node sends the field
//     whenever keepAliveTimeout is not 0, and the same behaviour was
//     chosen over the same bytes);
//   - the Date header is turned off (res.sendDate = false) since the
//     other two servers send none;
//   - Node sets TCP_NODELAY on every connection (its default, noDelay:
//     true); examples/http and http_uv leave Nagle on.  With one write per
//     batch of responses this changes no timing in the benchmark.
'use strict';

const http = require('http');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node http_node.js PORT');
    process.exit(2);
}

// The headers of examples/http, in its order (name case kept by Node).
const body = 'hello from pawl\n';
const headers = [
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Content-Type', 'text/plain'],
];

const server = http.createServer((req, res) => {
    res.sendDate = false;
    for (const [k, v] of headers) res.setHeader(k, v);
    res.end(body);
});
// The time limits of examples/http's defaults: 10 s idle between
// requests, 5 s for a request head to arrive.
server.keepAliveTimeout = 10000;
server.headersTimeout = 5000;
server.requestTimeout = 5000;
server.listen(port, '127.0.0.1', () => {
    console.log(`listening on 127.0.0.1:${server.address().port}`);
    console.log(`node ${process.version}: differs: Node adds "Connection: keep-alive"` +
        ' and "Keep-Alive: timeout=10" to every kept-alive response (the others send no' +
        ' such fields), and sets TCP_NODELAY (the others do not); no Date field, as the others');
});
