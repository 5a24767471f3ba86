// Test helper: start the real server on a free port (port 0) and stop it after the test.

import { serve, type ServerHandle } from '../../src/serve.js';
import type { ServeOptions } from '../../src/config/options.js';

/** Starts mlserve on 127.0.0.1 with port 0, logging warnings and errors only (no access lines); the caller must `close()` it. */
export async function startServer(modelUri: string, options: Partial<ServeOptions> = {}, env: Record<string, string> = {}): Promise<ServerHandle> {
  return serve({ modelUri, host: '127.0.0.1', port: 0, logLevel: 'warn', ...options }, env);
}
