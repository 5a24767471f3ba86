import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineForwarder } from './log-lines.js';

function forward(chunks: (string | Buffer)[], max?: number): string[] {
  const lines: string[] = [];
  const f = new LineForwarder('[w0] ', (l) => lines.push(l), max);
  for (const c of chunks) f.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  f.end();
  return lines;
}

describe('worker output in the log', () => {
  it('prefixes each line, joining lines split across chunks', () => {
    assert.deepEqual(forward(['hel', 'lo\nwor', 'ld\r\n', 'last']), ['[w0] hello', '[w0] world', '[w0] last']);
  });

  it('cuts a line that never ends into bounded pieces', () => {
    assert.deepEqual(forward(['x'.repeat(25)], 10), ['[w0] xxxxxxxxxx [line continues]', '[w0] xxxxxxxxxx [line continues]', '[w0] xxxxx']);
  });

  it('cuts an overlong line that arrives whole with its newline', () => {
    assert.deepEqual(forward([`a\n${'y'.repeat(12)}\nb\n`], 10), ['[w0] a', '[w0] yyyyyyyyyy [line continues]', '[w0] yy', '[w0] b']);
  });

  it('keeps a UTF-8 character split between chunks whole', () => {
    const bytes = Buffer.from('é\n');
    assert.deepEqual(forward([bytes.subarray(0, 1), bytes.subarray(1)]), ['[w0] é']);
  });

  it('remembers the last lines for start-up failure messages', () => {
    const f = new LineForwarder('', () => undefined, 100, 2);
    f.push(Buffer.from('a\nb\nc\n'));
    assert.deepEqual(f.recent, ['b', 'c']);
  });
});
