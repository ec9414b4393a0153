// The schedules declared in code: every @cron, by name, as the decorators recorded them.
import type { ScheduleDefinition } from './schedule-options';

const byName = new Map<string, ScheduleDefinition>();

/** Record a @cron schedule. Two schedules with one name are an error naming both. */
export function registerSchedule(schedule: ScheduleDefinition): void {
  const known = byName.get(schedule.name);
  if (known && JSON.stringify(known) !== JSON.stringify(schedule)) {
    throw new Error(
      `Two schedules are named "${schedule.name}" (${known.source} and ${schedule.source}); ` +
        'give one of them another name with @cron({ name })',
    );
  }
  byName.set(schedule.name, schedule);
}

/** Every schedule declared with @cron, by name. */
export function listCronSchedules(): ScheduleDefinition[] {
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
