// taskRequestContext and a task's outgoing token: what a task sees when its caller's token (an IdP's, say) expired.
import jwt from 'jsonwebtoken';
import { contextHeaders } from '../../src/clients/call-headers';
import { runWithContext } from '../../src/context/request-context';
import { TokenExpired } from '../../src/errors/builtin-errors';
import { initialProgress } from '../../src/tasks/job-context';
import { taskRequestContext } from '../../src/tasks/task-context';
import { authConfig } from '../auth/config-fixture';

const now = Date.now();
const IDP = 'https://idp.example.com/';
/** An IdP's token as the envelope carries it (its signature is never checked again in the worker). */
const idpClaims = { iss: IDP, aud: 'api', sub: 'idp-user', scope: 'read', iat: Math.floor(now / 1000) - 600, exp: Math.floor(now / 1000) - 60 };
const idpToken = 'eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl';
const captured = { token: idpToken, claims: idpClaims, requestId: 'r-1', method: 'POST', url: '/v1/x', enqueuedAt: now - 1000 };

test("a live token is kept as it came, the provider's", () => {
  const live = { ...captured, claims: { ...idpClaims, exp: Math.floor(now / 1000) + 600 } };
  expect(taskRequestContext(live, authConfig(), now)).toMatchObject({ token: idpToken, claims: live.claims });
});

test("an expired one becomes pym's HMAC token: same sub and scope, the service's iss and aud", () => {
  const config = authConfig();
  const context = taskRequestContext(captured, config, now);
  const verified = jwt.verify(context.token!, config.jwt_secret!, { algorithms: ['HS384'], issuer: 'auth-test', audience: 'auth-test-clients' }) as jwt.JwtPayload;
  expect(verified).toMatchObject({ sub: 'idp-user', scope: 'read', iss: 'auth-test', aud: 'auth-test-clients' });
  expect(context.claims).toEqual(verified);
});

test('without jwt_secret (a service accepting only IdP tokens), an expired one fails the task with TOKEN_EXPIRED', () => {
  expect(() => taskRequestContext(captured, authConfig({ jwt_secret: undefined }), now)).toThrow(
    new TokenExpired("The caller's token expired before the task ran, and without jwt_secret no refreshed token can be minted"),
  );
});

test('without jwt_secret, a call from a running task forwards the token as it is rather than throw', () => {
  const config = authConfig({ jwt_secret: undefined });
  const live = { ...captured, claims: { ...idpClaims, exp: Math.floor(now / 1000) + 10 } }; // within the refresh margin
  const job = { jobId: 'j-1', state: initialProgress(), signal: new AbortController().signal };
  const headers = runWithContext({ ...taskRequestContext(live, config, now), job }, () => contextHeaders(config, true, now));
  expect(headers.authorization).toBe(`Bearer ${idpToken}`);
});
