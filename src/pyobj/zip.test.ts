import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PickleError } from './errors.js';
import { Budget, resolveLimits } from './limits.js';
import { ZipArchive, crc32 } from './zip.js';
import { makeZip } from '../../test/helpers/zip.js';

const budget = (limits = {}): Budget => new Budget(resolveLimits(limits));
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

function fails(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof PickleError && pattern.test(err.message));
}

describe('ZipArchive', () => {
  it('reads stored and deflated entries, and ZIP64 sizes and offsets', () => {
    const zip = ZipArchive.open(makeZip([{ name: 'a.txt', data: text('hello') }, { name: 'b.bin', data: text('x'.repeat(1000)), method: 8 }, { name: 'c', data: text('64'), zip64: true }]), budget(), 'z');
    assert.deepEqual(zip.names(), ['a.txt', 'b.bin', 'c']);
    assert.equal(Buffer.from(zip.read('a.txt')).toString(), 'hello');
    assert.equal(zip.read('b.bin').length, 1000);
    assert.equal(Buffer.from(zip.read('c')).toString(), '64');
  });

  it('computes CRC-32 as zip does', () => {
    assert.equal(crc32(text('123456789')), 0xcbf43926);
  });

  it('fails an entry that inflates past its declared size (a zip bomb) before allocating it', () => {
    const bomb = makeZip([{ name: 'bomb', data: new Uint8Array(10_000_000), method: 8, size: 100 }]);
    assert.ok(bomb.length < 20_000);
    fails(() => ZipArchive.open(bomb, budget(), 'z').read('bomb'), /does not inflate to its declared 100 bytes/);
  });

  it('counts inflated sizes against the allocation and entry limits', () => {
    const zip = makeZip([{ name: 'big', data: new Uint8Array(5000), method: 8 }]);
    fails(() => ZipArchive.open(zip, budget({ maxAllocBytes: 1000 }), 'z').read('big'), /allocation limit of 1000 bytes/);
    fails(() => ZipArchive.open(zip, budget({ maxEntryBytes: 1000 }), 'z').read('big'), /over the limit of 1000/);
  });

  it('refuses too many entries, duplicates, encryption, unknown methods and CRC mismatches', () => {
    const three = makeZip([1, 2, 3].map((i) => ({ name: `f${i}`, data: text('x') })));
    fails(() => ZipArchive.open(three, budget({ maxZipEntries: 2 }), 'z'), /3 entries, over the limit of 2/);
    fails(() => ZipArchive.open(makeZip([{ name: 'a', data: text('1') }, { name: 'a', data: text('2') }]), budget(), 'z'), /two entries named 'a'/);
    fails(() => ZipArchive.open(makeZip([{ name: 'a', data: text('1'), flags: 1 }]), budget(), 'z').read('a'), /encrypted/);
    fails(() => ZipArchive.open(makeZip([{ name: 'a', data: text('1'), method: 12 }]), budget(), 'z').read('a'), /method 12 \(bzip2\)/);
    fails(() => ZipArchive.open(makeZip([{ name: 'a', data: text('1'), crc: 5 }]), budget(), 'z').read('a'), /CRC-32/);
    fails(() => ZipArchive.open(makeZip([{ name: 'a', data: text('1') }]), budget(), 'z').read('b'), /no entry 'b'/);
  });

  it('fails truncated and non-zip input clearly', () => {
    const zip = makeZip([{ name: 'a', data: text('hello') }]);
    fails(() => ZipArchive.open(zip.subarray(0, zip.length - 5), budget(), 'z'), /not a zip archive/);
    fails(() => ZipArchive.open(text('not a zip at all, just text'), budget(), 'z'), /not a zip archive/);
  });
});
