// The upload fixture service (fixtures/upload-service: an upload, an optional body, body_limit 16kb), listening.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../../src/http/create-app';

/** The fixture, listening on an ephemeral port of 127.0.0.1. */
export interface UploadService {
  /** e.g. `http://127.0.0.1:41234/v1/upload` for `/v1/upload`. */
  url(path: string): string;
  close(): Promise<void>;
}

export async function startUploadService(): Promise<UploadService> {
  const pym = await createApp({ configPath: path.resolve(__dirname, '../fixtures/upload-service/pym-config.yaml') });
  const server: http.Server = pym.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (urlPath) => `${base}${urlPath}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await pym.close();
    },
  };
}
