// A server child for the hardening benchmarks: `serve()` with options from a JSON argument, printing
// its URL and gRPC port on stderr (what _child.ts waits for), then serving until SIGTERM.

import { serve } from '../src/serve.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof serve>[0];
const handle = await serve({ host: '127.0.0.1', port: 0, ...options });
process.stderr.write(`grpc-port ${handle.grpcPort ?? ''}\nserving at ${handle.url}\n`);
process.once('SIGTERM', () => {
  void handle.close().then(() => process.exit(0));
});
