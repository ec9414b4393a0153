// @cron: static methods only, timing checked when decorated, registered as a task and a schedule, with or without @asyncTask.
import 'reflect-metadata';
import { asyncTask, cron } from '@pym/framework';
import { CRON_METADATA } from '../../src/tasks/cron.decorator';
import { listCronSchedules } from '../../src/tasks/schedule-registry';
import { findTask, taskOf } from '../../src/tasks/task-registry';

test('@cron on an instance method is refused at decoration time, naming the method and the fix', () => {
  expect(() => {
    class Reports {
      @cron('0 3 * * *')
      nightly(): void {}
    }
    return Reports;
  }).toThrow('@cron on Reports.nightly: scheduled tasks must be static methods (a worker has no instance to call an instance method on); declare it "static nightly()"');
});

test('an invalid cron pattern is refused at decoration time, naming the method and the pattern', () => {
  expect(() => {
    class Reports {
      @cron('61 * * * *')
      static minutely(): void {}
    }
    return Reports;
  }).toThrow(/^@cron on Reports\.minutely: invalid cron pattern "61 \* \* \* \*": .*61/);
});

test('exactly one of a pattern and "every"; "every" a positive whole number; a known time zone', () => {
  const decorate = (options: Parameters<typeof cron>[0]) => () => {
    class Jobs {
      @cron(options)
      static run(): void {}
    }
    return Jobs;
  };
  expect(decorate({ pattern: '* * * * *', every: 1000 })).toThrow('give exactly one of a cron pattern and "every" (milliseconds)');
  expect(decorate({})).toThrow('give exactly one of a cron pattern and "every"');
  expect(decorate({ every: 0 })).toThrow('"every" must be a whole number of milliseconds > 0 (got 0)');
  expect(decorate({ every: 1.5 })).toThrow('"every" must be a whole number');
  expect(decorate({ pattern: '0 3 * * *', tz: 'Mars/Olympus_Mons' })).toThrow('unknown time zone "Mars/Olympus_Mons"');
  expect(decorate({ every: 1000, name: 'bad name' })).toThrow('@cron on Jobs.run: name must be letters, digits, ".", "-" or "_"');
});

test('@cron alone registers the method as a task (run by workers) and a schedule; calling it still runs it inline', () => {
  class Cleanup {
    @cron({ pattern: '30 2 * * *', tz: 'Europe/Paris' })
    static purge(): string {
      return 'purged';
    }
  }
  expect(Cleanup.purge()).toBe('purged');
  const task = findTask('Cleanup.purge');
  expect(task).toMatchObject({ name: 'Cleanup.purge', target: Cleanup, methodName: 'purge' });
  expect(task!.run.call(Cleanup)).toBe('purged');
  expect(taskOf(Cleanup.purge)).toBe(task);
  expect(listCronSchedules().find((schedule) => schedule.name === 'Cleanup.purge')).toEqual({
    name: 'Cleanup.purge',
    task: 'Cleanup.purge',
    pattern: '30 2 * * *',
    every: undefined,
    tz: 'Europe/Paris',
    source: '@cron on Cleanup.purge',
  });
  expect(Reflect.getMetadata(CRON_METADATA, Cleanup, 'purge')).toEqual([{ pattern: '30 2 * * *', tz: 'Europe/Paris' }]);
});

test('with @asyncTask, in either order, the schedule runs the task body (not the enqueueing wrapper) under the task name', () => {
  class Above {
    @cron({ every: 60_000, name: 'above-schedule' })
    @asyncTask({ name: 'above-task', attempts: 1 })
    static work(): string {
      return 'above body';
    }
  }
  class Below {
    @asyncTask({ attempts: 2 })
    @cron({ every: 60_000, name: 'below-schedule' })
    static work(): string {
      return 'below body';
    }
  }
  const schedules = listCronSchedules();
  const above = schedules.find((schedule) => schedule.name === 'above-schedule')!;
  const below = schedules.find((schedule) => schedule.name === 'below-schedule')!;
  expect(above.task).toBe('above-task');
  expect(below.task).toBe('Below.work');
  expect(findTask(above.task)!.run.call(Above)).toBe('above body');
  expect(findTask(below.task)!.run.call(Below)).toBe('below body');
  expect(findTask(below.task)!.options).toEqual({ attempts: 2 }); // @asyncTask's options apply to scheduled runs
  expect(taskOf(Above.work)?.name).toBe('above-task'); // calling it enqueues, as with any @asyncTask
});

test('two schedules with one name are refused, naming both', () => {
  expect(() => {
    class Twice {
      @cron({ every: 1000, name: 'twice' })
      static one(): void {}

      @cron({ every: 2000, name: 'twice' })
      static two(): void {}
    }
    return Twice;
  }).toThrow('Two schedules are named "twice" (@cron on Twice.one and @cron on Twice.two); give one of them another name with @cron({ name })');
});
