// Contract: every operation of the running example service, driven from the specs it serves (/openapi/<api>.json),
// answers only statuses its spec declares, with bodies matching the declared schemas (checked with Ajv, not pym).
import http from 'node:http';
import { ContractSpec, type Reply, type SpecOperation } from './helpers/spec-contract';
import { type LibraryService, pollUntil, SHUTDOWN_TIMEOUT_MS, startLibrary, STARTUP_TIMEOUT_MS, tokenFor } from './helpers/library-service';

/** One request of the contract run. */
interface Case {
  /** What the request tries, e.g. `bad parameter limit`. */
  kind: string;
  operation: SpecOperation;
  /** The request path with its query string. */
  url: string;
  authorization?: string;
  body?: string;
  contentType?: string;
  accept?: string;
}

/** Ids of resources made before the run, by path parameter name, for the valid requests. */
type KnownIds = Record<string, string>;

let library: LibraryService;

beforeAll(async () => {
  library = await startLibrary();
}, STARTUP_TIMEOUT_MS);

afterAll(() => library?.stop(), SHUTDOWN_TIMEOUT_MS);

/** The tokens of the run: a librarian's (the valid requests), another member's (not the owner, no role). */
interface Tokens {
  librarian: string;
  stranger: string;
}

/** What the valid requests refer to: a member who is a librarian, two books, a loan, a finished report and its task. */
async function seed(): Promise<{ tokens: Tokens; ids: KnownIds; overrides: KnownIds }> {
  const signUp = await library.post('/v1/members', { email: `contract-${Date.now()}@example.org`, name: 'Contract Run' });
  const stranger = await library.post('/v1/members', { email: `contract-stranger-${Date.now()}@example.org`, name: 'Someone Else' });
  const token = await tokenFor(signUp.body.member.id, { role: 'librarian' });
  const book = { title: 'Contract', authors: [{ name: 'A. Author' }], genre: 'fiction', publishedYear: 2000 };
  const lent = await library.post('/v1/books', book, token);
  const spare = await library.post('/v1/books', book, token);
  const loan = await library.post('/v1/loans', { bookId: lent.body.id }, token);
  const order = await library.post('/v1/reports/loans', undefined, token);
  const taskUrl = order.headers.get('location')!;
  const done = await pollUntil(() => library.get(taskUrl, token), (reply) => reply.status !== 202, 30_000);
  expect([lent.status, spare.status, loan.status, order.status, done.status]).toEqual([201, 201, 201, 202, 201]);
  return {
    tokens: { librarian: token, stranger: stranger.body.token },
    ids: { bookId: lent.body.id, loanId: loan.body.id, reportId: done.headers.get('location')!.split('/').pop()!, id: taskUrl.split('/').pop()! },
    // The book a valid DELETE removes (the lent one answers 409 BOOK_ON_LOAN, which another case then shows).
    overrides: { 'deleteBook.bookId': spare.body.id },
  };
}

