// Owns the `js_function` flavor: a model written as an ES module exporting `predict` (and optionally `load`).

import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelLoadError } from '../../errors.js';
import type { FlavorLoadContext, LoadedFlavorModel, ModelFlavor, ModelInput, ModelParams } from '../types.js';
import { registerSelfImport } from './self-import.js';

/** What a `js_function` module may export. */
export interface JsModelModule {
  /** Scores one request: sync or async. */
  predict(input: ModelInput, params: ModelParams): unknown;
  /** Streams one request's answer: an async generator (or any function returning an async iterable) of chunks. */
  predictStream?(input: ModelInput, params: ModelParams): AsyncIterable<unknown>;
  /** Called once, awaited, before the server answers. */
  load?(context: { modelPath: string }): unknown;
  /** Called when the server shuts down. */
  close?(): unknown;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The `js_function` flavor: `flavors.js_function.entry` names the module, relative to the model directory. */
export const jsFunctionFlavor: ModelFlavor = {
  name: 'js_function',
  async load(ctx: FlavorLoadContext): Promise<LoadedFlavorModel> {
    const entry = ctx.flavorConf.entry;
    if (typeof entry !== 'string' || entry === '') {
      throw new ModelLoadError(`The js_function flavor in ${join(ctx.modelPath, 'MLmodel')} needs an 'entry' naming the model module (e.g. entry: model.mjs).`);
    }
    const file = resolve(ctx.modelPath, entry);
    const rel = relative(ctx.modelPath, file);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new ModelLoadError(`The js_function entry '${entry}' must be inside the model directory ${ctx.modelPath}.`);
    if (!existsSync(file)) throw new ModelLoadError(`The js_function entry ${file} does not exist.`);
    // The model may `import { ServingError } from 'mlserve'` wherever its folder is.
    registerSelfImport();
    let mod: Partial<JsModelModule>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Partial<JsModelModule>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(file)) {
        throw new ModelLoadError(
          `The model module ${file} is TypeScript, which this Node.js (${process.version}) cannot import directly. Compile it to JavaScript (e.g. \`tsc --module nodenext --outDir . ${relative(ctx.modelPath, file)}\`) and point flavors.js_function.entry at the .js/.mjs file, or run mlserve on Node.js 22.6+ with NODE_OPTIONS=--experimental-strip-types.`,
          { cause: err },
        );
      }
      throw new ModelLoadError(`Failed to import the model module ${file}: ${describe(err)}`, { cause: err });
    }
    const predict = mod.predict;
    if (typeof predict !== 'function') throw new ModelLoadError(`The model module ${file} does not export a predict(input, params) function.`);
    if (typeof mod.load === 'function') {
      try {
        await mod.load({ modelPath: ctx.modelPath });
      } catch (err) {
        throw new ModelLoadError(`The load() function of ${file} failed: ${describe(err)}`, { cause: err });
      }
    }
    const close = mod.close;
    const predictStream = mod.predictStream;
    if (predictStream !== undefined && typeof predictStream !== 'function') throw new ModelLoadError(`The model module ${file} exports predictStream, but not as a function (export an async generator function).`);
    return {
      batchable: ctx.flavorConf.batchable === true,
      async predict(input, params) {
        return await predict(input, params);
      },
      ...(predictStream && {
        predictStream: (input: ModelInput, params: ModelParams) => {
          const chunks = predictStream(input, params);
          if (chunks === null || typeof chunks !== 'object' || typeof (chunks as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
            throw new TypeError(`predictStream of ${file} must return an async iterable (write it as \`export async function* predictStream(input, params)\`).`);
          }
          return chunks;
        },
      }),
      async close() {
        if (typeof close === 'function') await close();
      },
    };
  },
};
