// POST /v1/reports: long work answers at once, 202 + Location: /tasks/{id}; a worker runs the task.
import { accepted, taskRef } from '@pym/framework';
import type { Handler } from '../../apis/__API__.models';
import { Reports } from '../tasks/reports';

export const startReport: Handler<'startReport'> = async ({ body }) => {
  return accepted(await taskRef(Reports.build(body)));
};
