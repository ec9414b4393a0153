// The running job travels in the task's one request context: reachable by the task (its signal, its progress), kept
// by withBackendToken, never shown by getRequestContext().
import { randomUUID } from 'node:crypto';
import { asyncTask, createLogger, getRequestContext, getTaskSignal, withBackendToken } from '@pym/framework';
import { createAppScope } from '../../src/context/app-scope';
import { createInProcessBackend } from '../../src/tasks/in-process-backend';
import { currentJob } from '../../src/tasks/job-context';
import { sealEnvelope } from '../../src/tasks/envelope';
import { envelopeKeysFor } from '../../src/tasks/envelope-keys-from-config';
import { runTaskJob } from '../../src/tasks/run-task-job';
import { authConfig } from '../auth/config-fixture';

const config = authConfig();
const NAME = `Seen.inside-${randomUUID()}`;

class Seen {
  @asyncTask({ name: NAME })
  static async inside(): Promise<Record<string, unknown>> {
    const before = currentJob()?.jobId;
    await new Promise((resolve) => setImmediate(resolve));
    return {
      before,
      after: currentJob()?.jobId,
      signal: getTaskSignal().aborted,
      underBackendToken: withBackendToken({ userId: 'service' }, () => currentJob()?.jobId),
      shown: ['job', 'app'].filter((key) => key in (getRequestContext() ?? {})),
      requestId: getRequestContext()?.requestId,
    };
  }
}

test('a task sees its job across awaits and under withBackendToken; the request context does not show it', async () => {
  expect(Seen.inside).toBeDefined();
  const id = `job-${randomUUID()}`;
  const data = sealEnvelope({ v: 3, task: NAME, job: { id }, args: [], context: { requestId: 'req-1', enqueuedAt: Date.now() } }, envelopeKeysFor(config));
  const logger = createLogger({ level: 'silent' });
  const scope = createAppScope(config, logger, () => createInProcessBackend(scope));
  const result = await runTaskJob({ id, name: NAME, data, attemptsMade: 0, attemptsStarted: 1, opts: { attempts: 1 } }, { config, logger, scope });
  expect(result).toEqual({ before: id, after: id, signal: false, underBackendToken: id, shown: [], requestId: 'req-1' });
  expect(currentJob()).toBeUndefined();
});
