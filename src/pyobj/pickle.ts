// Owns reading a Python pickle (protocols 0–5) into the inert object tree: CPython's pickle
// machine, opcode by opcode, except that nothing is imported or called. Iterative, bounded by
// the limits of limits.ts, and every failure is a PickleError naming the byte and the opcode.

import { fixImport } from './_compat.js';
import { applyState, checkHashable, reduceKnown } from './_reduce.js';
import { PickleInput } from './_input.js';
import { decodeAscii, decodeRawUnicodeEscape, decodeStringEscapes, decodeUtf8, parsePyFloat, parsePyInt } from './_text.js';
import { NpDType } from './dtype.js';
import { PickleError } from './errors.js';
import { Budget, type PyReadLimits, resolveLimits } from './limits.js';
import { NdArray } from './ndarray.js';
import { numpyBuild } from './numpy.js';
import { typeName } from './_type-name.js';
import { HIGHEST_PROTOCOL, OP, OPCODE_NAMES } from './opcodes.js';
import {
  EMPTY_TUPLE,
  PyByteArray,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  type PyObjectKind,
  PyPersistent,
  type PyTuple,
  type PyValue,
  isTuple,
  markPyFloat,
} from './tree.js';

/** Options of `readPickle`. */
export interface PickleReadOptions {
  /** Limits of this read; unset fields keep `DEFAULT_LIMITS`. */
  limits?: Partial<PyReadLimits>;
  /**
   * How Python 2 `str` values (STRING, BINSTRING, SHORT_BINSTRING) decode, as `pickle.load`'s
   * `encoding`: `'ascii'` (Python's default), `'latin1'`, `'utf-8'`, or `'bytes'` to keep bytes.
   * @default 'ascii'
   */
  encoding?: 'ascii' | 'latin1' | 'utf-8' | 'bytes';
  /**
   * PERSID/BINPERSID (references to objects stored outside the pickle, as torch.save writes):
   * `'error'` fails, `'record'` keeps a `PyPersistent`. @default 'error'
   */
  persistentIds?: 'error' | 'record';
  /** The copyreg extension registry for EXT1/EXT2/EXT4: code → [module, name]. Empty by default, as in Python. */
  extensions?: ReadonlyMap<number, readonly [string, string]>;
}

/**
 * Reads a pickle into an inert tree (see `PyValue`). Trailing bytes after STOP are ignored, as
 * `pickle.loads` does. Throws `PickleError` for malformed, truncated or over-limit input.
 *
 * @example
 * const model = readPickle(readFileSync('model.pkl'));
 * const name = model instanceof PyObject ? model.className : undefined; // 'sklearn.pipeline.Pipeline'
 */
export function readPickle(bytes: Uint8Array, options: PickleReadOptions = {}): PyValue {
  return unpickle(bytes, options, new Budget(resolveLimits(options.limits)));
}

/** `readPickle` charging an existing budget (a pickle inside a `.npy` inside a skops zip). */
export function unpickle(bytes: Uint8Array, options: PickleReadOptions, budget: Budget): PyValue {
  budget.checkInput(bytes.length, 'The pickle');
  return new Unpickler(bytes, options, budget).run();
}

// An integral Python float on the stack: unboxed, with a float mark, when stored in a container.
class FloatBox {
  constructor(readonly value: number) {}
}

type Slot = PyValue | FloatBox;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

class Unpickler {
  readonly #in: PickleInput;
  readonly #options: PickleReadOptions;
  readonly #budget: Budget;
  readonly #limits: PyReadLimits;
  #proto = 0;
  readonly #stack: Slot[] = [];
  /** Stack heights at each MARK (CPython keeps a metastack of stacks; heights are equivalent). */
  readonly #marks: number[] = [];
  readonly #memo = new Map<number, Slot>();
  readonly #globals = new Map<string, PyGlobal>();

  constructor(bytes: Uint8Array, options: PickleReadOptions, budget: Budget) {
    this.#in = new PickleInput(bytes, budget);
    this.#options = options;
    this.#budget = budget;
    this.#limits = budget.limits;
  }

