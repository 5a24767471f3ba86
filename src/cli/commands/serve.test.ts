import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVE_FLAGS, parseFlags } from '../flags.js';
import { serveOptions } from './serve.js';

/** A value each string flag accepts (most take any string or a number). */
const VALUES: Readonly<Record<string, string>> = { engine: 'native', 'env-manager': 'local', 'log-level': 'info', 'log-format': 'json', 'http-parser': 'node', 'onnx-evaluator': 'onnxruntime' };

describe('models serve: flags to options', () => {
  // --http-parser was once in the table and never read: a flag that names an option must set it.
  for (const flag of SERVE_FLAGS) {
    // -m, --model-repository and --config become the models (modelsOf, tested through the CLI in test/e2e).
    if (flag.option === 'none' || flag.option === 'models' || flag.option === 'modelUri' || flag.option === 'modelRepository') continue;
    it(`--${flag.long} sets ${flag.option}`, () => {
      const argv = flag.kind === 'boolean' ? [`--${flag.long}`] : [`--${flag.long}`, VALUES[flag.long] ?? '1'];
      const given = serveOptions(parseFlags(argv, SERVE_FLAGS), {});
      assert.notEqual(given[flag.option as keyof typeof given], undefined, JSON.stringify(given));
    });
  }

  it('passes --http-parser and --onnx-evaluator through as given', () => {
    const given = serveOptions(parseFlags(['--http-parser', 'node', '--onnx-evaluator', 'onnxruntime'], SERVE_FLAGS), {});
    assert.equal(given.httpParser, 'node');
    assert.equal(given.onnxEvaluator, 'onnxruntime');
  });
});
