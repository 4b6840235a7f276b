import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonKeyProblem, MAX_JSON_DEPTH } from '../../shared/http/json-keys.js';

/** The duplicate-key scanner behind strict bodies: exact on hand-picked cases, and fuzzed against JSON.parse. */
describe('findJsonKeyProblem', () => {
  it('names the duplicate key with its path, at any depth, and ignores look-alikes inside strings', () => {
    expect(findJsonKeyProblem('{"amount":"1.00","amount":"90.00"}')).toEqual({ kind: 'duplicate', path: 'amount' });
    expect(findJsonKeyProblem('{"a":{"b":1,"c":[{"d":1},{"d":2,"d":3}]}}')).toEqual({ kind: 'duplicate', path: 'a.c.1.d' });
    expect(findJsonKeyProblem(' { "a" : 1 , "\\u0061" : 2 } ')).toEqual({ kind: 'duplicate', path: 'a' });
    expect(findJsonKeyProblem('{"a":"{\\"a\\":1,\\"a\\":2}","b":{"a":1}}')).toBeUndefined();
    expect(findJsonKeyProblem('{"a":{"x":1},"b":{"x":1}}')).toBeUndefined();
    expect(findJsonKeyProblem('[]')).toBeUndefined();
    expect(findJsonKeyProblem('null')).toBeUndefined();
    expect(findJsonKeyProblem('{"a":-1.5e3,"b":true,"c":null,"d":[1,"x",{}]}')).toBeUndefined();
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(JSON.parse(deep)).toBeDefined();
    expect(findJsonKeyProblem(deep)).toEqual({ kind: 'too-deep' });
    expect(findJsonKeyProblem(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBeUndefined();
  });

  it('finds nothing in any JSON.stringify output (which never repeats a key), whatever the spacing', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(undefined, 1, '\t'), (value, space) => {
        expect(findJsonKeyProblem(JSON.stringify(value, null, space))).toBeUndefined();
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('finds a key repeated in any object of any JSON value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 }), fc.jsonValue({ maxDepth: 2 }), (obj, extra) => {
        const key = Object.keys(obj)[0] ?? '';
        const text = `{"wrap":${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra)}}}`;
        expect(findJsonKeyProblem(text)).toEqual({ kind: 'duplicate', path: `wrap.${key}` });
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
