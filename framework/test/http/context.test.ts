// Request context over HTTP: concurrent requests of many users each see only their own user, claims and request id; X-Request-Id handling.
import net from 'node:net';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { read } from './http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('concurrent requests keep their own context across awaits', () => {
  test('120 interleaved requests from 12 users each see only their own id, claims, request id and url', async () => {
    const users = Array.from({ length: 12 }, (_, index) => ({
      id: `user-${index}`,
      token: app.token(`user-${index}`, { data: { team: `team-${index}`, rank: index } }),
    }));
    const requests = Array.from({ length: 120 }, (_, seq) => {
      // Interleave users so that consecutive requests belong to different users.
      const user = users[(seq * 5) % users.length];
      return { seq, user, requestId: `ctx-${user.id}-${seq}` };
    });
    const responses = await Promise.all(
      requests.map(async ({ seq, user, requestId }) => {
        const response = await fetch(`${app.url}/ops/whoami?seq=${seq}`, {
          headers: { authorization: `Bearer ${user.token}`, 'x-request-id': requestId },
        });
        return { seq, user, requestId, response: await read(response) };
      }),
    );
    for (const { seq, user, requestId, response } of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(requestId);
      expect(response.body).toEqual({
        user_id: user.id,
        claims: expect.objectContaining({ sub: user.id, team: `team-${user.id.slice(5)}`, rank: Number(user.id.slice(5)) }),
        request_id: requestId,
        url: `/ops/whoami?seq=${seq}`,
        method: 'GET',
      });
    }
    expect(new Set(responses.map(({ response }) => response.body.user_id)).size).toBe(12);
  });
});

describe('X-Request-Id', () => {
  async function whoamiWithRequestId(requestId: string) {
    const response = await read(
      await fetch(`${app.url}/ops/whoami`, { headers: { authorization: `Bearer ${app.token('rid-user')}`, 'x-request-id': requestId } }),
    );
    expect(response.status).toBe(200);
    return { echoed: response.headers.get('x-request-id'), seen: response.body.request_id as string };
  }

  test.each([
    ['a UUID', '6f1c0b6e-3b8a-4a51-9d57-1f2a3b4c5d6e'],
    ['letters, digits and . _ : @ -', 'client.req_42:retry@edge-7'],
    ['128 characters', 'r'.repeat(128)],
  ])('a sane incoming id (%s) is echoed and is the context requestId', async (_what, requestId) => {
    const { echoed, seen } = await whoamiWithRequestId(requestId);
    expect(echoed).toBe(requestId);
    expect(seen).toBe(requestId);
  });

  test.each([
    ['too long (129 characters)', 'r'.repeat(129)],
    ['with a space', 'abc def'],
    ['with a tab', 'abc\tdef'],
    ['with an encoded newline', 'abc%0Adef'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a quote', 'abc"def'],
  ])('an insane incoming id (%s) is replaced by a UUID', async (_what, requestId) => {
    const { echoed, seen } = await whoamiWithRequestId(requestId);
    expect(echoed).toMatch(UUID);
    expect(seen).toBe(echoed);
  });

  test('without an incoming id, each request gets its own UUID', async () => {
    const [first, second] = await Promise.all([fetch(`${app.url}/ping`), fetch(`${app.url}/ping`)]);
    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).toMatch(UUID);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  test('a raw newline in the header never reaches the app: the request is refused and no id is echoed', async () => {
    const { port } = new URL(app.url);
    const reply = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.end('GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: abc\ninjected: 1\r\nConnection: close\r\n\r\n'),
      );
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply.toLowerCase()).not.toContain('x-request-id');
  });
});