  run(): PyValue {
    let start = 0;
    let op = -1;
    try {
      for (;;) {
        start = this.#in.pos;
        if (start >= this.#in.bytes.length) throw new PickleError('Pickle data ends before the STOP opcode (truncated file?)');
        op = this.#in.bytes[this.#in.pos++];
        if (op === OP.STOP) {
          const top = this.#pop();
          return top instanceof FloatBox ? top.value : top;
        }
        this.#step(op);
      }
    } catch (err) {
      if (err instanceof PickleError && err.offset === undefined) {
        const name = op < 0 ? undefined : (OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`);
        throw new PickleError(err.message, { offset: start, opcode: name, cause: err.cause });
      }
      throw err;
    }
  }

  #step(op: number): void {
    const stack = this.#stack;
    switch (op) {
      case OP.MARK:
        if (this.#marks.length >= this.#limits.maxDepth) throw new PickleError(`Nesting deeper than ${this.#limits.maxDepth} MARKs (raise limits.maxDepth to read this file)`);
        this.#marks.push(stack.length);
        return;
      case OP.POP:
        // CPython: an empty frame above a mark means POP discards the mark.
        if (stack.length > this.#base()) stack.pop();
        else this.#popMark();
        return;
      case OP.POP_MARK:
        this.#popMark();
        return;
      case OP.DUP:
        this.#push(this.#top(), false);
        return;
      case OP.NONE:
        return this.#push(null);
      case OP.NEWTRUE:
        return this.#push(true);
      case OP.NEWFALSE:
        return this.#push(false);
      case OP.INT: {
        const line = this.#in.line();
        const text = this.#in.buf.toString('latin1', line.start, line.end);
        if (text === '00') return this.#push(false);
        if (text === '01') return this.#push(true);
        return this.#push(parsePyInt(text, this.#limits.maxIntDigits));
      }
      case OP.BININT:
        return this.#push(this.#in.i32());
      case OP.BININT1:
        return this.#push(this.#in.u8());
      case OP.BININT2:
        return this.#push(this.#in.u16());
      case OP.LONG: {
        const line = this.#in.line();
        let text = this.#in.buf.toString('latin1', line.start, line.end);
        if (text.endsWith('L')) text = text.slice(0, -1);
        return this.#push(parsePyInt(text, this.#limits.maxIntDigits));
      }
      case OP.LONG1:
        return this.#push(this.#in.long(this.#in.u8()));
      case OP.LONG4: {
        const n = this.#in.i32();
        if (n < 0) throw new PickleError('LONG4 has a negative byte count');
        return this.#push(this.#in.long(n));
      }
      case OP.FLOAT: {
        const line = this.#in.line();
        return this.#pushFloat(parsePyFloat(this.#in.buf.toString('latin1', line.start, line.end)));
      }
      case OP.BINFLOAT:
        return this.#pushFloat(this.#in.f64be());
      case OP.STRING: {
        const line = this.#in.line();
        const raw = this.#in.bytes.subarray(line.start, line.end);
        const q = raw[0];
        if (raw.length < 2 || (q !== 0x22 && q !== 0x27) || raw[raw.length - 1] !== q) throw new PickleError('The STRING opcode argument must be quoted');
        return this.#push(this.#py2str(decodeStringEscapes(raw.subarray(1, -1))));
      }
      case OP.BINSTRING: {
        const n = this.#in.i32();
        if (n < 0) throw new PickleError('BINSTRING has a negative length');
        return this.#push(this.#py2str(this.#in.slice(n)));
      }
      case OP.SHORT_BINSTRING:
        return this.#push(this.#py2str(this.#in.slice(this.#in.u8())));
      case OP.UNICODE: {
        const line = this.#in.line();
        return this.#push(decodeRawUnicodeEscape(this.#in.bytes.subarray(line.start, line.end)));
      }
      case OP.SHORT_BINUNICODE:
        return this.#push(this.#in.utf8(this.#in.u8()));
      case OP.BINUNICODE:
        return this.#push(this.#in.utf8(this.#in.u32()));
      case OP.BINUNICODE8:
        return this.#push(this.#in.utf8(this.#in.u64()));
      case OP.SHORT_BINBYTES:
        return this.#push(this.#in.slice(this.#in.u8()));
      case OP.BINBYTES:
        return this.#push(this.#in.slice(this.#in.u32()));
      case OP.BINBYTES8:
        return this.#push(this.#in.slice(this.#in.u64()));
      case OP.BYTEARRAY8:
        return this.#push(new PyByteArray(this.#in.slice(this.#in.u64())));
      case OP.NEXT_BUFFER:
        throw new PickleError('The pickle refers to out-of-band buffers (protocol 5 NEXT_BUFFER), which a model file cannot carry');
      case OP.READONLY_BUFFER: {
        const top = this.#top();
        if (top instanceof PyByteArray) stack[stack.length - 1] = top.bytes;
        else if (!(top instanceof Uint8Array)) throw new PickleError(`READONLY_BUFFER needs a buffer on the stack, found ${typeName(unbox(top))}`);
        return;
      }
      case OP.EMPTY_LIST:
        return this.#push([]);
      case OP.EMPTY_TUPLE:
        return this.#push(EMPTY_TUPLE);
      case OP.EMPTY_DICT:
        return this.#push(new Map());
      case OP.EMPTY_SET:
        return this.#push(new Set());
      case OP.LIST:
        return this.#push(settleAll(this.#popMark()));
      case OP.TUPLE:
        return this.#push(tuple(this.#popMark()));
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length - this.#base() < n) throw new PickleError(`TUPLE${n} needs ${n} items on the stack`);
        return this.#push(tuple(stack.splice(stack.length - n, n)));
      }
      case OP.DICT: {
        const dict = new Map<PyValue, PyValue>();
        this.#setItems(dict, this.#popMark());
        return this.#push(dict);
      }
      case OP.FROZENSET:
        return this.#push(new PyFrozenSet(this.#hashables(this.#popMark(), 'frozenset element')));
      case OP.APPEND: {
        const value = this.#pop();
        this.#append(this.#top(), [value]);
        return;
      }
      case OP.APPENDS: {
        const items = this.#popMark();
        this.#append(this.#top(), items);
        return;
      }
      case OP.SETITEM: {
        const value = this.#pop();
        const key = this.#pop();
        this.#setItems(this.#top(), [key, value]);
        return;
      }
      case OP.SETITEMS: {
        const items = this.#popMark();
        this.#setItems(this.#top(), items);
        return;
      }
      case OP.ADDITEMS: {
        const items = this.#popMark();
        const target = this.#top();
        const values = this.#hashables(items, 'set element');
        if (target instanceof Set && !(target instanceof PyFrozenSet)) for (const v of values) target.add(v);
        else if (target instanceof PyObject) for (const v of values) (target.setItems ??= []).push(v);
        else throw new PickleError(`ADDITEMS to ${typeName(unbox(target))}`);
        return;
      }
      case OP.GET: {
        const line = this.#in.line();
        return this.#get(this.#memoIndex(this.#in.buf.toString('latin1', line.start, line.end)));
      }
      case OP.BINGET:
        return this.#get(this.#in.u8());
      case OP.LONG_BINGET:
        return this.#get(this.#in.u32());
      case OP.PUT: {
        const line = this.#in.line();
        return this.#put(this.#memoIndex(this.#in.buf.toString('latin1', line.start, line.end)));
      }
      case OP.BINPUT:
        return this.#put(this.#in.u8());
      case OP.LONG_BINPUT:
        return this.#put(this.#in.u32());
      case OP.MEMOIZE:
        return this.#put(this.#memo.size);
      case OP.GLOBAL: {
        const module = this.#in.lineUtf8();
        const name = this.#in.lineUtf8();
        return this.#push(this.#global(module, name));
      }
      case OP.STACK_GLOBAL: {
        const name = unbox(this.#pop());
        const module = unbox(this.#pop());
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError(`STACK_GLOBAL needs two str, found ${typeName(module)} and ${typeName(name)}`);
        return this.#push(this.#global(module, name));
      }
      case OP.EXT1:
        return this.#push(this.#extension(this.#in.u8()));
      case OP.EXT2:
        return this.#push(this.#extension(this.#in.u16()));
      case OP.EXT4:
        return this.#push(this.#extension(this.#in.i32()));
      case OP.REDUCE: {
        const args = unbox(this.#pop());
        const fn = unbox(this.#pop());
        return this.#push(this.#reduce(fn, args));
      }
      case OP.NEWOBJ: {
        const args = unbox(this.#pop());
        const cls = unbox(this.#pop());
        return this.#push(this.#record(cls, 'newobj', args, null));
      }
      case OP.NEWOBJ_EX: {
        const kwargs = unbox(this.#pop());
        const args = unbox(this.#pop());
        const cls = unbox(this.#pop());
        if (!(kwargs instanceof Map)) throw new PickleError(`NEWOBJ_EX keyword arguments must be a dict, found ${typeName(kwargs)}`);
        return this.#push(this.#record(cls, 'newobj_ex', args, kwargs));
      }
      case OP.INST: {
        const module = decodeAscii(this.#in.buf, ...this.#in.lineRange(), 'INST module');
        const name = decodeAscii(this.#in.buf, ...this.#in.lineRange(), 'INST name');
        const cls = this.#global(module, name);
        return this.#push(this.#record(cls, 'inst', tuple(this.#popMark()), null));
      }
      case OP.OBJ: {
        const items = this.#popMark();
        if (items.length === 0) throw new PickleError('OBJ needs a class after the mark');
        const cls = unbox(items.shift()!);
        return this.#push(this.#record(cls, 'obj', tuple(items), null));
      }
      case OP.BUILD: {
        const state = unbox(this.#pop());
        this.#build(this.#top(), state);
        return;
      }
      case OP.PERSID: {
        const id = decodeAscii(this.#in.buf, ...this.#in.lineRange(), 'A protocol 0 persistent ID');
        return this.#push(this.#persistent(id));
      }
      case OP.BINPERSID:
        return this.#push(this.#persistent(unbox(this.#pop())));
      case OP.PROTO: {
        const proto = this.#in.u8();
        if (proto > HIGHEST_PROTOCOL) throw new PickleError(`Unsupported pickle protocol ${proto} (this reader knows 0 to ${HIGHEST_PROTOCOL})`);
        this.#proto = proto;
        return;
      }
      case OP.FRAME: {
        // Frames only group opcodes for buffered reading; the whole input is in memory.
        const size = this.#in.u64();
        if (size > this.#in.bytes.length - this.#in.pos) throw new PickleError(`FRAME of ${size} bytes runs past the end of the data`);
        return;
      }
      default:
        throw new PickleError(`Invalid pickle opcode 0x${op.toString(16).padStart(2, '0')} (not a pickle, or a corrupt one)`);
    }
  }

  // --- stack -------------------------------------------------------------------------------

  #base(): number {
    const marks = this.#marks;
    return marks.length === 0 ? 0 : marks[marks.length - 1];
  }

  #push(value: Slot, created = true): void {
    if (created) this.#budget.count();
    this.#stack.push(value);
  }

  #pushFloat(value: number): void {
    this.#push(Number.isInteger(value) && !Object.is(value, -0) ? new FloatBox(value) : value);
  }

  #pop(): Slot {
    if (this.#stack.length <= this.#base()) throw new PickleError('Stack underflow: an opcode needs a value the pickle did not push');
    return this.#stack.pop()!;
  }

  #top(): Slot {
    if (this.#stack.length <= this.#base()) throw new PickleError('Stack underflow: an opcode needs a value the pickle did not push');
    return this.#stack[this.#stack.length - 1];
  }

  #popMark(): Slot[] {
    const mark = this.#marks.pop();
    if (mark === undefined) throw new PickleError('No MARK on the stack for an opcode that needs one');
    return this.#stack.splice(mark);
  }

  #py2str(bytes: Uint8Array): PyValue {
    const encoding = this.#options.encoding ?? 'ascii';
    if (encoding === 'bytes') return bytes;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (encoding === 'latin1') return buf.toString('latin1');
    if (encoding === 'utf-8') return decodeUtf8(buf, 0, buf.length);
    return decodeAscii(buf, 0, buf.length, 'A Python 2 str (read with encoding "ascii"; pass encoding "latin1" or "bytes" for binary data)');
  }

  // --- memo --------------------------------------------------------------------------------

  #memoIndex(text: string): number {
    const i = parsePyInt(text, 20);
    if (typeof i !== 'number' || i < 0) throw new PickleError(`Invalid memo index '${text.slice(0, 40)}'`);
    return i;
  }

  #get(i: number): void {
    const value = this.#memo.get(i);
    if (value === undefined) throw new PickleError(`Memo value not found at index ${i}`);
    this.#push(value, false);
  }

  #put(i: number): void {
    if (i > MAX_SAFE) throw new PickleError('Memo index is too large');
    if (this.#memo.size >= this.#limits.maxMemo && !this.#memo.has(i)) throw new PickleError(`More than ${this.#limits.maxMemo} memo entries (raise limits.maxMemo to read this file)`);
    this.#memo.set(i, this.#top());
  }

  // --- containers --------------------------------------------------------------------------

  #append(target: Slot, items: Slot[]): void {
    const list = Array.isArray(target) && !Object.isFrozen(target) ? (target as PyValue[]) : target instanceof PyObject ? (target.listItems ??= []) : undefined;
    if (!list) throw new PickleError(`APPEND to ${typeName(unbox(target))}`);
    for (const item of items) {
      if (item instanceof FloatBox) markPyFloat(list, list.length);
      list.push(unbox(item));
    }
  }

  #setItems(target: Slot, items: Slot[]): void {
    if (items.length % 2 !== 0) throw new PickleError('Odd number of items for a dict');
    const dict = target instanceof Map ? target : target instanceof PyObject ? (target.dictItems ??= new Map()) : undefined;
    if (!dict) throw new PickleError(`SETITEM on ${typeName(unbox(target))}`);
    for (let i = 0; i < items.length; i += 2) {
      const key = unbox(items[i]);
      checkHashable(key, 'dict key');
      const value = items[i + 1];
      if (value instanceof FloatBox) markPyFloat(dict, key);
      dict.set(key, unbox(value));
    }
  }

  #hashables(items: Slot[], what: string): PyValue[] {
    const values = items.map(unbox);
    for (const v of values) checkHashable(v, what);
    return values;
  }

  // --- objects -----------------------------------------------------------------------------

  #global(module: string, name: string): PyGlobal {
    if (this.#proto < 3) [module, name] = fixImport(module, name);
    const key = `${module}\n${name}`;
    let g = this.#globals.get(key);
    if (!g) this.#globals.set(key, (g = new PyGlobal(module, name)));
    return g;
  }

  #extension(code: number): PyGlobal {
    if (code <= 0) throw new PickleError('EXT specifies a code <= 0');
    const entry = this.#options.extensions?.get(code);
    if (!entry) throw new PickleError(`Unregistered extension code ${code} (copyreg's extension registry is empty unless the pickle's author filled it)`);
    return this.#global(entry[0], entry[1]);
  }

  #reduce(fn: PyValue, args: PyValue): PyValue {
    if (!isTuple(args)) throw new PickleError(`REDUCE arguments must be a tuple, found ${typeName(args)}`);
    if (fn instanceof PyGlobal) {
      const known = reduceKnown(fn, args, this.#budget);
      if (known !== undefined) return known;
    }
    return this.#record(fn, 'reduce', args, null);
  }

  #record(cls: PyValue, kind: PyObjectKind, args: PyValue, kwargs: Map<PyValue, PyValue> | null): PyObject {
    if (!(cls instanceof PyGlobal || cls instanceof PyObject)) throw new PickleError(`${kind.toUpperCase()} needs a class or function, found ${typeName(cls)}`);
    if (!isTuple(args)) throw new PickleError(`${kind.toUpperCase()} arguments must be a tuple, found ${typeName(args)}`);
    return new PyObject(cls, kind, args, kwargs);
  }

  #build(target: Slot, state: PyValue): void {
    if (target instanceof PyObject) applyState(target, state);
    else if (target instanceof NdArray || target instanceof NpDType) numpyBuild(target, state, this.#budget);
    else throw new PickleError(`BUILD on ${typeName(unbox(target))}, which has no state to set`);
  }

  #persistent(id: PyValue): PyPersistent {
    if (this.#options.persistentIds === 'record') return new PyPersistent(id);
    throw new PickleError('The pickle references a persistent ID (an object stored outside the pickle, as torch.save or joblib write); such files are not supported');
  }
}

function unbox(slot: Slot): PyValue {
  return slot instanceof FloatBox ? slot.value : slot;
}

/** Unboxes floats in place, marking the slots that hold integral floats. */
function settleAll(items: Slot[]): PyValue[] {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item instanceof FloatBox) {
      items[i] = item.value;
      markPyFloat(items, i);
    }
  }
  return items as PyValue[];
}

function tuple(items: Slot[]): PyTuple {
  return items.length === 0 ? EMPTY_TUPLE : Object.freeze(settleAll(items));
}
