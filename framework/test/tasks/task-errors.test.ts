// The task error codes: registered once, with their stable code and status.
import { getErrorCode } from '../../src/errors/error-registry';
import { isPymError } from '../../src/errors/pym-error';
import { TaskArgumentInvalid, TaskEnvelopeRejected, TaskQueueUnavailable } from '../../src/tasks/task-errors';

describe('task error codes', () => {
  it.each([
    [TaskArgumentInvalid, 'TASK_ARGUMENT_INVALID', 500],
    [TaskQueueUnavailable, 'TASK_QUEUE_UNAVAILABLE', 503],
    [TaskEnvelopeRejected, 'TASK_ENVELOPE_REJECTED', 500],
  ])('%p is %s with status %d, registered and not exposed to clients', (ErrorClass, code, status) => {
    const error = new ErrorClass('details');
    expect(isPymError(error)).toBe(true);
    expect(error).toMatchObject({ code, status, message: 'details' });
    expect(error.expose).toBe(false);
    expect(getErrorCode(code)).toMatchObject({ code, status, name: ErrorClass.name });
  });
});
