// A text/plain request body is read (bounded by body_limit) and validated against its schema like a JSON one.
// Before: pym read only JSON, form and multipart bodies: the handler got undefined, and the schema was never applied.
import { startUploadService, type UploadService } from './upload-service';

let service: UploadService;

beforeAll(async () => {
  service = await startUploadService();
});

afterAll(() => service.close());

async function postText(text: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(service.url('/v1/text'), { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text });
  return { status: response.status, body: await response.json() };
}

test('the text reaches the handler as a string', async () => {
  expect(await postText('hello')).toEqual({ status: 200, body: { text: 'hello' } });
});

test('its schema applies (maxLength 5), and body_limit too', async () => {
  expect(await postText('too long')).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETER' } });
  expect(await postText('x'.repeat(20 * 1024))).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
});