/** Every request the run sends for `operation`: valid, then each way a client can get it wrong. */
function casesOf(spec: ContractSpec, operation: SpecOperation, tokens: Tokens, ids: KnownIds, overrides: KnownIds): Case[] {
  const bearer = `Bearer ${tokens.librarian}`;
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  const valid: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    valid[parameter.name] = overrides[`${operation.operationId}.${parameter.name}`] ?? ids[parameter.name] ?? String(spec.sample(parameter.schema));
  }
  const url = (values: Record<string, string>, extraQuery = '') => {
    const path = operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => encodeURIComponent(values[name]!));
    const query = queryParams.map((parameter) => `${encodeURIComponent(parameter.name)}=${encodeURIComponent(values[parameter.name]!)}`);
    if (extraQuery) query.push(extraQuery);
    return query.length > 0 ? `${path}?${query.join('&')}` : path;
  };
  const auth = operation.secured ? bearer : undefined;
  const body = operation.bodySchema === undefined ? undefined : JSON.stringify(spec.sample(operation.bodySchema));
  const json = body === undefined ? {} : { body, contentType: 'application/json' };
  const base = { operation, authorization: auth, ...json };
  const cases: Case[] = [{ kind: 'valid', ...base, url: url(valid) }];
  if (operation.secured) {
    cases.push({ kind: 'unauthenticated', ...base, authorization: undefined, url: url(valid) });
    cases.push({ kind: 'invalid token', ...base, authorization: 'Bearer not-a-jwt', url: url(valid) });
    cases.push({ kind: 'another user', ...base, authorization: `Bearer ${tokens.stranger}`, url: url(valid) });
  }
  if (body !== undefined) {
    cases.push({ kind: 'bad body', ...base, url: url(valid), body: '[]' });
    cases.push({ kind: 'malformed JSON', ...base, url: url(valid), body: '{"' });
    cases.push({ kind: 'wrong content type', ...base, url: url(valid), body: 'text', contentType: 'text/plain' });
    cases.push({ kind: 'body too large', ...base, url: url(valid), body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) });
  }
  for (const parameter of [...pathParams, ...queryParams]) {
    for (const bad of spec.invalidValues(parameter.schema)) cases.push({ kind: `bad parameter ${parameter.name}`, ...base, url: url({ ...valid, [parameter.name]: bad }) });
  }
  cases.push({ kind: 'unknown query parameter', ...base, url: url(valid, 'contract_unknown=1') });
  for (const parameter of pathParams) {
    const unknown = spec.unknownValue(parameter.schema);
    if (unknown !== undefined) cases.push({ kind: `unknown ${parameter.name}`, ...base, url: url({ ...valid, [parameter.name]: unknown }) });
  }
  cases.push({ kind: 'not acceptable', ...base, url: url(valid), accept: 'text/html' });
  return cases;
}

/**
 * Send one request on a connection of its own (node:http, `agent: false`): a pooled keep-alive connection that the
 * server closes as it idles out, on a loaded machine, would fail a request that never reached the service.
 */
function send(request: Case): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (request.authorization !== undefined) headers.Authorization = request.authorization;
  if (request.contentType !== undefined) headers['Content-Type'] = request.contentType;
  if (request.accept !== undefined) headers.Accept = request.accept;
  if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const outgoing = http.request(library.url + request.url, { method: request.operation.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
        resolve({ status: response.statusCode!, contentType: response.headers['content-type'] ?? null, headers: replyHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', (error) => reject(new Error(`${request.operation.operationId} (${request.kind}): ${error.message}`)));
    outgoing.end(request.body);
  });
}

test('every reply of every operation, in every way a client can call it, is declared by the served spec and matches it', async () => {
  const version = await library.get('/version');
  const names: string[] = [...version.body.apis, 'pym'];
  const specs = await Promise.all(names.map(async (name) => new ContractSpec(name, (await library.get(`/openapi/${name}.json`)).body)));
  const { tokens, ids, overrides } = await seed();
  // Deletes last: what they remove, the other operations' valid requests use.
  const operations = specs
    .flatMap((spec) => spec.operations().map((operation) => ({ spec, operation })))
    .sort((a, b) => Number(a.operation.method === 'DELETE') - Number(b.operation.method === 'DELETE'));
  const failures: string[] = [];
  const seen = new Map<string, Set<number>>();
  let checked = 0;
  for (const { spec, operation } of operations) {
    for (const request of casesOf(spec, operation, tokens, ids, overrides)) {
      const reply = await send(request);
      checked++;
      const where = `${operation.api} ${operation.operationId} (${request.kind}): ${operation.method} ${request.url.slice(0, 120)} → ${reply.status}`;
      for (const problem of spec.problems(operation, reply)) failures.push(`${where}: ${problem}`);
      const statuses = seen.get(operation.operationId) ?? new Set<number>();
      seen.set(operation.operationId, statuses.add(reply.status));
    }
  }
  console.log(
    `contract: ${checked} replies of ${operations.length} operations (${names.length} APIs) checked against the served specs; ${failures.length} problems\n` +
      [...seen].map(([operationId, statuses]) => `  ${operationId}: ${[...statuses].sort().join(' ')}`).join('\n'),
  );
  expect(failures).toEqual([]);
  // The run reached every kind of reply: successes of each API, and the errors the specs declare.
  expect(operations.length).toBeGreaterThanOrEqual(20);
  const all = new Set([...seen.values()].flatMap((statuses) => [...statuses]));
  expect([...all].sort()).toEqual(expect.arrayContaining([200, 201, 202, 204, 400, 401, 403, 404, 406, 409, 413, 415]));
}, 120_000);
