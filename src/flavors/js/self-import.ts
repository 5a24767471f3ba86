// Owns making `import ... from 'mlserve'` in a model module resolve to the running mlserve, wherever
// the model folder is (a downloaded models:/ copy, /opt/ml/model in the Docker image), through a
// module resolution hook (node:module register, Node.js 20.6+).

import * as nodeModule from 'node:module';

/** The hook module, compiled beside this file. */
const HOOKS_URL = new URL('./self-import-hooks.js', import.meta.url);
/** mlserve's public entry point (src/index.ts), from src/flavors/js/. */
const ENTRY_URL = new URL('../../index.js', import.meta.url);

let registered = false;

/**
 * Registers, once per thread, the hook that resolves the bare specifier `mlserve` to the running
 * mlserve. The model's own node_modules/mlserve, if any, is bypassed, so the model sees the same
 * classes (`ServingError`, `Frame`, `Tensor`) the server checks against. Returns false where this
 * Node.js has no `module.register` (then a model finds mlserve only through its own node_modules).
 */
export function registerSelfImport(): boolean {
  if (registered) return true;
  const register = (nodeModule as { register?: (url: URL, options: { data: unknown }) => void }).register;
  if (typeof register !== 'function') return false;
  register(HOOKS_URL, { data: { entry: ENTRY_URL.href } });
  registered = true;
  return true;
}
