// An operation whose request body is optional (`required` left out, OpenAPI's default): a request without a body
// reaches the handler. Before: 415 UNSUPPORTED_MEDIA_TYPE ("media type not specified") from the validator.
import { startUploadService, type UploadService } from './upload-service';

let service: UploadService;
let url: string;

beforeAll(async () => {
  service = await startUploadService();
  url = service.url('/v1/notes');
});

afterAll(() => service.close());

async function post(init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', ...init });
  return { status: response.status, body: await response.json() };
}

test('no body at all (Content-Length: 0, no Content-Type) reaches the handler without one', async () => {
  expect(await post({})).toEqual({ status: 200, body: { received: false } });
});

test('a JSON body is still read and validated', async () => {
  expect(await post({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) })).toEqual({ status: 200, body: { received: true } });
  expect(await post({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(21) }) })).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETER' } });
  expect(await post({ headers: { 'content-type': 'text/csv' }, body: 'a,b' })).toMatchObject({ status: 415, body: { error: 'UNSUPPORTED_MEDIA_TYPE' } });
});
