// Acceptance: background tasks over HTTP. Signing up and borrowing enqueue @asyncTask methods; `pym start`'s
// worker process runs them in the caller's context; GET /v1/members/me/notifications shows what they wrote.
import { randomUUID } from 'node:crypto';
import { pollUntil, SHUTDOWN_TIMEOUT_MS, STARTUP_TIMEOUT_MS, startLibrary, tokenFor, type ApiResponse, type Json, type LibraryService } from './helpers/library-service';

/** Reminders.loanDue's `@asyncTask({ delay })` (src/tasks/reminders.ts: LOAN_REMINDER_DELAY_MS). */
const REMINDER_DELAY_MS = 1500;

let library: LibraryService;

beforeAll(async () => {
  library = await startLibrary();
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** `2025-03-14T18:00:00.000Z` → `14 March 2025`. */
function dayMonthYear(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function notificationsOf(token: string): Promise<ApiResponse> {
  return library.get('/v1/members/me/notifications', token);
}

/** Poll the caller's notifications (up to ~10 s) until one of `kind` is there; returns the last response. */
function waitForNotification(token: string, kind: string): Promise<ApiResponse> {
  return pollUntil(
    () => notificationsOf(token),
    (response) => response.status !== 200 || response.body.items.some((item: Json) => item.kind === kind),
  );
}

/** Sign up a new member with their own X-Request-Id; returns the 201 response and that id. */
async function signUp(fields: Record<string, unknown>): Promise<{ response: ApiResponse; requestId: string }> {
  const requestId = `signup-${randomUUID()}`;
  const response = await library.call('POST', '/v1/members', { body: fields, headers: { 'X-Request-Id': requestId } });
  expect(response.status).toBe(201);
  return { response, requestId };
}

describe('Notifications.sendWelcome (enqueued by POST /v1/members)', () => {
  test('the welcome appears, in the language signed up with, written by the worker as the new member, with the signup\'s request id', async () => {
    const { response, requestId } = await signUp({ email: `marie-${randomUUID()}@example.org`, name: 'Marie Curie', language: 'fr' });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const { member, token } = response.body;

    const { status, body } = await waitForNotification(token, 'welcome');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        id: `welcome:${member.id}`,
        kind: 'welcome',
        message: 'Bienvenue à la bibliothèque, Marie Curie ! Vous pouvez emprunter jusqu\'à 5 livres à la fois.',
        createdAt: expect.any(String),
        // The task ran in the worker process with the context pym re-created: the new member's user id
        // (signUp enqueues it under withBackendToken({ userId })) and the X-Request-Id of the signup.
        origin: { task: 'Notifications.sendWelcome', userId: member.id, requestId },
      },
    ]);
    expect(Date.parse(body.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(member.joinedAt));
  });

  test('without a language the welcome is in English', async () => {
    const { response } = await signUp({ email: `alan-${randomUUID()}@example.org`, name: 'Alan Turing' });
    const { body } = await waitForNotification(response.body.token, 'welcome');
    expect(body.items.map((item: Json) => item.message)).toEqual([
      'Welcome to the library, Alan Turing! You can borrow up to 5 books at a time.',
    ]);
  });

  test('a language the spec does not list is 400 INVALID_PARAMETER at /body/language, and no member is made', async () => {
    const email = `hedy-${randomUUID()}@example.org`;
    const refused = await library.post('/v1/members', { email, name: 'Hedy Lamarr', language: 'de' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: Json) => error.path)).toEqual(['/body/language']);
    expect((await library.post('/v1/members', { email, name: 'Hedy Lamarr' })).status).toBe(201);
  });
});

describe('Reminders.loanDue (enqueued by POST /v1/loans, delayed)', () => {
  test('the reminder appears once its delay has passed, written as the borrower, with the loan request\'s id', async () => {
    const { response } = await signUp({ email: `ada-${randomUUID()}@example.org`, name: 'Ada Lovelace' });
    const { member, token } = response.body;
    await waitForNotification(token, 'welcome'); // written first, so that the order checked below is settled
    const loanRequestId = `loan-${randomUUID()}`;
    const borrowed = await library.call('POST', '/v1/loans', {
      token,
      body: { bookId: 'frankenstein', days: 10 },
      headers: { 'X-Request-Id': loanRequestId },
    });
    expect(borrowed.status).toBe(201);
    const loan = borrowed.body;
    const borrowedAt = Date.parse(loan.borrowedAt);

    // Right after the loan there is no reminder: one may only show up in a read answered after the delay.
    const early = await notificationsOf(token);
    const answeredAt = Date.now();
    const earlyReminder = early.body.items.some((item: Json) => item.kind === 'loan-due');
    expect(earlyReminder && answeredAt < borrowedAt + REMINDER_DELAY_MS).toBe(false);

    const { status, body } = await waitForNotification(token, 'loan-due');
    expect(status).toBe(200);
    const reminder = body.items.find((item: Json) => item.kind === 'loan-due');
    expect(reminder).toEqual({
      id: `loan-due:${loan.id}`,
      kind: 'loan-due',
      // The worker got the loan back as a Loan model instance: its dueAt is a Date again.
      message: `“Frankenstein” is due back on ${dayMonthYear(loan.dueAt)}, by closing time.`,
      loanId: loan.id,
      createdAt: expect.any(String),
      origin: { task: 'Reminders.loanDue', userId: member.id, requestId: loanRequestId },
    });
    // Written by the delayed task: not before the delay after the loan was made.
    expect(Date.parse(reminder.createdAt) - borrowedAt).toBeGreaterThanOrEqual(REMINDER_DELAY_MS);
    // Most recent first: the reminder, then the welcome.
    expect(body.items.map((item: Json) => item.kind)).toEqual(['loan-due', 'welcome']);

    await library.post(`/v1/loans/${loan.id}/return`, undefined, token);
  });
});

describe('GET /v1/members/me/notifications', () => {
  test('a member sees only their own notifications', async () => {
    const { response } = await signUp({ email: `grace-${randomUUID()}@example.org`, name: 'Grace Hopper' });
    await waitForNotification(response.body.token, 'welcome');
    const other = await notificationsOf(await tokenFor(`someone-${randomUUID()}`));
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ items: [] });
  });

  test('401 AUTHORIZATION_HEADER_MISSING without a token', async () => {
    const { status, body } = await library.get('/v1/members/me/notifications');
    expect(status).toBe(401);
    expect(body.error).toBe('AUTHORIZATION_HEADER_MISSING');
  });
});
