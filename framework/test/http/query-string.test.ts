// Query strings as common clients write them: URLSearchParams and axios send a space as "+" and leave ":" in a
// date-time unencoded. Before: 400 "must be url encoded" (express-openapi-validator reads the spec's
// allowReserved: false default strictly); Express decodes them anyway.
import { startUploadService, type UploadService } from './upload-service';

let service: UploadService;

beforeAll(async () => {
  service = await startUploadService();
});

afterAll(() => service.close());

async function echo(query: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(service.url(`/v1/echo?${query}`));
  return { status: response.status, body: await response.json() };
}

test('a "+" for a space (URLSearchParams, HTML forms) and an unencoded ":" reach the handler decoded', async () => {
  expect(await echo(new URLSearchParams({ q: 'a b' }).toString())).toEqual({ status: 200, body: { q: 'a b' } });
  expect(await echo('since=2024-01-01T00:00:00Z')).toEqual({ status: 200, body: { since: '2024-01-01T00:00:00Z' } });
});

test('percent-encoded values still work, and a value that breaks its schema is still a 400', async () => {
  expect(await echo(`q=${encodeURIComponent('a+b & c')}`)).toEqual({ status: 200, body: { q: 'a+b & c' } });
  expect(await echo('since=yesterday')).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETER' } });
});
