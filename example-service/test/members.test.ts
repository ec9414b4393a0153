// Acceptance: the members API (apis/members.yaml) over HTTP: sign up, then read one's profile with the token.
import { SHUTDOWN_TIMEOUT_MS, STARTUP_TIMEOUT_MS, startLibrary, tokenFor, type Json, type LibraryService } from './helpers/library-service';

let library: LibraryService;

beforeAll(async () => {
  library = await startLibrary();
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** The claims of a JWT, read without verifying it (the service verifies; the test only looks). */
function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('POST /v1/members (public sign-up)', () => {
  test('201 with the member and a token for them; the token reads the profile at Location', async () => {
    const { status, body, headers } = await library.post('/v1/members', { email: 'Ada.Lovelace@Example.org', name: ' Ada Lovelace ' });
    expect(status).toBe(201);
    expect(headers.get('location')).toBe('/v1/members/me');
    expect(body.member).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'ada.lovelace@example.org',
      name: 'Ada Lovelace',
      role: 'member',
      joinedAt: expect.any(String),
    });
    expect(claimsOf(body.token)).toMatchObject({ sub: body.member.id, iss: 'library.example', aud: 'library-users' });

    const me = await library.get(headers.get('location')!, body.token);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(body.member);
  });

  test('409 EMAIL_ALREADY_REGISTERED for an email already used, whatever its case', async () => {
    expect((await library.post('/v1/members', { email: 'grace@example.org', name: 'Grace' })).status).toBe(201);
    const { status, body } = await library.post('/v1/members', { email: 'GRACE@example.org', name: 'Grace H.' });
    expect(status).toBe(409);
    expect(body.error).toBe('EMAIL_ALREADY_REGISTERED');
    expect(body.user_message).toBe('This email address is already registered with the library.');
  });

  test.each([
    ['a malformed email', { email: 'not-an-email', name: 'Ada' }, ['/body/email']],
    ['no name', { email: 'ada@example.org' }, ['/body/name']],
    ['an empty name and an extra field', { email: 'ada@example.org', name: '', role: 'librarian' }, ['/body/name', '/body/role']],
  ])('400 INVALID_PARAMETER for %s', async (_what, signup, paths) => {
    const { status, body } = await library.post('/v1/members', signup);
    expect(status).toBe(400);
    expect(body.error).toBe('INVALID_PARAMETER');
    expect(body.errors.map((error: Json) => error.path).sort()).toEqual([...paths].sort());
  });
});

describe('GET /v1/members/me', () => {
  test('returns the member the token was issued to (pym token --user alice), with the role the token grants', async () => {
    const asMember = await library.get('/v1/members/me', await tokenFor('alice'));
    expect(asMember.status).toBe(200);
    expect(asMember.body).toEqual({
      id: 'alice',
      email: 'alice@example.org',
      name: 'Alice Archer',
      role: 'member',
      joinedAt: '2024-01-15T09:00:00.000Z',
    });
    const asLibrarian = await library.get('/v1/members/me', await tokenFor('alice', { role: 'librarian' }));
    expect(asLibrarian.body).toEqual({ ...asMember.body, role: 'librarian' });
    expect((await library.get('/v1/members/me', await tokenFor('bob'))).body.name).toBe('Bob Binder');
  });

  test('404 MEMBER_NOT_FOUND for a valid token of a user who never signed up', async () => {
    const { status, body } = await library.get('/v1/members/me', await tokenFor('stranger'));
    expect(status).toBe(404);
    expect(body.error).toBe('MEMBER_NOT_FOUND');
  });

  test('401 AUTHORIZATION_HEADER_MISSING without a token', async () => {
    const { status, body } = await library.get('/v1/members/me');
    expect(status).toBe(401);
    expect(body.error).toBe('AUTHORIZATION_HEADER_MISSING');
  });
});
