// A task enqueued by a caller with an identity provider's token (RS256, JWKS) runs in the worker process as that caller;
// the worker never fetches the provider's keys; an IdP token that expired before the run becomes pym's refreshed token.
import jwt from 'jsonwebtoken';
import type { PymProcess } from '../helpers/spawn-pym';
import { providerKey, providerToken, startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { FIXTURE_JWT, claimsOf, createTaskFixture, post, startService, uniqueTag, type TaskFixture } from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

const IDP = 'https://idp.tasks.test/';
const AUDIENCE = 'tasks-fixture-api';
const key = providerKey('RS256');

let jwks: JwksServer;
let fixture: TaskFixture;
let service: PymProcess;
let workerPid: number;

beforeAll(async () => {
  jwks = await startJwksServer([key]);
  fixture = createTaskFixture({
    config: { with_async: true, jwt_issuers: [{ issuer: IDP, audience: AUDIENCE, jwks_uri: jwks.jwksUri, algorithms: ['RS256'] }] },
  });
  service = await startService(fixture);
  const ready = await service.waitForLine((line) => line.includes('worker ready'), 'worker ready');
  workerPid = (JSON.parse(ready) as { pid: number }).pid;
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
  await jwks?.close();
});

test("the worker runs the task as the IdP's user, with the IdP's token and claims, without fetching its keys", async () => {
  const tag = uniqueTag('idp');
  const token = providerToken(key, { iss: IDP, aud: AUDIENCE, sub: 'idp-alice', scope: 'orders:write', email: 'alice@example.com' });
  const requestId = uniqueTag('idp-req');
  const response = await post(service.url, '/v1/observe', { tag }, { token, requestId });
  expect(response.status).toBe(202);
  const report = await fixture.nextRecord('observe', tag);
  expect(report.pid).toBe(workerPid);
  expect(report).toMatchObject({ userId: 'idp-alice', token, claims: claimsOf(token), requestId, url: '/v1/observe', method: 'POST' });
  // The API server fetched the key set once to verify the request; the worker trusts the sealed envelope.
  expect(jwks.jwksRequests()).toBe(1);
});

test("an IdP token that expired before the task ran: the task gets pym's own short-lived HMAC token, same user and claims", async () => {
  const tag = uniqueTag('idp-expired');
  const now = Math.floor(Date.now() / 1000);
  // Valid when the request comes, expired when the task runs (3 s later).
  const token = providerToken(key, { iss: IDP, aud: AUDIENCE, sub: 'idp-bob', scope: 'orders:write', iat: now, exp: now + 2 });
  const response = await post(service.url, '/v1/after-token-expiry', { tag }, { token });
  expect(response.status).toBe(202);
  const report = await fixture.nextRecord('token', tag);
  expect((claimsOf(token).exp as number) * 1000).toBeLessThanOrEqual(report.ranAt);
  expect(report.userId).toBe('idp-bob');
  expect(report.token).not.toBe(token);
  const verified = jwt.verify(report.token, FIXTURE_JWT.secret, {
    issuer: FIXTURE_JWT.issuer,
    audience: FIXTURE_JWT.audience,
    algorithms: ['HS256'],
    clockTimestamp: Math.floor(report.ranAt / 1000),
  }) as jwt.JwtPayload;
  expect(verified).toMatchObject({ sub: 'idp-bob', scope: 'orders:write', iss: FIXTURE_JWT.issuer, aud: FIXTURE_JWT.audience });
  expect(verified.exp! - verified.iat!).toBe(300);
  expect(report.claims).toEqual(verified);
  expect(jwks.jwksRequests()).toBe(1);
});
