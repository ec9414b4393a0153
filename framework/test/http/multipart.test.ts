// Multipart bodies against body_limit (16kb in the upload fixture): a declared length over it, a file over it sent
// chunked (no length), and a body that is not valid multipart are 4xx pym JSON errors. Before: a 5 MB file was
// accepted and kept in memory, and a broken body answered 500.
import http from 'node:http';
import { startUploadService, type UploadService } from './upload-service';

let service: UploadService;
let url: string;

beforeAll(async () => {
  service = await startUploadService();
  url = service.url('/v1/upload');
});

afterAll(() => service.close());

function upload(bytes: number): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(bytes, 'x')]), 'data.bin');
  return fetch(url, { method: 'POST', body: form });
}

/** POST `body` as multipart with `boundary`, chunked (no Content-Length): the server learns the size only by reading. */
function postChunked(boundary: string, body: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const filePart = (boundary: string, content: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);

test('a file under body_limit is uploaded (control case)', async () => {
  const response = await upload(8 * 1024);
  expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { size: 8 * 1024 } });
});

test('a multipart body whose declared length is over body_limit → 413 PAYLOAD_TOO_LARGE, before it is read', async () => {
  const response = await upload(5 * 1024 * 1024);
  expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
});

test('a file over body_limit sent chunked (no declared length) → 413 PAYLOAD_TOO_LARGE', async () => {
  const response = await postChunked('b0undary', filePart('b0undary', Buffer.alloc(64 * 1024, 'x')));
  expect(response).toMatchObject({ status: 413, body: { error: 'PAYLOAD_TOO_LARGE' } });
});

test('a body that is not valid multipart (cut short) → 400 INVALID_PARAMETER', async () => {
  const whole = filePart('b0undary', Buffer.from('abc'));
  const response = await postChunked('b0undary', whole.subarray(0, whole.length - 20));
  expect(response).toMatchObject({ status: 400, body: { error: 'INVALID_PARAMETER' } });
});
