// Owns the module resolution hook (run by Node.js on its loader thread) mapping `mlserve` to the running mlserve.

/** URL of the running mlserve's entry point, given by registerSelfImport. */
let entry: string | undefined;

/** Called once by `module.register` with `data`. */
export async function initialize(data: { entry: string }): Promise<void> {
  entry = data.entry;
}

/** Node.js' resolve hook: the bare specifier `mlserve` is the running mlserve; everything else resolves as usual. */
export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'mlserve' && entry !== undefined) return { url: entry, shortCircuit: true };
  return nextResolve(specifier, context);
}
