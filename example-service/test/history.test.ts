// Acceptance: the library calls the audit service (audit-service/, started as its own `pym start` process) through its
// generated client, from a handler and from a worker's task: identity, request id and trace travel; errors come back.
import type { PymProcess } from '../../framework/test/helpers/spawn-pym';
import {
  pollUntil,
  runLibraryPym,
  SHUTDOWN_TIMEOUT_MS,
  startAudit,
  startLibrary,
  STARTUP_TIMEOUT_MS,
  tokenFor,
  type ApiResponse,
  type LibraryService,
} from './helpers/library-service';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

let audit: PymProcess;
let library: LibraryService;
let librarian: string;

beforeAll(async () => {
  audit = await startAudit();
  [library, librarian] = await Promise.all([startLibrary({ auditUrl: audit.url }), tokenFor('alice', { role: 'librarian' })]);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
  await audit?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** Ask the audit service itself (not through the library). */
async function fromAudit(path: string): Promise<ApiResponse> {
  const response = await fetch(audit.url + path, { headers: { Authorization: `Bearer ${librarian}` } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

function note(bookId: string, text: string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return library.call('POST', `/v1/books/${bookId}/history`, { token: librarian, body: { note: text }, headers });
}

describe('from a handler', () => {
  test("the audit service records the note as the librarian, with the library request's id and a child of its trace", async () => {
    const noted = await note('dune', 'coffee stain on the cover', { 'X-Request-Id': 'note-dune-1', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(noted.status).toBe(201);
    expect(noted.headers.get('location')).toBe(`/v1/history/${noted.body.id}`);
    const recorded = await fromAudit(`/v1/events/${noted.body.id}`);
    expect(recorded.body).toEqual({
      id: noted.body.id,
      action: 'book.noted',
      subject: 'book:dune',
      details: { note: 'coffee stain on the cover' },
      actor: 'alice',
      requestId: 'note-dune-1',
      traceId: TRACE_ID,
      callerSpanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      recordedAt: expect.any(String),
    });
    expect(recorded.body.callerSpanId).not.toBe(CALLER_SPAN);
    expect(noted.body).toEqual(recorded.body);
    const history = await library.get('/v1/books/dune/history', librarian);
    expect(history.body.items.map((event: ApiResponse['body']) => event.id)).toContain(noted.body.id);
  });

  test("the request's Idempotency-Key goes with the call: a repeated note is recorded once", async () => {
    const first = await note('frankenstein', 'rebound', { 'Idempotency-Key': 'rebind-frankenstein' });
    const again = await note('frankenstein', 'rebound', { 'Idempotency-Key': 'rebind-frankenstein' });
    expect(again.body.id).toBe(first.body.id);
    expect((await fromAudit('/v1/events?subject=book:frankenstein')).body.items).toHaveLength(1);
  });

  test("the audit service's 404 EVENT_NOT_FOUND reaches the library's caller as such", async () => {
    const { status, body } = await library.get('/v1/history/no-such-event', librarian);
    expect({ status, body }).toEqual({ status: 404, body: { status: 404, error: 'EVENT_NOT_FOUND', error_description: 'No event with id no-such-event' } });
  });
});

describe('from a task', () => {
  test("a loan's reminder, run by a worker once the borrower's token expired, is recorded as the borrower with the loan request's id and trace", async () => {
    // A 1-second token: it has expired when the reminder runs (1.5 s after the loan). The audit service's test config
    // has no leeway (audit-service/pym-config.test.yaml), so only a refreshed token gets the event recorded.
    const minted = await runLibraryPym(['token', '--user', 'bob', '--expires', '1']);
    const shortLived = minted.stdout.trim();
    const loan = await library.call('POST', '/v1/loans', {
      token: shortLived,
      body: { bookId: 'the-hobbit', days: 7 },
      headers: { 'X-Request-Id': 'loan-hobbit-1', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    });
    expect(loan.status).toBe(201);
    const events = await pollUntil(
      () => fromAudit(`/v1/events?subject=loan:${loan.body.id}`),
      (response) => response.body.items.length > 0,
      20_000,
    );
    expect(events.body.items).toEqual([
      expect.objectContaining({ action: 'loan.reminded', actor: 'bob', requestId: 'loan-hobbit-1', traceId: TRACE_ID }),
    ]);
    expect(events.body.items[0].callerSpanId).not.toBe(CALLER_SPAN);
  });
});

describe('the audit service is down', () => {
  test('a note fails with 503 UPSTREAM_UNAVAILABLE within the client deadline', async () => {
    await audit.stop();
    const started = Date.now();
    const { status, body } = await note('dune', 'lost');
    expect(Date.now() - started).toBeLessThan(8000);
    expect({ status, error: body.error }).toEqual({ status: 503, error: 'UPSTREAM_UNAVAILABLE' });
    expect(body.error_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
