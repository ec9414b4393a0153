// serializeArgs + deserializeArgs: every supported type round-trips; every unsupported one is named by path.
import { serializeArgs, DEFAULT_MAX_ARGS_BYTES } from '../../src/tasks/serialize-args';
import { deserializeArgs } from '../../src/tasks/deserialize-args';
import { TaskArgumentInvalid } from '../../src/tasks/task-errors';
import type { Json } from '../../src/tasks/json';
import type { ModelCodec } from '../../src/tasks/model-codec';
import { Address, Profile, address, fakeCodec, profile } from '../fixtures/tasks/fake-models';

/** Serialize, go through real JSON text (as Redis would), and deserialize. */
function roundTrip(args: unknown[]): unknown[] {
  const text = JSON.stringify(serializeArgs(args, fakeCodec));
  return deserializeArgs(JSON.parse(text) as Json, fakeCodec);
}

function nest(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('serializeArgs / deserializeArgs round trip', () => {
  const sparse: unknown[] = [1];
  sparse[3] = 4;
  const cases: Array<[string, unknown]> = [
    ['null', null],
    ['booleans', [true, false]],
    ['integers and floats', [0, 42, -7, 3.25, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE]],
    ['-0', -0],
    ['NaN', NaN],
    ['Infinity and -Infinity', [Infinity, -Infinity]],
    ['strings, including empty and unicode', ['', 'hé 🎉', '{"$pym":"date"}']],
    ['undefined as an argument', undefined],
    ['undefined in arrays, distinct from null', [undefined, null, undefined]],
    ['undefined in objects, distinct from a missing key', { a: undefined, b: null }],
    ['a sparse array (holes become undefined)', [1, undefined, undefined, 4]],
    ['nested plain objects and arrays', { a: [{ b: { c: [1, 'two', [3]] } }], 'weird key': 1 }],
    ['BigInt, negative and huge', [0n, -42n, 2n ** 200n, -(10n ** 40n)]],
    ['Date', new Date('2024-02-29T12:34:56.789Z')],
    ['Date before 1970 and far in the future', [new Date(-1e12), new Date(8.64e15)]],
    ['Map with string, number and object keys', new Map<unknown, unknown>([['x', 1], [2, 'two'], [{ id: 1 }, [true]]])],
    ['Set of Dates', new Set([new Date(0), new Date(1e12)])],
    ['Set of mixed values', new Set([1, 'a', null, undefined, 5n])],
    ['Buffer', Buffer.from([0, 1, 2, 250, 255])],
    ['empty Buffer', Buffer.alloc(0)],
    ['Uint8Array', new Uint8Array([9, 8, 7])],
    ['a plain object whose key is the tag key', { $pym: 'date', v: 5 }],
    ['a tag-key object inside a tag-key object', { $pym: { $pym: 'undefined' } }],
    ['a Map holding tag-key objects as keys and values', new Map([[{ $pym: 'x' }, { $pym: 'y' }]])],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a shared (non-circular) reference', (() => { const s = { x: 1 }; return { a: s, b: [s, s] }; })()],
  ];

  it.each(cases)('%s', (_name, value) => {
    const [back] = roundTrip([value]);
    expect(back).toStrictEqual(value);
  });

  it('keeps the sparse array length and reads holes as undefined', () => {
    const [back] = roundTrip([sparse]) as [unknown[]];
    expect(back).toHaveLength(4);
    expect(back).toStrictEqual([1, undefined, undefined, 4]);
  });

  it('keeps -0 distinct from 0 and NaN as NaN', () => {
    const [negZero, zero, nan] = roundTrip([-0, 0, NaN]);
    expect(Object.is(negZero, -0)).toBe(true);
    expect(Object.is(zero, 0)).toBe(true);
    expect(Number.isNaN(nan)).toBe(true);
  });

  it('returns Buffer as Buffer and Uint8Array as a plain Uint8Array', () => {
    const [buf, bytes] = roundTrip([Buffer.from('hi'), new Uint8Array([1, 2])]);
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect((buf as Buffer).toString()).toBe('hi');
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
  });

  it('encodes only the bytes of a Uint8Array view', () => {
    const view = new Uint8Array(new Uint8Array([1, 2, 3, 4, 5]).buffer, 1, 3);
    expect(roundTrip([view])).toStrictEqual([new Uint8Array([2, 3, 4])]);
  });

  it('keeps a null prototype', () => {
    const [back] = roundTrip([Object.assign(Object.create(null) as object, { $pym: 1 })]);
    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(back).toStrictEqual(Object.assign(Object.create(null) as object, { $pym: 1 }));
  });

  it('keeps an own "__proto__" key as data, never as a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const [back] = roundTrip([value]) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rebuilds a model as a real instance of its class, with its methods', () => {
    const [back] = roundTrip([profile('Ada', { tags: ['x'], joinedAt: new Date(5) })]);
    expect(back).toBeInstanceOf(Profile);
    expect((back as Profile).greeting()).toBe('Hello Ada');
    expect((back as Profile).joinedAt).toEqual(new Date(5));
  });

  it('rebuilds models at any depth: in arrays, objects, Maps, Sets and other models', () => {
    const args = [
      { team: [{ lead: profile('Ada', { address: address('Paris') }) }] },
      new Map<unknown, unknown>([[address('Key City'), { members: [profile('Bob')] }]]),
      new Set([address('Lyon')]),
    ];
    const back = roundTrip(args) as [
      { team: Array<{ lead: Profile }> },
      Map<Address, { members: Profile[] }>,
      Set<Address>,
    ];
    expect(back).toStrictEqual(args);
    const lead = back[0].team[0].lead;
    expect(lead).toBeInstanceOf(Profile);
    expect(lead.address).toBeInstanceOf(Address);
    expect(lead.address?.label()).toBe('1 Main St, Paris');
    const [[mapKey, mapValue]] = [...back[1]];
    expect(mapKey).toBeInstanceOf(Address);
    expect(mapKey.label()).toBe('1 Main St, Key City');
    expect(mapValue.members[0]).toBeInstanceOf(Profile);
    expect([...back[2]][0]).toBeInstanceOf(Address);
  });

  it('tags models with their registry name in the encoding', () => {
    expect(serializeArgs([address('Oslo')], fakeCodec)).toEqual([
      { $pym: 'model', name: 'Address', v: { city: 'Oslo', street: '1 Main St', owner: { $pym: 'undefined' } } },
    ]);
  });

  it('accepts nesting up to 64 levels', () => {
    expect(roundTrip([nest(64)])).toEqual([nest(64)]);
  });

  it('produces JSON-safe output: plain JSON stays as it is', () => {
    const plain = [{ a: [1, 'b', null, true] }, 'x', 3];
    expect(serializeArgs(plain, fakeCodec)).toEqual(plain);
  });
});

describe('serializeArgs errors', () => {
  class Foo {
    x = 1;
  }
  const circular: Record<string, unknown> = { b: {} };
  (circular.b as Record<string, unknown>).self = circular;
  const circularArray: unknown[] = [];
  circularArray.push(circularArray);
  const selfOwner = profile('Ada', { address: address('Paris') });
  selfOwner.address!.owner = selfOwner;

  const cases: Array<[string, unknown[], string]> = [
    ['a function deep inside', [{ items: [1, 2, { owner: () => 1 }] }], 'args[0].items[2].owner is a function'],
    ['a named function', [function sendMail() {}], 'args[0] is a function (sendMail)'],
    ['a symbol', ['x', Symbol('s')], 'args[1] is a symbol (Symbol(s))'],
    ['a symbol key', [{ [Symbol('k')]: 1 }], 'args[0] is an object with a symbol key (Symbol(k))'],
    ['a function as a Map value', [1, new Map([['x', () => 1]])], 'args[1] (Map value for key "x") is a function'],
    ['a function as a Map key', [new Map([[() => 1, 'x']])], 'args[0] (Map key of entry #0) is a function'],
    ['a symbol in a Set', [new Set([1, Symbol('q')])], 'args[0] (Set entry #1) is a symbol'],
    ['a circular object', [circular], 'args[0].b.self is a circular reference to args[0]'],
    ['a circular array', [circularArray], 'args[0][0] is a circular reference to args[0]'],
    ['a cycle through models', [selfOwner], 'args[0].address.owner is a circular reference to args[0]'],
    ['a non-model class instance', [{ x: new Foo() }], 'args[0].x is an instance of class Foo, which is not a model'],
    ['an Error', [new Error('x')], 'args[0] is an instance of class Error, which is not a model'],
    ['a Promise', [Promise.resolve(1)], 'args[0] is a Promise (await it before calling the task)'],
    ['a WeakMap', [new WeakMap()], 'args[0] is a WeakMap'],
    ['an object with a custom prototype', [Object.create({ a: 1 }) as object], 'args[0] is an object with a custom prototype'],
    ['an invalid Date', [{ when: new Date('nope') }], 'args[0].when is an invalid Date'],
    ['a non-identifier key in the path', [{ 'a b': [() => 1] }], 'args[0]["a b"][0] is a function'],
    ['nesting deeper than 64 levels', [nest(65)], `args[0]${'[0]'.repeat(64)} is nested more than 64 levels deep`],
  ];

  it.each(cases)('%s', (_name, args, message) => {
    let error: unknown;
    try {
      serializeArgs(args, fakeCodec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TaskArgumentInvalid);
    expect(error).toMatchObject({ code: 'TASK_ARGUMENT_INVALID', status: 500 });
    expect((error as Error).message).toContain(message);
  });

  it('a model whose own serialization fails (a field its schema cannot hold) is TASK_ARGUMENT_INVALID, naming its path', () => {
    const refusing: ModelCodec = {
      ...fakeCodec,
      toJSON: () => {
        throw new Error('Profile.visits: bigint 18446744073709551616 is not a safe integer');
      },
    };
    // Before: the model layer's own error escaped, with no code and no argument path.
    expect(() => serializeArgs([{ who: [profile('Ada')] }], refusing)).toThrow(
      expect.objectContaining({
        code: 'TASK_ARGUMENT_INVALID',
        message: 'Task argument args[0].who[0] is a Profile that cannot be serialized (Profile.visits: bigint 18446744073709551616 is not a safe integer)',
      }),
    );
  });

  it('refuses arguments over 512 KiB by default, naming the size', () => {
    const big = 'x'.repeat(DEFAULT_MAX_ARGS_BYTES);
    expect(() => serializeArgs([big], fakeCodec)).toThrow(
      /arguments are 524292 bytes, over the 512 KiB limit/,
    );
    expect(() => serializeArgs(['x'.repeat(DEFAULT_MAX_ARGS_BYTES - 10)], fakeCodec)).not.toThrow();
  });

  it('stops early on shared references that would grow past the limit (each is encoded once per occurrence)', () => {
    let doubling: unknown = 'x';
    for (let level = 0; level < 40; level++) doubling = [doubling, doubling]; // 2^40 leaves once expanded
    // Before: every occurrence was encoded first (memory and time doubling with each level: this one never ended).
    expect(() => serializeArgs([doubling], fakeCodec)).toThrow(/Task arguments are more than 524288 values, over the 512 KiB limit/);
  });

  it('honours maxBytes and counts UTF-8 bytes', () => {
    expect(() => serializeArgs(['é'.repeat(50)], fakeCodec, { maxBytes: 100 })).toThrow(TaskArgumentInvalid);
    expect(() => serializeArgs(['é'.repeat(50)], fakeCodec, { maxBytes: 100 })).toThrow(
      'arguments are 104 bytes, over the 100 bytes limit',
    );
    expect(() => serializeArgs(['e'.repeat(50)], fakeCodec, { maxBytes: 100 })).not.toThrow();
  });

  // The exact size is measured only when a cheap upper bound could pass the limit: the bound must never be below it.
  it.each<[string, unknown[]]>([
    ['control characters (6 bytes each in JSON)', ['\u0001'.repeat(40)]],
    ['astral characters (4 bytes per 2 UTF-16 units)', ['😀'.repeat(30)]],
    ['escaped keys', [{ ['\u0002'.repeat(20)]: 1, ['"'.repeat(10)]: 2 }]],
    ['long numbers', [[-1.2345678901234567e308, 5e-324, -0, Number.NaN, Number.MIN_SAFE_INTEGER]]],
    ['tags of every kind', [undefined, 10n ** 60n, new Date(0), new Map([[{ a: 1 }, new Set([1])]]), Buffer.alloc(20), new Uint8Array(7), Object.create(null), { $pym: 1 }]],
    ['a model', [profile('Ada')]],
  ])('refuses %s one byte over the limit, accepts them at it', (_name, args) => {
    const bytes = Buffer.byteLength(JSON.stringify(serializeArgs(args, fakeCodec)), 'utf8');
    expect(() => serializeArgs(args, fakeCodec, { maxBytes: bytes - 1 })).toThrow(`arguments are ${bytes} bytes`);
    expect(() => serializeArgs(args, fakeCodec, { maxBytes: bytes })).not.toThrow();
  });
});

describe('deserializeArgs on a malformed encoding', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an array', { a: 1 }, /at args: an array/],
    ['an unknown tag', [{ $pym: 'regexp', v: 'x' }], /at args\[0\]: unknown tag "regexp"/],
    ['an extra key in a tag', [{ $pym: 'date', v: 1, x: 2 }], /unexpected key "x"/],
    ['a bad bigint', [{ $pym: 'bigint', v: '12a' }], /decimal digits/],
    ['a bad special number', [{ $pym: 'number', v: '1' }], /NaN, Infinity/],
    ['bad base64', [[{ $pym: 'buffer', v: 'not base64!' }]], /at args\[0\]\[0\]: binary data must be base64/],
    ['a bad date', [{ $pym: 'date', v: 'yesterday' }], /valid time/],
    ['a map entry that is not a pair', [{ $pym: 'map', v: [[1]] }], /map entry #0/],
    ['an object tag with a non-null proto', [{ $pym: 'object', v: {}, proto: {} }], /proto can only be null/],
    ['a model without a name', [{ $pym: 'model', v: {} }], /must have a name/],
    ['an unknown model name', [{ a: { $pym: 'model', name: 'Ghost', v: {} } }], /args\[0\]\.a: cannot rebuild model Ghost: No model named Ghost/],
  ];

  it.each(cases)('%s', (_name, json, message) => {
    let error: unknown;
    try {
      deserializeArgs(json as Json, fakeCodec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TaskArgumentInvalid);
    expect((error as Error).message).toMatch(message);
  });
});
