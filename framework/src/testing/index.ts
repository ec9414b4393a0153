// @pym/framework/testing: the test kit. Build the service in-process, call it over HTTP, mint tokens, wait for tasks.
import 'reflect-metadata';

// ── The app under test ────────────────────────────────────────────────────────
/** The service with a config of its own, on a free port, with get/post/put/patch/delete, tokenFor and waitForTask. */
export { createTestApp, type TestApp, type TestAppOptions, type TestTaskMode, type TestTokenOptions, type TaskToWait } from './test-app';
export type { TestRequestOptions, TestResponse } from './test-client';

// ── Assertions ────────────────────────────────────────────────────────────────
/** A response is pym's JSON error of a given status and code (throws an AssertionError otherwise). */
export { expectError } from './expect-error';

// ── Tasks ─────────────────────────────────────────────────────────────────────
/** Run a task's body now, in this process, without a queue (unit tests of task code). */
export { runTask } from '../tasks/run-task';
export type { TaskStatus } from '../tasks/task-status';

// ── Logs ──────────────────────────────────────────────────────────────────────
export type { LogRecord } from './log-capture';

// Internal on purpose: the in-process task backend and the queue waiter are how createTestApp runs tasks; a test
// chooses between them with `tasks: 'inline' | 'worker'`.
