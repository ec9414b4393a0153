// sealEnvelope / openEnvelope, formats 3 and 2: round trips, every tampering refused with its reason, no readable secrets.
import { createCipheriv, createHmac } from 'node:crypto';
import {
  EnvelopeRejectedError,
  openEnvelope,
  sealEnvelope,
  type EnvelopeFormat,
  type EnvelopeRejectReason,
  type SealedEnvelope,
  type TaskEnvelope,
} from '../../src/tasks/envelope';
import { deriveEnvelopeKeys } from '../../src/tasks/envelope-keys';
import { serializeArgs } from '../../src/tasks/serialize-args';
import { deserializeArgs } from '../../src/tasks/deserialize-args';
import { Profile, fakeCodec, profile } from '../fixtures/tasks/fake-models';

const keys = deriveEnvelopeKeys({ jwtSecret: 'a-jwt-secret-of-at-least-16-chars' });
const otherKeys = deriveEnvelopeKeys({ jwtSecret: 'another-secret-of-at-least-16-chars' });

const USER_ID = 'user-4242';
const CLAIMS = { sub: USER_ID, roles: ['admin'], iat: 1_700_000_000, exp: 1_700_086_400 };
/** A JWT whose payload is CLAIMS (the signature is not checked: the envelope's seal vouches for the token). */
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}.c2lnbmF0dXJlLXZhbHVl`;
const ARG = 'a-very-private-argument';
// Holds a space, outside the base64url alphabet: random ciphertext can never contain it by chance
// (a three-letter name did, once in a few hundred runs).
const PROFILE_NAME = 'Ada Lovelace';

function envelope(v: EnvelopeFormat = 3): TaskEnvelope {
  return {
    v,
    task: 'sendWelcome',
    job: { id: 'job-1' },
    args: serializeArgs([profile(PROFILE_NAME), ARG, new Date(1_700_000_000_000)], fakeCodec),
    context: {
      token: TOKEN,
      claims: { ...CLAIMS },
      requestId: 'req-1',
      url: '/v1/profiles?x=1',
      method: 'POST',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      enqueuedAt: 1_700_000_000_123,
    },
  };
}

/** What a worker gets back from Redis: a JSON copy of the job data. */
function stored(sealed: SealedEnvelope): Record<string, unknown> {
  return JSON.parse(JSON.stringify(sealed)) as Record<string, unknown>;
}

function rejection(data: unknown, options: { jobName?: string; jobId?: string; keys?: typeof keys } = {}): EnvelopeRejectReason {
  try {
    openEnvelope(data, options.keys ?? keys, { jobName: options.jobName, jobId: options.jobId });
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeRejectedError);
    return (error as EnvelopeRejectedError).reason;
  }
  throw new Error('the envelope was accepted');
}

/** Change one character of a string (keeping the base64url alphabet). */
function flipChar(text: string, at = Math.floor(text.length / 2)): string {
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}

/** Format-3 job data sealed by hand over `json` (what only a holder of the keys can make). */
function sealedV3ByHand(json: string, encrypt: boolean): Record<string, unknown> {
  if (!encrypt) {
    const seal = createHmac('sha256', keys.sealKey).update('pym task envelope\n3\nHS256\n').update(json).digest('base64url');
    return { v: 3, alg: 'HS256', payload: json, seal };
  }
  const iv = Buffer.alloc(12, 7);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(Buffer.from('pym task envelope\n3\nA256GCM'));
  const payload = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]).toString('base64url');
  return { v: 3, alg: 'A256GCM', payload, iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

describe.each<[string, EnvelopeFormat, boolean]>([
  ['format 3, plain', 3, false],
  ['format 3, encrypted', 3, true],
  ['format 2, plain', 2, false],
  ['format 2, encrypted', 2, true],
])('%s envelope', (_name, v, encrypt) => {
  const seal = () => stored(sealEnvelope(envelope(v), keys, { encrypt }));

  it('opens to the same envelope (claims included), and the arguments rebuild', () => {
    const opened = openEnvelope(seal(), keys, { jobName: 'sendWelcome', jobId: 'job-1' });
    expect(opened).toStrictEqual(envelope(v));
    const [ada, arg, when] = deserializeArgs(opened.args, fakeCodec);
    expect(ada).toBeInstanceOf(Profile);
    expect(arg).toBe(ARG);
    expect(when).toEqual(new Date(1_700_000_000_000));
  });

  it('declares its format and algorithm', () => {
    const sealed = seal();
    expect(sealed.v).toBe(v);
    const expected = {
      3: { alg: encrypt ? 'A256GCM' : 'HS256', fields: encrypt ? ['alg', 'iv', 'payload', 'tag', 'v'] : ['alg', 'payload', 'seal', 'v'] },
      2: { alg: encrypt ? 'A256GCM+HS256' : 'HS256', fields: encrypt ? ['alg', 'iv', 'payload', 'seal', 'tag', 'v'] : ['alg', 'payload', 'seal', 'v'] },
    }[v];
    expect(sealed.alg).toBe(expected.alg);
    expect(Object.keys(sealed).sort()).toEqual(expected.fields);
  });

  const tamperings: [string, (d: Record<string, unknown>) => void, EnvelopeRejectReason][] = [
    ['a payload character', (d) => void (d.payload = flipChar(d.payload as string)), 'bad-seal'],
    ['the version to an unknown one', (d) => void (d.v = 4), 'unknown-version'],
    ['the version as a string', (d) => void (d.v = String(v)), 'unknown-version'],
    ['the algorithm to "none"', (d) => void (d.alg = 'none'), 'malformed'],
    ['an extra field', (d) => void (d.task = 'other'), 'malformed'],
  ];
  if (v === 2 || !encrypt) {
    tamperings.push(
      ['the seal', (d) => void (d.seal = flipChar(d.seal as string, 3)), 'bad-seal'],
      ["the seal's last character", (d) => void (d.seal = flipChar(d.seal as string, 42)), 'bad-seal'],
      ["the seal's length", (d) => void (d.seal = (d.seal as string).slice(0, 20)), 'bad-seal'],
      ['a missing seal', (d) => void delete d.seal, 'missing-seal'],
    );
  }
  if (encrypt) {
    tamperings.push(
      ['the iv', (d) => void (d.iv = flipChar(d.iv as string, 0)), 'bad-seal'],
      ['the tag', (d) => void (d.tag = flipChar(d.tag as string, 0)), 'bad-seal'],
      ["the tag's length", (d) => void (d.tag = (d.tag as string).slice(0, 10)), v === 3 ? 'malformed' : 'bad-seal'],
    );
  }
  it.each(tamperings)('refuses a change to %s', (_field, tamper, reason) => {
    const data = seal();
    tamper(data);
    expect(rejection(data)).toBe(reason);
  });

  it('refuses an envelope sealed with another key', () => {
    expect(rejection(stored(sealEnvelope(envelope(v), otherKeys, { encrypt })))).toBe('bad-seal');
  });

  it('refuses an envelope whose job name is another task', () => {
    const data = seal();
    expect(rejection(data, { jobName: 'deleteAccount' })).toBe('task-mismatch');
    expect(openEnvelope(data, keys).task).toBe('sendWelcome');
  });

  it('refuses an envelope re-added under another job id (a replay of the same task)', () => {
    const data = seal();
    expect(openEnvelope(data, keys, { jobName: 'sendWelcome', jobId: 'job-1' }).job).toEqual({ id: 'job-1' });
    expect(rejection(data, { jobName: 'sendWelcome', jobId: 'job-2' })).toBe('job-mismatch');
  });

  it("binds a schedule's envelope to the runs of its job scheduler", () => {
    const data = stored(sealEnvelope({ ...envelope(v), job: { scheduler: 'pym:nightly' } }, keys, { encrypt }));
    expect(openEnvelope(data, keys, { jobId: 'repeat:pym:nightly:1700000000000' }).job).toEqual({ scheduler: 'pym:nightly' });
    for (const jobId of ['repeat:pym:nightly-other:1700000000000', 'repeat:pym:nightly:other:1700000000000', 'pym:nightly', 'job-1', 'repeat:pym:nightly']) {
      expect(rejection(data, { jobId })).toBe('job-mismatch');
    }
  });

  it('keeps claims that come without a token (and a context without identity)', () => {
    const withoutToken: TaskEnvelope = { ...envelope(v), context: { claims: { sub: 'no-token' }, enqueuedAt: 1 } };
    expect(openEnvelope(stored(sealEnvelope(withoutToken, keys, { encrypt })), keys).context).toStrictEqual({ claims: { sub: 'no-token' }, enqueuedAt: 1 });
    const anonymous: TaskEnvelope = { ...envelope(v), context: { enqueuedAt: 1, service: true } };
    expect(openEnvelope(stored(sealEnvelope(anonymous, keys, { encrypt })), keys).context).toStrictEqual({ enqueuedAt: 1, service: true });
  });
});

describe('format 3', () => {
  it.each([false, true])('carries the token without its claims, and reads them back from it (encrypt: %s)', (encrypt) => {
    const data = stored(sealEnvelope(envelope(3), keys, { encrypt }));
    if (!encrypt) expect(JSON.parse(data.payload as string).context).not.toHaveProperty('claims');
    const opened = openEnvelope(data, keys, { jobName: 'sendWelcome', jobId: 'job-1' });
    expect(opened.context.token).toBe(TOKEN);
    expect(opened.context.claims).toStrictEqual(CLAIMS);
  });

  it('is smaller than format 2 for the same envelope', () => {
    const size = (v: EnvelopeFormat) => JSON.stringify(sealEnvelope(envelope(v), keys, { encrypt: true })).length;
    expect(size(3)).toBeLessThan(size(2) - 100);
  });

  it.each([false, true])('refuses an authentic payload carrying both a token and claims (encrypt: %s)', (encrypt) => {
    const json = JSON.stringify({ ...envelope(3), context: { ...envelope(3).context, claims: { sub: 'user-admin' } } });
    expect(rejection(sealedV3ByHand(json, encrypt))).toBe('malformed');
    // The control case: the same hand-made sealing of a well-formed envelope opens.
    const wellFormed = JSON.stringify({ ...envelope(3), context: { ...envelope(3).context, claims: undefined } });
    expect(openEnvelope(sealedV3ByHand(wellFormed, encrypt), keys).context.claims).toStrictEqual(CLAIMS);
  });

  it.each(['not-a-jwt', 'a.b.c', `x.${Buffer.from('[1]').toString('base64url')}.y`, `x.${Buffer.from('{"sub":"a"}').toString('base64url')}.y.z`])(
    'refuses an authentic payload whose token is no JWT with an object payload (%s)',
    (token) => {
      const json = JSON.stringify({ ...envelope(3), context: { token, enqueuedAt: 1 } });
      expect(rejection(sealedV3ByHand(json, true))).toBe('malformed');
    },
  );

  it('refuses a format-2 ciphertext relabelled as format 3 (the GCM additional data names the format)', () => {
    const v2 = stored(sealEnvelope(envelope(2), keys, { encrypt: true }));
    const { seal: _seal, ...rest } = v2;
    expect(rejection({ ...rest, v: 3, alg: 'A256GCM' })).toBe('bad-seal');
  });

  it('refuses a format-3 envelope relabelled as format 2', () => {
    const plain = stored(sealEnvelope(envelope(3), keys));
    expect(rejection({ ...plain, v: 2 })).toBe('bad-seal');
    const encrypted = stored(sealEnvelope(envelope(3), keys, { encrypt: true }));
    expect(rejection({ ...encrypted, v: 2, alg: 'A256GCM+HS256', seal: 'x'.repeat(43) })).toBe('bad-seal');
  });

  it('refuses an encrypted payload under the right seal key but another encryption key', () => {
    const data = stored(sealEnvelope(envelope(3), keys, { encrypt: true }));
    expect(rejection(data, { keys: { sealKey: keys.sealKey, encryptionKey: otherKeys.encryptionKey } })).toBe('bad-seal');
  });
});

describe.each<EnvelopeFormat>([3, 2])('encrypted envelope, format %s', (v) => {
  it('holds no readable token, claims or argument', () => {
    const plainText = JSON.stringify(sealEnvelope(envelope(v), keys));
    const cipherText = JSON.stringify(sealEnvelope(envelope(v), keys, { encrypt: true }));
    for (const secret of [TOKEN, TOKEN.split('.')[1]!, USER_ID, ARG, PROFILE_NAME, 'sendWelcome', '/v1/profiles']) {
      // Format 3 carries the user id inside the token only (base64url), where the plain text holds it too.
      if (v === 2 || secret !== USER_ID) expect(plainText).toContain(secret);
      expect(cipherText).not.toContain(secret);
    }
  });

  it('differs on every sealing (random IV), and both open', () => {
    const a = sealEnvelope(envelope(v), keys, { encrypt: true }) as SealedEnvelope & { iv: string; tag: string };
    const b = sealEnvelope(envelope(v), keys, { encrypt: true }) as SealedEnvelope & { iv: string; tag: string };
    expect(a.iv).not.toBe(b.iv);
    expect(a.payload).not.toBe(b.payload);
    expect(a.tag).not.toBe(b.tag);
    expect(Buffer.from(a.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64url')).toHaveLength(16);
    expect(openEnvelope(a, keys)).toStrictEqual(openEnvelope(b, keys));
  });
});

describe('format 2 (jobs queued before an upgrade)', () => {
  it('refuses a payload the encryption key cannot decrypt, even under a valid seal', () => {
    const data = stored(sealEnvelope(envelope(2), keys, { encrypt: true }));
    const mixed = { sealKey: keys.sealKey, encryptionKey: otherKeys.encryptionKey };
    expect(rejection(data, { keys: mixed })).toBe('decrypt-failed');
  });

  it('refuses the algorithm changed alone, or with iv and tag removed', () => {
    const encrypted = stored(sealEnvelope(envelope(2), keys, { encrypt: true }));
    expect(rejection({ ...encrypted, alg: 'HS256' })).toBe('malformed');
    const { iv: _iv, tag: _tag, ...bare } = encrypted;
    expect(rejection({ ...bare, alg: 'HS256' })).toBe('bad-seal');
    expect(rejection({ ...stored(sealEnvelope(envelope(2), keys)), alg: 'A256GCM+HS256' })).toBe('malformed');
  });
});

describe('format 2 as the previous version reads and writes it (a rolling upgrade)', () => {
  // Sealed by the envelope.ts of the release before format 3 (commit d7b2516), with the keys above.
  const PREVIOUS_ENVELOPE: TaskEnvelope = {
    v: 2,
    task: 'sendWelcome',
    job: { id: 'job-1' },
    args: ['an argument', { $pym: 'date', v: 1700000000000 }],
    context: { token: TOKEN, claims: CLAIMS, requestId: 'req-1', url: '/v1/profiles?x=1', method: 'POST', enqueuedAt: 1_700_000_000_123 },
  };
  const PREVIOUS_PLAIN =
    '{"v":2,"alg":"HS256","payload":"{\\"v\\":2,\\"task\\":\\"sendWelcome\\",\\"job\\":{\\"id\\":\\"job-1\\"},\\"args\\":[\\"an argument\\",{\\"$pym\\":\\"date\\",\\"v\\":1700000000000}],\\"context\\":{\\"token\\":\\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyNDIiLCJyb2xlcyI6WyJhZG1pbiJdLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDA4NjQwMH0.c2lnbmF0dXJlLXZhbHVl\\",\\"claims\\":{\\"sub\\":\\"user-4242\\",\\"roles\\":[\\"admin\\"],\\"iat\\":1700000000,\\"exp\\":1700086400},\\"requestId\\":\\"req-1\\",\\"url\\":\\"/v1/profiles?x=1\\",\\"method\\":\\"POST\\",\\"enqueuedAt\\":1700000000123}}","seal":"SoEDuDQ7cwmqBFMVIuOarFncb7em2co_ewVXEUgKNvE"}';
  const PREVIOUS_ENCRYPTED = {
    v: 2,
    alg: 'A256GCM+HS256',
    payload:
      'nGyg4y9tBLoMgc2ttlfIRj6FkPWmVV7PRsW5FuUQj5fOlUs3m-78usYlz5-hwZwr1K86sOhJ40Z5KevoYRIJuyQUkW0utmufm7yK6oY8z2PSUB67F31Zua_SKLjj_ZKSkdjbFvqu34rBFQ31a7OCwsNInQ54xFSCaiwiJjZ2Mrh8B-UMubiW8IiIsckJxVG-9niZ2gB1qqmHIPJ5-GCTBAyilIoZu-AqcBFlBluF-ud4S1mSpQFRY-5KhhQGCZJArf_fxLvMbD76cFYbZO9728-DSaLaC7tGPLTqMopwvQb4bOlM9ko6A_th0Q0kuQlQdr3MC2FQD7kWnAH8MPRjmI2AVyp6K8MYtdFGPLCf8JfGbvnw-Y7TkPWCdjhgyD1Nltl-bmBaHvPVsiu6S3_wg0TYksKWu8lQCkO68tocHUPeJBYCHbrkTWRPAWAT8wZOansVUgswQC-tSUSIu-rAC1g12MMimuO30qWKTkBZhfW25KSJGNemIXtVIfXzVkm4RrMAxGD3Nf-n7ZTxVTWLbZJuheLrOdgIXcEFX_sanifgEvY_reuCaZP9nnqbn-JywkIC',
    iv: '8FrICf-47xu9ILU0',
    tag: 'VTgNugjq50z5WcLUnxuKSg',
    seal: 'sIjZ8xtewiPXu1ZNgjCq6ZVF41-0MV75TR7Ixby7Q9w',
  };

  it('opens what the previous version sealed (jobs queued before the upgrade still run)', () => {
    const options = { jobName: 'sendWelcome', jobId: 'job-1' };
    expect(openEnvelope(JSON.parse(PREVIOUS_PLAIN), keys, options)).toStrictEqual(PREVIOUS_ENVELOPE);
    expect(openEnvelope(PREVIOUS_ENCRYPTED, keys, options)).toStrictEqual(PREVIOUS_ENVELOPE);
    expect(rejection({ ...PREVIOUS_ENCRYPTED, tag: flipChar(PREVIOUS_ENCRYPTED.tag, 0) })).toBe('bad-seal');
  });

  it('seals format 2 byte for byte as the previous version did (its workers read what async.envelope_format: 2 writes)', () => {
    expect(JSON.stringify(sealEnvelope(PREVIOUS_ENVELOPE, keys))).toBe(PREVIOUS_PLAIN);
  });
});

describe('openEnvelope on data that is no envelope', () => {
  it.each<[string, unknown, EnvelopeRejectReason]>([
    ['null', null, 'malformed'],
    ['a string', 'hello', 'malformed'],
    ['an array', [1], 'malformed'],
    ['raw arguments without a seal', { task: 'sendWelcome', args: [] }, 'missing-seal'],
    ['a future version', { v: 4, seal: 'x', payload: '{}' }, 'unknown-version'],
    ['an envelope of the first format (v 1, not bound to its job)', { v: 1, alg: 'HS256', payload: '{}', seal: 'x' }, 'unknown-version'],
    ['a format-2 seal that is not a string', { v: 2, alg: 'HS256', payload: '{}', seal: 5 }, 'malformed'],
    ['a format-3 seal that is not a string', { v: 3, alg: 'HS256', payload: '{}', seal: 5 }, 'malformed'],
    ['a format-3 envelope without a seal', { v: 3, alg: 'HS256', payload: '{}' }, 'missing-seal'],
    ['a format-3 envelope without an algorithm', { v: 3, payload: '{}', seal: 'x' }, 'malformed'],
    ['a format-3 ciphertext without a tag', { v: 3, alg: 'A256GCM', payload: 'AAAA', iv: 'AAAAAAAAAAAAAAAA' }, 'malformed'],
  ])('%s', (_name, data, reason) => {
    expect(rejection(data)).toBe(reason);
  });

  it('names the reason in the message', () => {
    expect(() => openEnvelope({ v: 1 }, keys)).toThrow('Task envelope rejected (missing-seal): job data has no seal');
  });
});

describe('sealEnvelope input checks', () => {
  it.each<[string, TaskEnvelope]>([
    ['an empty task name', { ...envelope(), task: '' }],
    ['a missing enqueuedAt', { ...envelope(), context: {} as TaskEnvelope['context'] }],
    ['a wrong version', { ...envelope(), v: 1 as 2 }],
    ['no job binding', { ...envelope(), job: undefined as unknown as TaskEnvelope['job'] }],
    ['an empty job id', { ...envelope(), job: { id: '' } }],
    ['a job binding with both fields', { ...envelope(), job: { id: 'job-1', scheduler: 's' } as TaskEnvelope['job'] }],
  ])('refuses %s', (_name, bad) => {
    expect(() => sealEnvelope(bad, keys)).toThrow(TypeError);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => sealEnvelope(envelope(), { sealKey: Buffer.alloc(16), encryptionKey: keys.encryptionKey })).toThrow(
      /32 bytes/,
    );
  });
});
