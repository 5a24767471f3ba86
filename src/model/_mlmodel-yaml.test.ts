import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseMlflowYaml } from './_mlmodel-yaml.js';

// Tests run from dist/src/model/; the repository root is four levels up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function mlmodelFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) mlmodelFiles(p, out);
    else if (name === 'MLmodel') out.push(p);
  }
  return out;
}

test('reads every MLmodel file in the repository exactly as the yaml package does', () => {
  const files = [...mlmodelFiles(join(ROOT, 'test')), ...mlmodelFiles(join(ROOT, 'examples'))];
  assert.ok(files.length > 50, `found ${files.length} MLmodel files`);
  let fast = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const mine = parseMlflowYaml(text);
    if (mine === undefined) continue;
    fast++;
    assert.deepEqual(mine, parse(text), f);
  }
  // The files MLflow wrote are all within the subset; hand-written fixtures may fall back.
  assert.ok(fast >= files.length * 0.9, `${fast} of ${files.length} read without the yaml package`);
});

test('folds single-quoted scalars over lines as YAML does, with doubled quotes and blank lines', () => {
  const text = "a: 'one two\n  three ''q''\n\n  four'\nb: x\n";
  assert.deepEqual(parseMlflowYaml(text), parse(text));
  assert.deepEqual(parseMlflowYaml(text), { a: "one two three 'q'\nfour", b: 'x' });
});

test('resolves scalars with the core schema, as the yaml package does', () => {
  const text = 'a: 1\nb: -2.5e3\nc: true\nd: null\ne: ~\nf:\ng: 1.12.0\nh: 00000000000000000000000000000007\ni: {}\nj: []\nk: "q\\"x"\nl: False\nm: .5\n';
  assert.deepEqual(parseMlflowYaml(text), parse(text));
});

test('nested mappings and sequences at the key indentation or deeper', () => {
  const text = 'flavors:\n  onnx:\n    providers:\n    - CUDA\n    - CPU\n    other:\n      - 1\n      - two\nz: 3\n';
  assert.deepEqual(parseMlflowYaml(text), parse(text));
});

test('leaves to the yaml package what it does not read: anchors, tags, flow content, block scalars, comments, odd numbers', () => {
  for (const text of [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: [1, 2]\n',
    'a: {b: 1}\n',
    'a: |\n  text\n',
    '# comment\na: 1\n',
    'a: 1 # comment\n',
    'a: 0x1F\n',
    'a: .inf\n',
    'a: 123456789012345678901234567890\n',
    '---\na: 1\n',
    'a:\n- b: 1\n',
    'a: 1\na: 2\n',
    'a:\tb\n',
    '- 1\n',
    'a: b: c\n',
    "a: 'unterminated\n",
  ]) {
    assert.equal(parseMlflowYaml(text), undefined, JSON.stringify(text));
  }
});
