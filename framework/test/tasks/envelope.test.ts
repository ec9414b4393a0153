// sealEnvelope / openEnvelope: round trips, every tampering refused with its reason, no readable secrets.
import {
  EnvelopeRejectedError,
  openEnvelope,
  sealEnvelope,
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

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyNDIifQ.c2lnbmF0dXJlLXZhbHVl';
const USER_ID = 'user-4242';
const ARG = 'a-very-private-argument';
// Holds a space, outside the base64url alphabet: random ciphertext can never contain it by chance
// (a three-letter name did, once in a few hundred runs).
const PROFILE_NAME = 'Ada Lovelace';

function envelope(): TaskEnvelope {
  return {
    v: 2,
    task: 'sendWelcome',
    job: { id: 'job-1' },
    args: serializeArgs([profile(PROFILE_NAME), ARG, new Date(1_700_000_000_000)], fakeCodec),
    context: {
      token: TOKEN,
      claims: { sub: USER_ID, roles: ['admin'] },
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

describe.each([
  ['plain', false],
  ['encrypted', true],
])('%s envelope', (_name, encrypt) => {
  it('opens to the same envelope, and the arguments rebuild', () => {
    const opened = openEnvelope(stored(sealEnvelope(envelope(), keys, { encrypt })), keys, { jobName: 'sendWelcome' });
    expect(opened).toStrictEqual(envelope());
    const [ada, arg, when] = deserializeArgs(opened.args, fakeCodec);
    expect(ada).toBeInstanceOf(Profile);
    expect(arg).toBe(ARG);
    expect(when).toEqual(new Date(1_700_000_000_000));
  });

  it('declares its algorithm', () => {
    const sealed = sealEnvelope(envelope(), keys, { encrypt });
    expect(sealed.v).toBe(2);
    expect(sealed.alg).toBe(encrypt ? 'A256GCM+HS256' : 'HS256');
    expect(sealed.iv !== undefined).toBe(encrypt);
    expect(sealed.tag !== undefined).toBe(encrypt);
  });

  it.each<[string, (d: Record<string, unknown>) => void, EnvelopeRejectReason]>([
    ['a payload character', (d) => void (d.payload = flipChar(d.payload as string)), 'bad-seal'],
    ['the seal', (d) => void (d.seal = flipChar(d.seal as string, 3)), 'bad-seal'],
    ['the seal\'s last character', (d) => void (d.seal = flipChar(d.seal as string, 42)), 'bad-seal'],
    ['the seal\'s length', (d) => void (d.seal = (d.seal as string).slice(0, 20)), 'bad-seal'],
    ['the version', (d) => void (d.v = 3), 'unknown-version'],
    ['the version as a string', (d) => void (d.v = '1'), 'unknown-version'],
    ['the algorithm (alone)', (d) => void (d.alg = encrypt ? 'HS256' : 'A256GCM+HS256'), 'malformed'],
    ['the algorithm to "none"', (d) => void (d.alg = 'none'), 'malformed'],
    ['a missing seal', (d) => void delete d.seal, 'missing-seal'],
    ['an extra field', (d) => void (d.task = 'other'), 'malformed'],
  ])('refuses a change to %s', (_field, tamper, reason) => {
    const data = stored(sealEnvelope(envelope(), keys, { encrypt }));
    tamper(data);
    expect(rejection(data)).toBe(reason);
  });

  it('refuses an envelope sealed with another key', () => {
    expect(rejection(stored(sealEnvelope(envelope(), otherKeys, { encrypt })))).toBe('bad-seal');
  });

  it('refuses an envelope whose job name is another task', () => {
    const data = stored(sealEnvelope(envelope(), keys, { encrypt }));
    expect(rejection(data, { jobName: 'deleteAccount' })).toBe('task-mismatch');
    expect(openEnvelope(data, keys).task).toBe('sendWelcome');
  });

  it('refuses an envelope re-added under another job id (a replay of the same task)', () => {
    const data = stored(sealEnvelope(envelope(), keys, { encrypt }));
    expect(openEnvelope(data, keys, { jobName: 'sendWelcome', jobId: 'job-1' }).job).toEqual({ id: 'job-1' });
    expect(rejection(data, { jobName: 'sendWelcome', jobId: 'job-2' })).toBe('job-mismatch');
  });

  it("binds a schedule's envelope to the runs of its job scheduler", () => {
    const data = stored(sealEnvelope({ ...envelope(), job: { scheduler: 'pym:nightly' } }, keys, { encrypt }));
    expect(openEnvelope(data, keys, { jobId: 'repeat:pym:nightly:1700000000000' }).job).toEqual({ scheduler: 'pym:nightly' });
    for (const jobId of ['repeat:pym:nightly-other:1700000000000', 'repeat:pym:nightly:other:1700000000000', 'pym:nightly', 'job-1', 'repeat:pym:nightly']) {
      expect(rejection(data, { jobId })).toBe('job-mismatch');
    }
  });
});

describe('encrypted envelope', () => {
  it.each<[string, (d: Record<string, unknown>) => void]>([
    ['the iv', (d) => void (d.iv = flipChar(d.iv as string, 0))],
    ['the tag', (d) => void (d.tag = flipChar(d.tag as string, 0))],
    ['the algorithm, with iv and tag removed', (d) => {
      d.alg = 'HS256';
      delete d.iv;
      delete d.tag;
    }],
  ])('refuses a change to %s as bad-seal', (_field, tamper) => {
    const data = stored(sealEnvelope(envelope(), keys, { encrypt: true }));
    tamper(data);
    expect(rejection(data)).toBe('bad-seal');
  });

  it('refuses a payload the encryption key cannot decrypt, even under a valid seal', () => {
    const data = stored(sealEnvelope(envelope(), keys, { encrypt: true }));
    const mixed = { sealKey: keys.sealKey, encryptionKey: otherKeys.encryptionKey };
    expect(rejection(data, { keys: mixed })).toBe('decrypt-failed');
  });

  it('holds no readable token, claims or argument', () => {
    const plainText = JSON.stringify(sealEnvelope(envelope(), keys));
    const cipherText = JSON.stringify(sealEnvelope(envelope(), keys, { encrypt: true }));
    for (const secret of [TOKEN, USER_ID, ARG, PROFILE_NAME, 'sendWelcome', '/v1/profiles']) {
      expect(plainText).toContain(secret);
      expect(cipherText).not.toContain(secret);
    }
  });

  it('differs on every sealing (random IV), and both open', () => {
    const a = sealEnvelope(envelope(), keys, { encrypt: true });
    const b = sealEnvelope(envelope(), keys, { encrypt: true });
    expect(a.iv).not.toBe(b.iv);
    expect(a.payload).not.toBe(b.payload);
    expect(a.seal).not.toBe(b.seal);
    expect(Buffer.from(a.iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(a.tag!, 'base64url')).toHaveLength(16);
    expect(openEnvelope(a, keys)).toStrictEqual(openEnvelope(b, keys));
  });
});

describe('openEnvelope on data that is no envelope', () => {
  it.each<[string, unknown, EnvelopeRejectReason]>([
    ['null', null, 'malformed'],
    ['a string', 'hello', 'malformed'],
    ['an array', [1], 'malformed'],
    ['raw arguments without a seal', { task: 'sendWelcome', args: [] }, 'missing-seal'],
    ['a future version', { v: 3, seal: 'x', payload: '{}' }, 'unknown-version'],
    ['an envelope of the previous format (v 1, not bound to its job)', { v: 1, alg: 'HS256', payload: '{}', seal: 'x' }, 'unknown-version'],
    ['a seal that is not a string', { v: 2, alg: 'HS256', payload: '{}', seal: 5 }, 'malformed'],
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
