// At startup: the docs config per environment, and a spec whose operations the docs' URLs would hide is refused.
import { SpecError } from '../../src/openapi/spec-error';
import { appOf, listen, OK, removeTempServices, spec, tempService } from './docs-test-helpers';

afterAll(removeTempServices);
// Each test builds one to three apps (every spec checked at startup): seconds each on a busy machine.
jest.setTimeout(90_000);

/** The statuses of GET `paths` on a service folder's app. */
async function statuses(dir: string, paths: string[], env?: string): Promise<number[]> {
  const server = await listen(dir, env);
  try {
    return await Promise.all(paths.map(async (path) => (await fetch(server.url + path)).status));
  } finally {
    await server.close();
  }
}

const PATHS = ['/docs', '/docs/swagger-ui-bundle.js', '/openapi/a.json', '/openapi/a.yaml', '/openapi/pym.json'];
const a = spec({ '/things': { get: OK } }, '/v1');

describe('which URLs are served', () => {
  test('by default outside prod: the page and the specs', async () => {
    expect(await statuses(tempService({ a }), PATHS)).toEqual([200, 200, 200, 200, 200]);
    expect(await statuses(tempService({ a }), PATHS, 'staging')).toEqual([200, 200, 200, 200, 200]);
  });

  test('with PYM_ENV prod: the specs only, unless docs.enabled says otherwise', async () => {
    expect(await statuses(tempService({ a }), PATHS, 'prod')).toEqual([404, 404, 200, 200, 200]);
    expect(await statuses(tempService({ a }, 'docs: { enabled: true }'), PATHS, 'prod')).toEqual([200, 200, 200, 200, 200]);
  });

  test('docs.enabled: false turns the page off; docs.specs: false turns both off', async () => {
    expect(await statuses(tempService({ a }, 'docs: { enabled: false }'), PATHS)).toEqual([404, 404, 200, 200, 200]);
    expect(await statuses(tempService({ a }, 'docs: { specs: false }'), PATHS)).toEqual([404, 404, 404, 404, 404]);
  });

  test('docs.path moves the page and its files', async () => {
    const dir = tempService({ a }, 'docs: { path: /internal/api-docs }');
    expect(await statuses(dir, ['/internal/api-docs', '/internal/api-docs/swagger-ui.css', '/docs'])).toEqual([200, 200, 404]);
  });
});

describe('URLs of the docs that an operation would answer', () => {
  /** The SpecError createApp throws for the service folder. */
  async function startupError(dir: string): Promise<SpecError> {
    const error = await appOf(dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }

  test('GET /docs of a spec: refused, naming the spec, the operation and the fix; reached once the page is off', async () => {
    const dir = tempService({ docs: spec({ '/docs': { get: OK } }) });
    const error = await startupError(dir);
    expect(error.file).toBe(`${dir}/apis/docs.yaml`);
    expect(error.detail).toBe(
      'GET /docs would answer /docs, where pym serves its API docs page (docs.path): set docs.path in pym-config.yaml to a free path (e.g. /api-docs), or docs.enabled: false',
    );
    const off = tempService({ docs: spec({ '/docs': { get: OK } }) }, 'docs: { enabled: false }');
    const server = await listen(off);
    const reply = await fetch(`${server.url}/docs`);
    await server.close();
    expect([reply.status, await reply.json()]).toEqual([200, {}]);
  });

  test('a templated path matching one of the page\'s files is refused too; one under the API\'s base path is not', async () => {
    const error = await startupError(tempService({ pages: spec({ '/docs/{file}': { get: OK } }) }));
    expect(error.detail).toMatch(/^GET \/docs\/\{file\} would answer \/docs\/[\w.-]+, where pym serves its API docs page/);
    await expect(appOf(tempService({ a: spec({ '/docs': { get: OK } }, '/v1') })).then((app) => app.close())).resolves.toBeUndefined();
  });

  test('another method on /docs is not hidden (only GET and HEAD are served there)', async () => {
    const server = await listen(tempService({ a: spec({ '/docs': { post: OK } }) }));
    const [page, post] = [await fetch(`${server.url}/docs`), await fetch(`${server.url}/docs`, { method: 'POST' })];
    await server.close();
    expect([page.status, post.status]).toEqual([200, 200]);
  });

  test('GET /openapi/{name} of a spec: refused, the fix is to rename it or not serve the specs', async () => {
    const error = await startupError(tempService({ files: spec({ '/openapi/{name}': { get: OK } }) }));
    expect(error.detail).toBe(
      'GET /openapi/{name} would answer /openapi/files.json, where pym serves a spec: rename that path, or set docs.specs: false (and docs.enabled: false) in pym-config.yaml',
    );
    const dir = tempService({ files: spec({ '/openapi/{name}': { get: OK } }) }, 'docs: { specs: false }');
    await expect(appOf(dir).then((app) => app.close())).resolves.toBeUndefined();
  });

  test('a spec named pym: refused, that is the built-in API\'s name', async () => {
    const dir = tempService({ pym: spec({ '/mine': { get: OK } }) });
    const error = await startupError(dir);
    expect(error.file).toBe(`${dir}/apis/pym.yaml`);
    expect(error.detail).toBe(
      'an API may not be named "pym": that is pym\'s built-in API (/ping, /version, /tasks; its spec is /openapi/pym.json): rename the file',
    );
  });
});
