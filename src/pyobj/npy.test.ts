import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PickleError } from './errors.js';
import { readNpy } from './npy.js';
import { parsePyLiteral } from './_pyliteral.js';
import { PyObject } from './tree.js';

/** A .npy file: magic, version, header length, the header padded as numpy pads it, the data. */
function npy(header: string, data: number[] | Uint8Array, major = 1): Uint8Array {
  const lenBytes = major === 1 ? 2 : 4;
  const pad = (64 - ((8 + lenBytes + header.length + 1) % 64)) % 64;
  const text = Buffer.from(header + ' '.repeat(pad) + '\n', major === 3 ? 'utf8' : 'latin1');
  const len = Buffer.alloc(lenBytes);
  if (major === 1) len.writeUInt16LE(text.length);
  else len.writeUInt32LE(text.length);
  return new Uint8Array(Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), major, 0]), len, text, Buffer.from(data)]));
}

const f64 = (...v: number[]): Uint8Array => new Uint8Array(new Float64Array(v).buffer);

describe('readNpy', () => {
  it('reads format versions 1, 2 and 3', () => {
    for (const major of [1, 2, 3]) {
      const a = readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64(1, 2), major));
      assert.deepEqual(Array.from(a.toFloat64Array()), [1, 2]);
    }
  });

  it('reads Fortran order, big-endian data and 0-d arrays', () => {
    const f = readNpy(npy("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 2), }", [0, 1, 0, 2, 0, 3, 0, 4]));
    assert.deepEqual(f.toList(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual(readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64(7))).toList(), 7);
  });

  it('reads structured dtypes with padding and subarray fields by field offset', () => {
    const descr = "[('a', '<i4'), ('', '|V4'), ('b', '<f8', (2,))]";
    const rec = Buffer.alloc(24);
    rec.writeInt32LE(-3, 0);
    rec.writeDoubleLE(0.5, 8);
    rec.writeDoubleLE(1.5, 16);
    const a = readNpy(npy(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, rec));
    assert.equal(a.dtype.itemsize, 24);
    assert.deepEqual(a.field('a').toList(), [-3]);
    assert.deepEqual(a.field('b').toList(), [[0.5, 1.5]]);
  });

  it('reads object arrays (a pickle inside) without running code', () => {
    // pickle protocol 3 of a numpy object array whose one element is os.system('x') -- a record, never called.
    const pickle = Buffer.concat([
      Buffer.from('\x80\x03cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01K\x01\x85cnumpy\ndtype\nX\x02\x00\x00\x00O8\x89\x88\x87R(K\x03X\x01\x00\x00\x00|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK?tb\x89]cos\nsystem\nX\x01\x00\x00\x00x\x85Ratb.', 'latin1'),
    ]);
    const a = readNpy(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", pickle));
    assert.ok((a.data as unknown[])[0] instanceof PyObject);
  });

  it('fails bad magic, unknown versions, truncated headers and data of the wrong size', () => {
    const ok = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64(1, 2));
    assert.throws(() => readNpy(new Uint8Array(20)), /not a .npy file/);
    assert.throws(() => readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64(1), 4)), /version 4/);
    assert.throws(() => readNpy(ok.subarray(0, 30)), /truncated in its header/);
    assert.throws(() => readNpy(ok.subarray(0, ok.length - 1)), (e: unknown) => e instanceof PickleError && /needs 16 bytes, found 15/.test(e.message));
    assert.throws(() => readNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }", f64(1))), /needs 8000000000000000000 bytes|too large/);
    assert.throws(() => readNpy(npy("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16))), /long double is not supported/);
    assert.throws(() => readNpy(npy("{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,), }", f64(1))), /Invalid .npy header/);
  });
});

describe('parsePyLiteral', () => {
  it('parses the literals of .npy headers and nothing else', () => {
    const v = parsePyLiteral("{'a': (1,), \"b\": [True, None, -2], 'c': (), 'd': (3)}") as Map<string, unknown>;
    assert.deepEqual(v.get('a'), [1]);
    assert.deepEqual(v.get('b'), [true, null, -2]);
    assert.deepEqual(v.get('c'), []);
    assert.equal(v.get('d'), 3);
    assert.throws(() => parsePyLiteral('{1: 2'), /Invalid .npy header/);
    assert.throws(() => parsePyLiteral('['.repeat(100) + ']'.repeat(100)), /nesting too deep/);
    assert.throws(() => parsePyLiteral('os.system'), /unexpected text/);
  });
});
