// deepMerge: objects merged key by key, everything else replaced, inputs untouched.
import { deepMerge } from '../../src/config/deep-merge';

describe('deepMerge', () => {
  it('merges nested objects and replaces arrays, scalars and null', () => {
    const base = { a: { b: 1, c: { d: 2, e: 3 } }, list: [1, 2], s: 'x', n: 1, keep: true };
    const overlay = { a: { c: { e: 30 } }, list: [9], s: 'y', n: null };
    expect(deepMerge(base, overlay)).toEqual({ a: { b: 1, c: { d: 2, e: 30 } }, list: [9], s: 'y', n: null, keep: true });
  });

  it('replaces an object by a scalar and a scalar by an object', () => {
    expect(deepMerge({ a: { b: 1 }, c: 1 }, { a: 'flat', c: { d: 1 } })).toEqual({ a: 'flat', c: { d: 1 } });
  });

  it('leaves both inputs unchanged', () => {
    const base = { a: { b: 1 } };
    const overlay = { a: { c: 2 } };
    deepMerge(base, overlay);
    expect(base).toEqual({ a: { b: 1 } });
    expect(overlay).toEqual({ a: { c: 2 } });
  });

  it('copies a __proto__ key as data, never as a prototype', () => {
    const overlay = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = deepMerge({}, overlay);
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
