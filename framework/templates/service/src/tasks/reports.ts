// Background tasks (loaded by workers through async.tasks): calling Reports.build enqueues it; a worker runs the body.
import { asyncTask, setProgress } from '@pym/framework';
import { Report, type ReportOrder } from '../../apis/__API__.models';

export class Reports {
  /**
   * Build a report: runs in a worker, as the user whose request enqueued it (getUserId()). A task may run again
   * after a crash or a retry: keep it idempotent. Its return value becomes the task's `result`.
   */
  @asyncTask({ attempts: 3 })
  static async build(order: ReportOrder): Promise<Report> {
    await setProgress(50, 'counting words');
    return new Report({ topic: order.topic, words: order.topic.split(/\s+/).filter(Boolean).length });
  }
}
