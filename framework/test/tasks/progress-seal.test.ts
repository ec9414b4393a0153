// The task's progress object is sealed for its job; a resource URL must be a path on the service or on live_url's origin.
import { deriveEnvelopeKeys } from '../../src/tasks/envelope-keys';
import { openProgress, sealProgress } from '../../src/tasks/progress-seal';
import { resourceUrlProblem } from '../../src/tasks/resource-url';

const keys = deriveEnvelopeKeys({ jwtSecret: 'progress-seal-test-secret-0123' });
const state = { progress: 100, message: 'done', resource_url: '/v1/reports/7', error: { error: 'TASK_FAILED', error_description: 'x', error_id: 'e-1' } };

test('a sealed progress opens for its job, with every field', () => {
  expect(openProgress(keys, 'job-1', JSON.parse(JSON.stringify(sealProgress(keys, 'job-1', state))))).toEqual(state);
});

test.each([
  ['another resource URL', { resource_url: 'https://evil.example/' }],
  ['another progress', { progress: 5 }],
  ['another message', { message: 'hi' }],
  ['another error', { error: { ...state.error, error_id: 'e-2' } }],
  ['no error', { error: undefined }],
])('a sealed progress with %s does not open', (_name, change) => {
  expect(openProgress(keys, 'job-1', { ...sealProgress(keys, 'job-1', state), ...change })).toBeUndefined();
});

test('a progress sealed for another job, with another key, or not sealed at all does not open', () => {
  expect(openProgress(keys, 'job-2', sealProgress(keys, 'job-1', state))).toBeUndefined();
  expect(openProgress(deriveEnvelopeKeys({ jwtSecret: 'another-secret-of-16-chars' }), 'job-1', sealProgress(keys, 'job-1', state))).toBeUndefined();
  expect(openProgress(keys, 'job-1', { progress: 100, message: null, resource_url: '/x' })).toBeUndefined();
  expect(openProgress(keys, 'job-1', 50)).toBeUndefined();
});

test.each(['/v1/reports/7', '/', '/a?b=c#d'])('a path on the service is a resource URL: %s', (url) => {
  expect(resourceUrlProblem(url, undefined)).toBeUndefined();
});

test.each(['https://api.example.com/v1/r/1', 'https://api.example.com:443/x'])('a URL on live_url\'s origin is a resource URL: %s', (url) => {
  expect(resourceUrlProblem(url, 'https://api.example.com/base')).toBeUndefined();
});

test.each([
  ['another site', 'https://evil.example/'],
  ['a scheme-relative URL', '//evil.example/x'],
  ['a backslash host', '/\\evil.example/x'],
  ['another port of the same host', 'https://api.example.com:8443/x'],
  ['http instead of https', 'http://api.example.com/x'],
  ['a user info trick', 'https://api.example.com@evil.example/x'],
  ['credentials on the right host', 'https://user:pw@api.example.com/x'],
  ['a javascript: URL', 'javascript:alert(1)'],
  ['a header injection', '/x\r\nSet-Cookie: a=b'],
  ['a relative path', 'reports/1'],
  ['an empty string', ''],
])('%s is not a resource URL', (_name, url) => {
  expect(resourceUrlProblem(url, 'https://api.example.com')).toEqual(expect.any(String));
});

test('without live_url, only paths are', () => {
  expect(resourceUrlProblem('https://api.example.com/x', undefined)).toMatch(/no live_url/);
});
