// Owns the baseline of bench/http.ts: a bare node:http server that reads each request body and answers a fixed JSON body.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Byte-for-byte what mlserve answers for the echo model and a 1-row `dataframe_split`. */
const BODY = Buffer.from('{"predictions": [{"x": 1.0}]}');

// Same keep-alive timeout as mlserve's server, so the two differ only in what happens per request.
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  // Read the body first, as a scoring server must, before answering.
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stderr.write(`bare node:http server at http://127.0.0.1:${port}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
