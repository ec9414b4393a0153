// The names of a service's task queues: the default one, the configured ones and any a registered task names.
import type { PymConfig } from '../config/config-schema';
import { listTasks } from './task-registry';

/** The queues of the service, sorted (in a server: those of the tasks its handler modules import). */
export function queueNames(config: PymConfig): string[] {
  const names = new Set([config.async.queue, ...Object.keys(config.async.queues)]);
  for (const task of listTasks()) names.add(task.options.queue ?? config.async.queue);
  return [...names].sort();
}
