// Bundles the `mlserve` command: tsc's dist/src/ -> dist/cli/ (mlserve.js, index.js and shared
// chunks), so a start loads a few files instead of ~130 ES modules (see bench/README.md, cold-start).
//
// - Code splitting keeps what the CLI imports lazily (other commands, flavors, the Python engine,
//   stores) in chunks loaded only when needed; npm packages stay external (loaded from node_modules).
// - `import.meta.url` in each module is rewritten to the URL of the module's own compiled file in
//   dist/src/, so everything located from it (worker-thread entries, the page, the .proto, the
//   Python worker, package.json) is found exactly as in dist/src; worker threads run dist/src files.
// - dist/cli/index.js is the public API from the same chunks: in a bundled process, a js_function
//   model's `import ... from 'mlserve'` resolves to it (flavors/js/self-import.ts), so the model and
//   the server share one set of classes (ServingError, Frame, Tensor).
// dist/src/ stays as tsc wrote it: the package's `main`, the tests and the worker threads use it.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'dist', 'src');
const outdir = join(root, 'dist', 'cli');

/** The self-import hook's entry, rewritten to the bundle's own index.js (checked: the build fails if it is not found). */
const SELF_IMPORT = { file: join(src, 'flavors', 'js', 'self-import.js'), from: "new URL('../../index.js', import.meta.url)", to: "new URL('./index.js', import.meta.url)" };

/** Stands for SELF_IMPORT.to while the other `import.meta.url`s of its file are rewritten. */
const KEPT = '__mlserveBundleIndexUrl__';

/** esbuild plugin: each dist/src module's `import.meta.url` becomes its own file's URL, seen from dist/cli/. */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(src + sep)) return undefined;
      let text = await readFile(args.path, 'utf8');
      const selfImport = args.path === SELF_IMPORT.file;
      if (selfImport) {
        if (!text.includes(SELF_IMPORT.from)) throw new Error(`${SELF_IMPORT.file} no longer contains ${SELF_IMPORT.from}: update scripts/bundle.mjs`);
        text = text.replace(SELF_IMPORT.from, KEPT);
      }
      const own = relative(outdir, args.path).split(sep).join('/');
      text = text.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(own)}, import.meta.url).href`);
      if (selfImport) text = text.replace(KEPT, SELF_IMPORT.to);
      return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { mlserve: join(src, 'cli', 'main.js'), index: join(src, 'index.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // No keepNames: it wraps the creation of every named function and class (closures created per
  // request included) in a call that redefines its name. Error classes set their `name` themselves.
  chunkNames: '[name]-[hash]',
  plugins: [ownUrls],
  logLevel: 'warning',
});
