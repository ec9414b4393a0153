// Acceptance: reports over HTTP. A loan report is a task resource (202, progress at /tasks/{id}, then 201 +
// the report's Location); the digest is written by a @cron task the worker runs as the service.
import { randomUUID } from 'node:crypto';
import {
  pollUntil,
  runLibraryPym,
  SHUTDOWN_TIMEOUT_MS,
  STARTUP_TIMEOUT_MS,
  startLibrary,
  tokenFor,
  type ApiResponse,
  type Json,
  type LibraryService,
} from './helpers/library-service';

/** How long a test waits for a task to finish or a scheduled run to happen (it polls, awaiting each read). */
const TASK_TIMEOUT_MS = 20_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let library: LibraryService;
let librarian: string;
let otherLibrarian: string;
let member: string;

beforeAll(async () => {
  [library, librarian, otherLibrarian, member] = await Promise.all([
    startLibrary(),
    tokenFor('alice', { role: 'librarian' }),
    tokenFor(`librarian-${randomUUID()}`, { role: 'librarian' }),
    tokenFor('bob'),
  ]);
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** Follow a task resource until it is finished, recording every status document seen on the way. */
async function followTask(location: string, token: string): Promise<{ seen: ApiResponse[]; last: ApiResponse }> {
  const seen: ApiResponse[] = [];
  const last = await pollUntil(
    async () => {
      const response = await library.get(location, token);
      seen.push(response);
      return response;
    },
    (response) => response.status !== 202,
    TASK_TIMEOUT_MS,
  );
  return { seen, last };
}

describe('POST /v1/reports/loans (a task resource)', () => {
  let taskLocation: string;

  test('202 + Location of the task; the task runs book by book to 100, then answers 201 + the report\'s Location, which serves the report', async () => {
    // Something to report on, made in the server only: a book the worker's own catalogue never saw, and a loan.
    const added = await library.post('/v1/books', { title: `Report Test ${randomUUID().slice(0, 8)}`, authors: [{ name: 'A. Writer' }], genre: 'history', publishedYear: 2001 }, librarian);
    expect(added.status).toBe(201);
    const borrowed = await library.post('/v1/loans', { bookId: added.body.id, days: 7 }, member);
    expect(borrowed.status).toBe(201);
    const catalogue = (await library.get('/v1/books?limit=50')).body.items as Json[];

    const ordered = await library.post('/v1/reports/loans', undefined, librarian);
    expect(ordered.status).toBe(202);
    taskLocation = ordered.headers.get('location')!;
    expect(taskLocation).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
    expect(ordered.body).toMatchObject({ id: taskLocation.slice('/tasks/'.length), name: 'Reports.loanReport', status: 'queued', progress: 0 });

    const { seen, last } = await followTask(taskLocation, librarian);
    // On the way: 202 while queued or running, the progress never going down; progress was observable mid-way.
    const pending = seen.slice(0, -1);
    for (const response of pending) {
      expect(response.status).toBe(202);
      expect(['queued', 'running']).toContain(response.body.status);
    }
    const progress = seen.map((response) => response.body.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(pending.some((response) => response.body.status === 'running' && response.body.progress > 0 && response.body.progress < 100)).toBe(true);

    // Done: 201, Location of the report the task made (setResourceUrl), its summary as `result`.
    expect(last.status).toBe(201);
    const reportLocation = last.headers.get('location')!;
    expect(reportLocation).toMatch(/^\/v1\/reports\/loans\/[0-9a-f-]{36}$/);
    const reportId = reportLocation.split('/').pop();
    expect(last.body).toMatchObject({ status: 'completed', progress: 100, resource_url: reportLocation });
    const totals = { books: catalogue.length, loans: 1, onLoan: 1, overdue: 0 };
    expect(last.body.result).toEqual({ reportId, totals });

    const report = await library.get(reportLocation, librarian);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      id: reportId,
      // The task ran as the librarian who ordered it.
      orderedBy: 'alice',
      asOf: expect.any(String),
      createdAt: expect.any(String),
      // Every book of the server's catalogue, the one added over HTTP included, by title.
      books: catalogue.map((book) =>
        book.id === added.body.id
          ? { bookId: book.id, title: book.title, loans: 1, onLoan: true, overdue: false }
          : { bookId: book.id, title: book.title, loans: 0, onLoan: false, overdue: false },
      ),
      totals,
    });
    expect(Date.parse(report.body.createdAt)).toBeGreaterThanOrEqual(Date.parse(report.body.asOf));

    await library.post(`/v1/loans/${borrowed.body.id}/return`, undefined, member);
  }, TASK_TIMEOUT_MS + 10_000);

  test('another librarian cannot see the first one\'s task: 404 TASK_NOT_FOUND', async () => {
    expect(taskLocation).toBeDefined();
    const { status, body } = await library.get(taskLocation, otherLibrarian);
    expect(status).toBe(404);
    expect(body.error).toBe('TASK_NOT_FOUND');
    // Its owner still can.
    expect((await library.get(taskLocation, librarian)).status).toBe(201);
  });

  test('403 LIBRARIAN_ONLY for a member, and no task is made', async () => {
    const { status, body, headers } = await library.post('/v1/reports/loans', undefined, member);
    expect(status).toBe(403);
    expect(body.error).toBe('LIBRARIAN_ONLY');
    expect(headers.get('location')).toBeNull();
    const tasks = await library.get('/tasks', member);
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks.filter((task: Json) => task.name === 'Reports.loanReport')).toEqual([]);
  });

  test('401 AUTHORIZATION_HEADER_MISSING without a token', async () => {
    const { status, body } = await library.post('/v1/reports/loans');
    expect(status).toBe(401);
    expect(body.error).toBe('AUTHORIZATION_HEADER_MISSING');
  });
});

describe('GET /v1/reports/loans/{reportId}', () => {
  test('404 REPORT_NOT_FOUND for an id no report has', async () => {
    const { status, body } = await library.get(`/v1/reports/loans/${randomUUID()}`, librarian);
    expect(status).toBe(404);
    expect(body.error).toBe('REPORT_NOT_FOUND');
  });

  test('403 LIBRARIAN_ONLY for a member', async () => {
    const { status, body } = await library.get(`/v1/reports/loans/${randomUUID()}`, member);
    expect(status).toBe(403);
    expect(body.error).toBe('LIBRARIAN_ONLY');
  });
});

describe('GET /v1/reports/digest (written by the @cron task Reports.digest)', () => {
  test('the digest appears without any request, written by the worker as the service (default_user_id)', async () => {
    const serviceUser = (await runLibraryPym(['config', 'default_user_id'])).stdout.trim();
    expect(serviceUser).toBe('library-service');

    const { status, body } = await pollUntil(() => library.get('/v1/reports/digest', librarian), (response) => response.status !== 404, TASK_TIMEOUT_MS);
    expect(status).toBe(200);
    expect(body).toEqual({
      task: 'Reports.digest',
      runAs: serviceUser,
      writtenAt: expect.any(String),
      reports: expect.any(Number),
      ...(body.latestReportId !== undefined && { latestReportId: expect.stringMatching(UUID) }),
    });
    expect(Date.now() - Date.parse(body.writtenAt)).toBeLessThan(TASK_TIMEOUT_MS + STARTUP_TIMEOUT_MS);
  }, TASK_TIMEOUT_MS + 10_000);

  test('403 LIBRARIAN_ONLY for a member', async () => {
    const { status, body } = await library.get('/v1/reports/digest', member);
    expect(status).toBe(403);
    expect(body.error).toBe('LIBRARIAN_ONLY');
  });
});
