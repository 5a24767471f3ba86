import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PickleError } from './errors.js';
import { NdArray } from './ndarray.js';
import { readPickle } from './pickle.js';
import { OP, OPCODE_NAMES } from './opcodes.js';
import { toTreeJson } from './tree-json.js';
import { PyByteArray, PyGlobal, PyObject, PyPersistent, isPyFloat, isTuple } from './tree.js';

/** Pickle bytes from opcode names/strings (latin-1) and raw byte arrays. */
function p(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  return Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))));
}
const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number): number[] => [...u32(n), ...u32(Math.floor(n / 2 ** 32))];
const str = (s: string): (string | number[])[] => ['\x8c', [Buffer.byteLength(s)], Buffer.from(s).toString('latin1')];

function fails(bytes: Uint8Array, pattern: RegExp, opcode?: string, options = {}): PickleError {
  let caught: unknown;
  try {
    readPickle(bytes, options);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PickleError, `expected a PickleError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  if (opcode !== undefined) assert.equal(caught.opcode, opcode);
  return caught;
}

describe('readPickle', () => {
  it('names every opcode of protocols 0 to 5', () => {
    assert.equal(Object.keys(OP).length, 68);
    assert.equal(OPCODE_NAMES[0x95], 'FRAME');
  });

  it('reads ints exactly: numbers within 2^53, bigints beyond, from every int opcode', () => {
    assert.equal(readPickle(p('K', [255], '.')), 255);
    assert.equal(readPickle(p('M', [0xff, 0xff], '.')), 65535);
    assert.equal(readPickle(p('J', u32(-5 >>> 0), '.')), -5);
    assert.equal(readPickle(p('I-12\n.')), -12);
    assert.equal(readPickle(p('I0x1f\n.')), 31);
    assert.equal(readPickle(p('L123456789012345678901234567890L\n.')), 123456789012345678901234567890n);
    assert.equal(readPickle(p('\x8a', [2], [0xff, 0x7f], '.')), 32767);
    assert.equal(readPickle(p('\x8a', [8], [0, 0, 0, 0, 0, 0, 0, 0x80], '.')), -(2n ** 63n));
    assert.equal(readPickle(p('\x8a', [7], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], '.')), 2 ** 53 - 1);
    assert.equal(readPickle(p('\x8a', [0], '.')), 0);
  });

  it('tells integral floats from ints by marks on their container', () => {
    const list = readPickle(p(']', '(', 'G', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0], 'K', [1], 'F2.0\n', 'e', '.')) as number[];
    assert.deepEqual(list, [1, 1, 2]);
    assert.equal(isPyFloat(list, 0), true);
    assert.equal(isPyFloat(list, 1), false);
    assert.equal(isPyFloat(list, 2), true);
    const dict = readPickle(p('}', ...str('a'), 'F3.0\n', 's', '.')) as Map<unknown, unknown>;
    assert.equal(isPyFloat(dict, 'a'), true);
    assert.deepEqual(toTreeJson(readPickle(p('(', 'F1.0\n', 'I1\n', 't', '.'))), { $tuple: [{ $float: 1 }, 1] });
  });

  it('reads text floats as Python does, including nan, inf and -0.0', () => {
    assert.ok(Number.isNaN(readPickle(p('Fnan\n.')) as number));
    assert.equal(readPickle(p('F-inf\n.')), -Infinity);
    assert.ok(Object.is(readPickle(p('F-0.0\n.')), -0));
    fails(p('F1e\n.'), /Invalid float literal/, 'FLOAT');
  });

  it('decodes strings: UTF-8 with lone surrogates kept, raw-unicode-escape, and Python 2 str by encoding', () => {
    assert.equal(readPickle(p('X', u32(3), [0xed, 0xa0, 0x80], '.')), '\ud800');
    assert.equal(readPickle(p('V\\u00e9\\\\u0041\\\\\\u0041\n.')), 'é\\\\u0041\\\\A');
    assert.equal(readPickle(p("S'a\\x41\\n'\n.")), 'aA\n');
    fails(p('U', [1], [0xe9], '.'), /not ASCII/, 'SHORT_BINSTRING');
    assert.equal(readPickle(p('U', [1], [0xe9], '.'), { encoding: 'latin1' }), 'é');
    assert.deepEqual(readPickle(p('T', u32(2), [0, 0xff], '.'), { encoding: 'bytes' }), Uint8Array.of(0, 0xff));
    fails(p('X', u32(1), [0xff], '.'), /Invalid UTF-8/, 'BINUNICODE');
  });

  it('keeps bytes as views of the input and bytearrays as PyByteArray; READONLY_BUFFER makes bytes', () => {
    const input = p('C', [2], [1, 2], '.');
    const bytes = readPickle(input) as Uint8Array;
    assert.equal(bytes.buffer, input.buffer);
    assert.ok(readPickle(p('\x96', u64(1), [7], '.')) instanceof PyByteArray);
    assert.deepEqual(readPickle(p('\x96', u64(1), [7], '\x98', '.')), Uint8Array.of(7));
  });

  it('builds tuples (frozen), lists, dicts with any hashable key, sets and frozensets', () => {
    const t = readPickle(p('K', [1], 'K', [2], '\x86', '.'));
    assert.ok(isTuple(t));
    const d = readPickle(p('}', '(', 'K', [1], 'K', [2], '\x86', ...str('v'), 'N', 'K', [3], 'u', '.')) as Map<unknown, unknown>;
    assert.deepEqual([...d.values()], ['v', 3]);
    fails(p('}', ']', 'K', [1], 's', '.'), /Unhashable list used as a dict key/, 'SETITEM');
    assert.deepEqual(readPickle(p('\x8f', '(', 'K', [1], 'K', [2], '\x90', '.')), new Set([1, 2]));
    fails(p('(', ']', '\x91', '.'), /Unhashable list/, 'FROZENSET');
  });

  it('keeps cycles and shared references', () => {
    const list = readPickle(p(']', 'q', [0], 'h', [0], 'a', '.')) as unknown[];
    assert.equal(list[0], list);
    const pair = readPickle(p(']', 'q', [0], 'h', [0], '\x86', '.')) as unknown[];
    assert.equal(pair[0], pair[1]);
  });

  it('turns REDUCE, NEWOBJ, NEWOBJ_EX and BUILD into records, never calling anything', () => {
    const obj = readPickle(p('\x80', [4], ...str('os'), ...str('system'), '\x93', ...str('rm -rf /'), '\x85', 'R', '.')) as PyObject;
    assert.ok(obj instanceof PyObject);
    assert.equal(obj.className, 'os.system');
    assert.deepEqual(obj.args, ['rm -rf /']);
    const inst = readPickle(p('\x80', [4], ...str('m'), ...str('C'), '\x93', ')', '}', '(', ...str('k'), 'K', [1], 'u', '\x92', '}', ...str('a'), 'K', [2], 's', 'b', '.')) as PyObject;
    assert.equal(inst.kind, 'newobj_ex');
    assert.deepEqual(inst.kwargs, new Map([['k', 1]]));
    assert.deepEqual(inst.state, new Map([['a', 2]]));
    fails(p('N', ')', 'R', '.'), /REDUCE needs a class or function, found None/, 'REDUCE');
    fails(p('cm\nf\n', ']', 'R', '.'), /REDUCE arguments must be a tuple/, 'REDUCE');
  });

  it('maps the Python 2 names protocols 0-2 use to Python 3 names, and not from protocol 3', () => {
    assert.deepEqual(readPickle(p('c__builtin__\nxrange\n.')), new PyGlobal('builtins', 'range'));
    assert.deepEqual(readPickle(p('\x80', [3], 'c__builtin__\nxrange\n.')), new PyGlobal('__builtin__', 'xrange'));
  });

  it('reads EXT codes only from a registry given by the caller', () => {
    fails(p('\x82', [7], '.'), /Unregistered extension code 7/, 'EXT1');
    assert.deepEqual(readPickle(p('\x82', [7], '.'), { extensions: new Map([[7, ['m', 'n'] as const]]) }), new PyGlobal('m', 'n'));
  });

  it('refuses persistent IDs unless asked to keep them as records', () => {
    fails(p('Pabc\n.'), /persistent ID/, 'PERSID');
    assert.deepEqual(readPickle(p('K', [1], 'Q', '.'), { persistentIds: 'record' }), new PyPersistent(1));
  });

  it('refuses out-of-band buffers with a clear error', () => {
    fails(p('\x80', [5], '\x97', '.'), /out-of-band buffers/, 'NEXT_BUFFER');
  });

  it('ignores bytes after STOP, as pickle.loads does', () => {
    assert.equal(readPickle(p('N.', 'garbage')), null);
  });

  it('fails malformed input with the offset and opcode', () => {
    const err = fails(p('\x80', [4], 'X', u32(100), 'abc'), /truncated: 100 bytes needed, 3 left/, 'BINUNICODE');
    assert.equal(err.offset, 2);
    assert.match(err.message, /opcode BINUNICODE at byte 2/);
    fails(p('K', [1]), /ends before the STOP opcode/);
    fails(p('\xff'), /Invalid pickle opcode 0xff/);
    fails(p('a.'), /Stack underflow/, 'APPEND');
    fails(p('K', [1], 't.'), /No MARK/, 'TUPLE');
    fails(p('h', [3], '.'), /Memo value not found at index 3/, 'BINGET');
    fails(p('\x80', [6], 'N.'), /Unsupported pickle protocol 6/, 'PROTO');
    fails(p('\x8b', u32(-1 >>> 0), '.'), /negative byte count/, 'LONG4');
    fails(p('\x95', u64(1000), 'N.'), /FRAME of 1000 bytes runs past the end/, 'FRAME');
    fails(p(')', 'K', [1], 'a', '.'), /APPEND to tuple/, 'APPEND');
    fails(p(']', '}', 'b', '.'), /BUILD on list/, 'BUILD');
    fails(p("S'abc\n."), /must be quoted/, 'STRING');
    fails(p(`I${'1'.repeat(5000)}\n.`), /5000 digits, over the limit of 4300/, 'INT');
  });

  it('pops the mark when POP meets an empty frame, as CPython does', () => {
    assert.deepEqual(readPickle(p('K', [1], '(', '0', '\x85', '.')), [1]);
  });

  it('enforces the depth, memo, object and input limits', () => {
    fails(p('('.repeat(20), '.'), /deeper than 10 MARKs/, 'MARK', { limits: { maxDepth: 10 } });
    fails(p('N', 'q', [0], 'q', [1], 'q', [2], '.'), /More than 2 memo entries/, 'BINPUT', { limits: { maxMemo: 2 } });
    fails(p(']', '(', 'N'.repeat(50), 'e', '.'), /Too many objects/, 'NONE', { limits: { maxObjects: 20 } });
    fails(p('N.'), /over the input limit of 1 bytes/, undefined, { limits: { maxInputBytes: 1 } });
  });
});

describe('readPickle of numpy pickles', () => {
  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') + BUILD (1, shape, dtype, fortran, data)
  const array = (shape: number[], dt: (string | number[])[], data: number[], fortran = false): Uint8Array =>
    p(
      '\x80', [2], 'cnumpy.core.multiarray\n_reconstruct\n', 'cnumpy\nndarray\n', 'K', [0], '\x85', 'C', [1], 'b', '\x87', 'R',
      '(', 'K', [1], '(', ...shape.flatMap((n) => ['K', [n]] as (string | number[])[]), 't', ...dt, fortran ? '\x88' : '\x89', 'B', u32(data.length), data, 't', 'b', '.',
    );

  it('decodes a float64 array, viewing aligned input instead of copying it', () => {
    const body = [...new Uint8Array(new Float64Array([1.5, -2]).buffer)];
    const bytes = array([2], stateDtype('f8'), body);
    const arr = readPickle(bytes) as NdArray;
    assert.deepEqual(Array.from(arr.toFloat64Array()), [1.5, -2]);
    assert.equal(arr.dtype.str, '<f8');
  });

  it('decodes big-endian and Fortran-order data into little-endian C order', () => {
    const arr = readPickle(array([2, 2], stateDtype('i2', '>'), [0, 1, 0, 2, 0, 3, 0, 4], true)) as NdArray;
    assert.equal(arr.dtype.str, '<i2');
    assert.deepEqual(arr.toList(), [
      [1, 3],
      [2, 4],
    ]);
  });

  it('checks the bytes an array declares against the bytes present before allocating', () => {
    fails(array([200, 200], stateDtype('f8'), [0, 0, 0, 0, 0, 0, 0, 0]), /needs 320000 bytes, found 8/, 'BUILD');
  });

  it('refuses list data for arrays that are not object arrays', () => {
    const list = p(
      '\x80', [2], 'cnumpy.core.multiarray\n_reconstruct\n', 'cnumpy\nndarray\n', 'K', [0], '\x85', 'C', [1], 'b', '\x87', 'R',
      '(', 'K', [1], '(', 'K', [1], 't', ...stateDtype('f8'), '\x89', ']', 'K', [1], 'a', 't', 'b', '.',
    );
    fails(list, /float64 array data must be bytes, not a list/, 'BUILD');
  });

  it('counts copies of array data against maxAllocBytes', () => {
    const body = new Array(64).fill(1);
    fails(array([8], stateDtype('f8', '>'), body), /allocation limit of 16 bytes/, 'BUILD', { limits: { maxAllocBytes: 16 } });
  });
});

// The state of numpy.dtype(code) as numpy pickles it, built from opcodes.
function stateDtype(code: string, order = '<'): (string | number[])[] {
  return [
    'cnumpy\ndtype\n', ...str(code), '\x89', '\x88', '\x87', 'R',
    '(', 'K', [3], ...str(order), 'N', 'N', 'N', 'J', u32(-1 >>> 0), 'J', u32(-1 >>> 0), 'K', [0], 't', 'b',
  ];
}
