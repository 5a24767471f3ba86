import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { NAT } from '../data/dtype.js';
import { isMarkedFloat } from '../data/float-hint.js';
import type { Frame } from '../data/frame.js';
import {
  type CsvColumnType,
  type CsvRecord,
  CsvParseError,
  buildFrame,
  columnNames,
  decodeCsv,
  tokenizeCsv,
} from './csv.js';

const types = (entries: [string | number, CsvColumnType][]) => ({ columnTypes: new Map(entries) });

/** Column values as plain arrays (typed arrays spread, bigints kept). */
function values(frame: Frame, name: string): unknown[] {
  return Array.from(frame.column(name) as ArrayLike<unknown>);
}

function decodeError(text: string, options?: Parameters<typeof decodeCsv>[1]): CsvParseError {
  try {
    decodeCsv(text, options);
  } catch (err) {
    assert.ok(err instanceof CsvParseError, `expected CsvParseError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected decodeCsv to throw');
}

function fields(text: string): string[][] {
  return tokenizeCsv(text).records.map((r) => r.fields);
}

describe('tokenizeCsv', () => {
  it('splits quoted fields holding commas, line breaks and doubled quotes', () => {
    assert.deepEqual(fields('a,b\n1,"x,y"\n"p\nq","say ""hi"""\n'), [
      ['a', 'b'],
      ['1', 'x,y'],
      ['p\nq', 'say "hi"'],
    ]);
  });

  it('ends records at \\n, \\r\\n and a lone \\r', () => {
    assert.deepEqual(fields('a\r\n1\r2\n3'), [['a'], ['1'], ['2'], ['3']]);
  });

  it('skips empty and blank-only lines but counts them in line numbers', () => {
    const { records } = tokenizeCsv('a\n\n  \t\n1\r\n\r\n2\n');
    assert.deepEqual(
      records.map((r) => [r.fields, r.line, r.pandasLine]),
      [
        [['a'], 1, 1],
        [['1'], 4, 4],
        [['2'], 6, 6],
      ],
    );
  });

  it('keeps leading blanks of a line that has other content', () => {
    assert.deepEqual(fields('a,b\n  ,x\n'), [
      ['a', 'b'],
      ['  ', 'x'],
    ]);
  });

  it('drops a UTF-8 BOM only at the very start', () => {
    assert.deepEqual(fields('\ufeffa,\ufeffb\n'), [['a', '\ufeffb']]);
  });

  it('treats a quote inside an unquoted field literally and appends text after a closing quote', () => {
    assert.deepEqual(fields('a"b",c\n"ab"cd"e",f\n'), [
      ['a"b"', 'c'],
      ['abcd"e"', 'f'],
    ]);
  });

  it('gives a trailing delimiter an empty last field', () => {
    assert.deepEqual(fields('a,b\n1,'), [
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('counts line breaks inside quotes in physical lines but not in pandas lines', () => {
    const { records } = tokenizeCsv('a\n"x\ny\r\nz"\nw\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.pandasLine]),
      [
        [1, 1],
        [2, 2],
        [5, 3],
      ],
    );
  });

  it('swallows a delimiter right after a blank line ended by a lone \\r, as pandas does', () => {
    assert.deepEqual(fields('a\n\r,b\n'), [['a'], ['b']]);
  });

  it('rejects an unclosed quote as pandas does', () => {
    assert.throws(() => tokenizeCsv('a\n1\n"abc\n'), {
      name: 'CsvParseError',
      message: 'Error tokenizing data. C error: EOF inside string starting at row 2',
    });
  });

  it('leaves an unfinished record unconsumed when more text follows', () => {
    const t = tokenizeCsv('a,b\n1,"x\n', { final: false });
    assert.deepEqual(t.records.map((r) => r.fields), [['a', 'b']]);
    assert.equal(t.consumed, 4);
    assert.deepEqual([t.line, t.pandasLine], [2, 2]);
    // A final \r may be half of \r\n.
    assert.equal(tokenizeCsv('a\r', { final: false }).consumed, 0);
  });

  it('gives the same records whichever way the text is cut into chunks', () => {
    const text = '\ufeffa,b\r\n\r\n"x,\r\ny",2\r3,"q""\n"\n\n  \n4,5\r\n"e"f,6';
    const whole = tokenizeCsv(text).records;
    for (let size = 1; size <= text.length; size++) {
      const got: CsvRecord[] = [];
      let rest = '';
      let line = 1;
      let pandasLine = 1;
      for (let p = 0; p < text.length; p += size) {
        const chunk = rest + text.slice(p, p + size);
        const t = tokenizeCsv(chunk, { final: p + size >= text.length, line, pandasLine });
        got.push(...t.records);
        rest = chunk.slice(t.consumed);
        ({ line, pandasLine } = t);
      }
      assert.deepEqual(got, whole, `chunk size ${size}`);
    }
  });
});

describe('decodeCsv: inference', () => {
  it('reads spec §8.10 #101: ints stay int64, a column with text is object', () => {
    const f = decodeCsv('a,b\n1,2.5\n3,x\n');
    assert.deepEqual(f.dtypes, { a: 'int64', b: 'object' });
    assert.deepEqual(values(f, 'a'), [1n, 3n]);
    assert.deepEqual(values(f, 'b'), ['2.5', 'x']);
    assert.deepEqual(f.toRecords(), [
      { a: 1, b: '2.5' },
      { a: 3, b: 'x' },
    ]);
  });

  it('keeps commas inside quoted fields', () => {
    assert.deepEqual(values(decodeCsv('a,b\n1,"x,y"\n'), 'b'), ['x,y']);
  });

  it('rejects an empty body or one of blank lines with "No columns to parse from file"', () => {
    for (const body of ['', '\n\n', ' \r\n\t\n', '\ufeff']) {
      const err = decodeError(body);
      assert.equal(err.message, 'No columns to parse from file');
    }
  });

  it('reads a header-only body as columns without rows', () => {
    const f = decodeCsv('a,b\n');
    assert.equal(f.numRows, 0);
    assert.deepEqual(f.columns, ['a', 'b']);
    assert.deepEqual(f.dtypes, { a: 'object', b: 'object' });
    const typed = decodeCsv('a,b', types([['a', 'float32']]));
    assert.ok(typed.column('a') instanceof Float32Array);
    assert.equal(typed.numRows, 0);
  });

  it('reads every default NA word as missing, quoted or not', () => {
    const na = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null'];
    const body = 'a,b\n' + na.map((w, i) => `${i},${i % 2 ? `"${w}"` : w}`).join('\n') + '\n';
    const f = decodeCsv(body);
    assert.equal(f.dtypes.b, 'float64');
    assert.ok(values(f, 'b').every((v) => Number.isNaN(v)));
  });

  it('does not treat near-misses of NA words as missing', () => {
    const f = decodeCsv('a\n NA\nNAN\nnull \n');
    assert.deepEqual(values(f, 'a'), [' NA', 'NAN', 'null ']);
  });

  it('makes integers with missing values float64 and all-missing columns float64 NaN', () => {
    const f = decodeCsv('a,b\n1,\nNA,\n3,\n');
    assert.equal(f.dtypes.a, 'float64');
    assert.deepEqual(values(f, 'a'), [1, NaN, 3]);
    assert.equal(f.dtypes.b, 'float64');
    assert.ok(values(f, 'b').every((v) => Number.isNaN(v)));
  });

  it('accepts the float spellings pandas accepts', () => {
    const f = decodeCsv('a\n1e3\n.5\n5.\n-2.5E-1\ninf\n-Infinity\n+INF\n 7 \n');
    assert.equal(f.dtypes.a, 'float64');
    assert.deepEqual(values(f, 'a'), [1000, 0.5, 5, -0.25, Infinity, -Infinity, Infinity, 7]);
  });

  it('leaves text that pandas does not read as a number in object columns', () => {
    for (const bad of ['1e', '.', '1_000', '0x10', '1,5', 'nan1']) {
      const f = decodeCsv(`a\n1.5\n"${bad}"\n`);
      assert.equal(f.dtypes.a, 'object', bad);
    }
  });

  it('reads integers with blanks and signs as int64', () => {
    const f = decodeCsv('a\n 1 \n+2\n-3\n007\n');
    assert.deepEqual(values(f, 'a'), [1n, 2n, -3n, 7n]);
  });

  it('keeps integers past 2^53 exact, uses uint64 past int64 and object past uint64', () => {
    assert.deepEqual(values(decodeCsv('a\n9007199254740993\n-9223372036854775808\n'), 'a'), [9007199254740993n, -(2n ** 63n)]);
    const u = decodeCsv('a\n18446744073709551615\n1\n');
    assert.equal(u.dtypes.a, 'uint64');
    assert.deepEqual(values(u, 'a'), [2n ** 64n - 1n, 1n]);
    const o = decodeCsv('a\n18446744073709551616\n1\n');
    assert.equal(o.dtypes.a, 'object');
    assert.deepEqual(values(o, 'a'), ['18446744073709551616', '1']);
  });

  it('reads true/false words as bool, and as object when some are missing', () => {
    const f = decodeCsv('a,b,c\nTrue,true,TRUE\nFalse,false,fAlSe\n');
    assert.deepEqual(f.dtypes, { a: 'bool', b: 'bool', c: 'bool' });
    assert.deepEqual(values(f, 'c'), [true, false]);
    const m = decodeCsv('a\nTrue\nNA\nFalse\n');
    assert.equal(m.dtypes.a, 'object');
    assert.deepEqual(values(m, 'a'), [true, NaN, false]);
    assert.equal(decodeCsv('a\nTrue\n1\n').dtypes.a, 'object');
  });

  it('infers the same types whether or not fields are quoted', () => {
    const f = decodeCsv('a,b,c\n"1","2.5","True"\n');
    assert.deepEqual(f.dtypes, { a: 'int64', b: 'float64', c: 'bool' });
  });

  it('handles a BOM and \\r\\n line ends', () => {
    const f = decodeCsv('\ufeffa,b\r\n1,x\r\n2,y\r\n');
    assert.deepEqual(f.columns, ['a', 'b']);
    assert.deepEqual(values(f, 'a'), [1n, 2n]);
    assert.deepEqual(values(f, 'b'), ['x', 'y']);
  });

  it('keeps quoted line breaks inside values', () => {
    assert.deepEqual(values(decodeCsv('a,b\n1,"line1\nline2"\n2,"x\r\ny"\n'), 'b'), ['line1\nline2', 'x\r\ny']);
  });
});

describe('decodeCsv: header and row shape', () => {
  it('names empty header cells "Unnamed: <i>"', () => {
    assert.deepEqual(decodeCsv(',a,\n1,2,3\n').columns, ['Unnamed: 0', 'a', 'Unnamed: 2']);
  });

  it('mangles duplicate labels as pandas does', () => {
    assert.deepEqual(decodeCsv('a,a,a\n1,2,3\n').columns, ['a', 'a.1', 'a.2']);
    assert.deepEqual(columnNames(['a', 'a', 'a.1']).names, ['a', 'a.2', 'a.1']);
    assert.deepEqual(columnNames(['Unnamed: 1', '', 'b']).names, ['Unnamed: 1', 'Unnamed: 1.1', 'b']);
  });

  it('pads short rows with missing values', () => {
    const f = decodeCsv('a,b,c\n1,2,3\n4\n5,6\n');
    assert.deepEqual(values(f, 'a'), [1n, 4n, 5n]);
    assert.deepEqual(values(f, 'b'), [2, NaN, 6]);
    assert.deepEqual(values(f, 'c'), [3, NaN, NaN]);
  });

  it('rejects a row longer than the first with pandas\' message and line', () => {
    const err = decodeError('a,b\n1,2\n\n3,4,5\n');
    assert.equal(err.message, 'Error tokenizing data. C error: Expected 2 fields in line 4, saw 3');
    assert.equal(err.line, 4);
  });

  it('drops extra leading fields of the first row (pandas\' implicit index)', () => {
    const f = decodeCsv('a,b\nidx1,1,2\nidx2,3,4\n');
    assert.deepEqual(f.columns, ['a', 'b']);
    assert.deepEqual(values(f, 'a'), [1n, 3n]);
    assert.deepEqual(values(f, 'b'), [2n, 4n]);
  });

  it('checks later chunks against the width given to buildFrame', () => {
    const rows = tokenizeCsv('1,2\n3,4,5\n', { line: 10, pandasLine: 10 }).records;
    assert.throws(() => buildFrame(['a', 'b'], rows, { expectedFields: 2 }), {
      message: 'Error tokenizing data. C error: Expected 2 fields in line 11, saw 3',
    });
  });
});

describe('decodeCsv: declared types', () => {
  it('applies spec §8.10 #103: declared columns cast, others inferred', () => {
    const f = decodeCsv('b,a,z\n1,2,q\n3,4,r\n', types([['b', 'float64'], ['a', 'int64']]));
    assert.deepEqual(f.dtypes, { b: 'float64', a: 'int64', z: 'object' });
    assert.deepEqual(f.toRecords(), [
      { b: 1, a: 2, z: 'q' },
      { b: 3, a: 4, z: 'r' },
    ]);
    assert.ok(f.column('b') instanceof Float64Array);
  });

  it('names the column and line of a value that does not fit (spec §8.10 #104)', () => {
    const err = decodeError('b,a\nx,2\n', types([['b', 'float64'], ['a', 'int64']]));
    assert.equal(err.message, "Unable to parse column 'b' at line 2: could not convert string to float: 'x'");
    assert.equal(err.line, 2);
    assert.equal(err.column, 'b');
  });

  it('reports the physical line, counting blank lines and quoted line breaks', () => {
    const err = decodeError('s,n\n"a\nb",1\n\nc,oops\n', types([['n', 'float32']]));
    assert.equal(err.line, 5);
    assert.match(err.message, /^Unable to parse column 'n' at line 5: could not convert string to float: 'oops'$/);
  });

  it('reads bool columns from true/false words, or 0/1 numbers', () => {
    assert.deepEqual(values(decodeCsv('x\nTrue\nfalse\n', types([['x', 'bool']])), 'x'), [true, false]);
    assert.deepEqual(values(decodeCsv('x\n1\n0\n', types([['x', 'bool']])), 'x'), [true, false]);
    assert.equal(decodeError('x\nTrue\n\nNA\n', types([['x', 'bool']])).message, "Unable to parse column 'x' at line 4: Bool column has NA values in column 0");
    assert.equal(
      decodeError('x\n1\n2\n', types([['x', 'bool']])).message,
      "Unable to parse column 'x' at line 3: cannot safely convert passed user dtype of bool for int64 dtyped data in column 0",
    );
    assert.match(decodeError('x\nyes\n', types([['x', 'bool']])).message, /for object dtyped data in column 0$/);
  });

  it('reads int32 and int64 columns as pandas casts them', () => {
    const f = decodeCsv('i,l\n3000000000,9223372036854775807\n1,-5\n', types([['i', 'int32'], ['l', 'int64']]));
    assert.ok(f.column('i') instanceof Int32Array);
    assert.deepEqual(values(f, 'i'), [-1294967296, 1]); // numpy's astype wraps
    assert.ok(f.column('l') instanceof BigInt64Array);
    assert.deepEqual(values(f, 'l'), [2n ** 63n - 1n, -5n]);
    assert.deepEqual(values(decodeCsv('i\n1.0\n-2e3\n', types([['i', 'int32']])), 'i'), [1, -2000]);
    assert.deepEqual(values(decodeCsv('l\n1.0\n2e3\n', types([['l', 'int64']])), 'l'), [1n, 2000n]);
    assert.deepEqual(values(decodeCsv('i\nTrue\nFalse\n', types([['i', 'int64']])), 'i'), [1n, 0n]);
    // A float column is cast only when every value survives: 3e9 does not fit int32.
    assert.match(decodeError('i\n1.0\n3000000000\n', types([['i', 'int32']])).message, /^Unable to parse column 'i' at line 3: cannot safely convert/);
  });

  it('rejects missing, fractional and non-numeric values in int columns', () => {
    const t = types([['i', 'int32']]);
    assert.equal(decodeError('i\n1\n\n""\n', t).message, "Unable to parse column 'i' at line 4: Integer column has NA values in column 0");
    assert.equal(
      decodeError('i\n1\n1.5\n', t).message,
      "Unable to parse column 'i' at line 3: cannot safely convert passed user dtype of int32 for float64 dtyped data in column 0",
    );
    assert.equal(decodeError('i\n1\nx\n', t).message, "Unable to parse column 'i' at line 3: invalid literal for int() with base 10: 'x'");
    assert.match(decodeError('i\n9223372036854775808\n', types([['i', 'int64']])).message, /out of bounds for int64$/);
  });

  it('reads float32 and float64 columns, missing as NaN', () => {
    const f = decodeCsv('f,d\n0.1,1\nNA,\n', types([['f', 'float32'], ['d', 'float64']]));
    assert.ok(f.column('f') instanceof Float32Array);
    assert.deepEqual(values(f, 'f'), [Math.fround(0.1), NaN]);
    assert.deepEqual(values(f, 'd'), [1, NaN]);
    assert.deepEqual(values(decodeCsv('d\nTrue\nFalse\n\n', types([['d', 'float64']])), 'd'), [1, 0]);
    assert.equal(decodeError('d\n"it\'s"\n', types([['d', 'float64']])).message, `Unable to parse column 'd' at line 2: could not convert string to float: "it's"`);
    assert.match(decodeError('d\n1_000\n', types([['d', 'float64']])).message, /cannot safely convert passed user dtype of float64 for object dtyped data/);
  });

  it('keeps str columns as raw text, missing as NaN', () => {
    const f = decodeCsv('s\n1\n" x "\nNA\naGVsbG8=\n', types([['s', 'str']]));
    assert.equal(f.dtypes.s, 'object');
    assert.deepEqual(values(f, 's'), ['1', ' x ', NaN, 'aGVsbG8=']);
  });

  it('base64-decodes binary columns leniently, like Python\'s b64decode', () => {
    const f = decodeCsv('x\naGVsbG8=\n"aGVs bG8=\n"\n!aGk=\n', types([['x', 'binary']]));
    assert.equal(f.dtypes.x, 'bytes');
    const cells = values(f, 'x') as Buffer[];
    assert.deepEqual(cells.map((b) => Buffer.from(b).toString()), ['hello', 'hello', 'hi']);
  });

  it('stops at a complete pad sequence and ignores stray pads, like CPython 3.11/3.12', () => {
    const f = decodeCsv('x\naGk=aGk=\n====\n=aGk=\n', types([['x', 'binary']]));
    assert.deepEqual((values(f, 'x') as Buffer[]).map((b) => Buffer.from(b).toString()), ['hi', '', 'hi']);
  });

  it('rejects undecodable or missing binary values', () => {
    const t = types([['x', 'binary']]);
    assert.equal(decodeError('x\naGVsbG8\n', t).message, "Unable to parse column 'x' at line 2: Incorrect padding");
    assert.equal(
      decodeError('x\nabcde\n', t).message,
      "Unable to parse column 'x' at line 2: Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4",
    );
    assert.match(decodeError('x\n\n""\n', t).message, /at line 3: argument should be a bytes-like object or ASCII string, not 'float'$/);
    assert.match(decodeError('x\nhé==\n', t).message, /string argument should contain only ASCII characters$/);
  });

  it('reads datetime columns as nanoseconds, missing as NaT', () => {
    const f = decodeCsv('t\n2021-01-01\n2021-01-01T10:00:00.123\nNaN\n', types([['t', 'datetime']]));
    assert.equal(f.dtypes.t, 'datetime64');
    assert.deepEqual(values(f, 't'), [1609459200000000000n, 1609495200123000000n, NAT]);
    assert.equal(
      decodeError('t\n2021-01-01\ngarbage\n', types([['t', 'datetime']])).message,
      "Unable to parse column 't' at line 3: Unknown datetime string format, unable to parse: garbage",
    );
  });

  it('parses json columns where the text is JSON and keeps other text', () => {
    const f = decodeCsv('j\n"[1,2]"\n"{""a"": ""b""}"\nhello\n1.0\n\n', types([['j', 'json']]));
    assert.deepEqual(values(f, 'j'), [[1, 2], { a: 'b' }, 'hello', 1]);
    assert.ok(isMarkedFloat(f.column('j'), 3), 'a top-level 1.0 stays a float');
    assert.deepEqual(values(decodeCsv('j\n"[1,"\nNA\n', types([['j', 'json']])), 'j'), ['[1,', NaN]);
  });

  it('looks types up by label first, then by position', () => {
    const f = decodeCsv('0,1\n1,2\n', types([[0, 'float64'], ['1', 'str'], [1, 'bool']]));
    assert.deepEqual(f.dtypes, { '0': 'float64', '1': 'object' });
  });

  it('gives mangled duplicates the type declared for the original label', () => {
    const f = decodeCsv('a,a,a\n1,2,3\n', types([['a', 'float32'], ['a.2', 'str']]));
    assert.deepEqual(f.dtypes, { a: 'float32', 'a.1': 'float32', 'a.2': 'object' });
  });
});
