// Regression (express-openapi-validator #906): an external schema used by two operations must be
// enforced on both. eov 5.6 given the raw file validates only one of them; the bundled document
// (every ref internal) makes the validator enforce the schema everywhere.
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadApis } from '../../src/openapi/load-apis';
import { collectRefs, fixture } from './helpers';

describe('eov #906: one external schema referenced by two operations', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const [api] = await loadApis(fixture('eov-906'));
    expect(collectRefs(api.document)).toEqual(['#/components/schemas/Review', '#/components/schemas/Review']);
    const app = express();
    app.use(express.json());
    app.use(OpenApiValidator.middleware({ apiSpec: api.document as never, validateRequests: true, validateResponses: false }));
    app.post('/v1/reviews', (_req, res) => void res.status(201).json({ saved: 'review' }));
    app.post('/v1/drafts', (_req, res) => void res.status(201).json({ saved: 'draft' }));
    app.use((error: { status?: number; message: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ message: error.message });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { message?: string; saved?: string } };
  };

  it.each(['/v1/reviews', '/v1/drafts'])('POST %s rejects an invalid body', async (path) => {
    const missingText = await post(path, { stars: 3 });
    expect(missingText.status).toBe(400);
    expect(missingText.body.message).toContain("must have required property 'text'");
    const outOfRange = await post(path, { stars: 9, text: 'great' });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.message).toContain('stars');
  });

  it('rejects on both operations in either order, and accepts a valid body on both', async () => {
    for (const path of ['/v1/drafts', '/v1/reviews', '/v1/drafts']) {
      expect((await post(path, { stars: 3, extra: true, text: 'x' })).status).toBe(400);
    }
    expect(await post('/v1/reviews', { stars: 5, text: 'great' })).toEqual({ status: 201, body: { saved: 'review' } });
    expect(await post('/v1/drafts', { stars: 1, text: 'meh' })).toEqual({ status: 201, body: { saved: 'draft' } });
  });
});
