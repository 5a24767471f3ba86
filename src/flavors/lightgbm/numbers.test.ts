// Tests number reading: exact doubles and LightGBM's own Atof for objective settings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lightgbmAtof, parseDouble, parseInteger } from './numbers.js';

describe('parseDouble', () => {
  it('reads decimals exactly and the spellings LightGBM writes for infinities and NaN', () => {
    assert.equal(parseDouble('-0.13737143533085869'), -0.13737143533085869);
    assert.equal(parseDouble('1.0000000180025095e-35'), Math.fround(1e-35));
    assert.equal(parseDouble('1e+300'), 1e300);
    assert.equal(parseDouble('.5'), 0.5);
    assert.equal(parseDouble('inf'), Infinity);
    assert.equal(parseDouble('-inf'), -Infinity);
    assert.equal(parseDouble('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(parseDouble('nan')));
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'abc', '1,5', '0x10', '1e', '--1', '1 2']) assert.equal(parseDouble(bad), undefined, bad);
  });
});

describe('parseInteger', () => {
  it('reads whole decimal integers only', () => {
    assert.equal(parseInteger('-12'), -12);
    assert.equal(parseInteger('+7'), 7);
    for (const bad of ['', '1.0', '1e3', '12a', '9999999999999999']) assert.equal(parseInteger(bad), undefined, bad);
  });
});

describe('lightgbmAtof (Common::Atof)', () => {
  it('agrees with exact parsing on short settings such as sigmoid:1 and sigmoid:0.7', () => {
    for (const s of ['1', '0.7', '1.5', '2', '0.25', '-3.5', '1e-3']) assert.equal(lightgbmAtof(s), Number(s), s);
  });

  it('caps exponents at 308 and maps inf to 1e308, as LightGBM does', () => {
    const tiny = lightgbmAtof('1e-320')!;
    assert.ok(Math.abs(tiny - 1e-308) < 1e-322, `1e-320 reads as ${tiny}, not about 1e-308`);
    assert.equal(lightgbmAtof('inf'), 1e308);
    assert.equal(lightgbmAtof('-Infinity'), -1e308);
    assert.ok(Number.isNaN(lightgbmAtof('nan')!));
  });

  it('divides the fraction by its own power of ten, which can differ from exact parsing', () => {
    // 0.1 + 0.2 style rounding: digits before and after the point are summed as doubles.
    assert.equal(lightgbmAtof('123456789.123456789'), 123456789 + 123456789 / 1e9);
  });

  it('rejects unknown words', () => {
    assert.equal(lightgbmAtof('abc'), undefined);
  });
});
