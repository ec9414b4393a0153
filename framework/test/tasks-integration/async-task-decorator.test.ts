// @asyncTask at decoration time (static only, unique names) and runTask() running a task's body inline.
import { randomUUID } from 'node:crypto';
import { asyncTask, getRequestContext, getUserId, runTask } from '@pym/framework';
import { runWithContext } from '../../src/context/request-context';

describe('@asyncTask at decoration time', () => {
  test('on an instance method throws, naming the method and asking for a static one', () => {
    expect(() => {
      class Mailer {
        @asyncTask()
        send(): void {}
      }
      return Mailer;
    }).toThrow('@asyncTask on Mailer.send: tasks must be static methods (a worker has no instance to call an instance method on); declare it "static send(…)"');
  });

  test('a second task with the same name throws, naming both methods', () => {
    const name = `duplicate-${randomUUID()}`;
    class Billing {
      @asyncTask({ name })
      static charge(): void {}
    }
    expect(Billing.charge).toBeInstanceOf(Function);
    expect(() => {
      class Invoices {
        @asyncTask({ name })
        static send(): void {}
      }
      return Invoices;
    }).toThrow(`Two tasks are named "${name}": Billing.charge and Invoices.send; give one of them another name with @asyncTask({ name })`);
  });
});

describe('runTask()', () => {
  class Inline {
    @asyncTask()
    static async describe(argument: { n: number }) {
      await Promise.resolve();
      return { argument, userId: getUserId(), requestId: getRequestContext()?.requestId, pid: process.pid };
    }
  }

  test('runs the body inline, in the current context, with the very arguments given (no queue, no copy)', async () => {
    const argument = { n: 1 };
    const context = { requestId: 'req-inline', method: 'POST', url: '/inline', claims: { sub: 'user-inline' } };
    const result = await runWithContext(context, () => runTask(Inline.describe, argument));
    expect(result).toEqual({ argument, userId: 'user-inline', requestId: 'req-inline', pid: process.pid });
    expect(result.argument).toBe(argument);
  });

  test('refuses a method that is not an @asyncTask', async () => {
    await expect(runTask(async (n: number) => n, 1)).rejects.toThrow('runTask() expects a method decorated with @asyncTask');
  });
});
