import { it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { parseJson } from '../codecs/json-parse.js';
import { encodeOutput } from '../codecs/predictions.js';
import { Frame } from '../data/frame.js';
import { Tensor } from '../data/tensor.js';
import { fromWire, toWire } from './wire.js';

/** Sends a value through a real MessagePort (structured clone), as the pool does. */
function roundTrip(v: unknown): unknown {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(toWire(v));
  const got = receiveMessageOnPort(port2)!.message;
  port1.close();
  return fromWire(got);
}

it('keeps float marks, key order, bigints and nested values across threads', () => {
  const v = parseJson('{"b": [1.0, 2, {"9": 3.0, "a": 1}], "1": 9007199254740993, "s": "x", "n": null}');
  assert.equal(encodeOutput(roundTrip(v)), '{"b": [1.0, 2, {"9": 3.0, "a": 1}], "1": 9007199254740993, "s": "x", "n": null}');
});

it('rebuilds Frames, Tensors, Buffers and Dates', () => {
  const frame = new Frame([
    { name: 'f', dtype: 'float32', values: Float32Array.from([0.1, 1]) },
    { name: 'b', dtype: 'bytes', values: [Buffer.from('hi'), Buffer.from('')] },
    { name: 'o', dtype: 'object', values: parseJson('[1.0, [1, 2.0]]') as unknown[] },
    { name: 'd', dtype: 'datetime64', values: BigInt64Array.from([0n, 1n]) },
  ]);
  const back = roundTrip({ frame, t: new Tensor('int64', [2], BigInt64Array.from([1n, 2n])), buf: Buffer.from('x'), date: new Date(0) });
  assert.equal(
    encodeOutput(back),
    '{"frame": [{"f": 0.10000000149011612, "b": "aGk=\\n", "o": 1.0, "d": "1970-01-01T00:00:00"}, {"f": 1.0, "b": "", "o": [1, 2.0], "d": "1970-01-01T00:00:00.000000001"}], "t": [1, 2], "buf": "eA==\\n", "date": "1970-01-01T00:00:00"}',
  );
});
