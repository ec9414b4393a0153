// Type-level test of generated clients: compiled by tsc (tsconfig.test.json), never run.
import { callee, Item, type CalleeOperations, type ItemInputFields } from '../fixtures/clients/caller/clients/callee.client';
import type { ClientReply } from '../../src/clients/read-reply';

export async function positive(): Promise<void> {
  const item: Item = await callee.getItem({ params: { itemId: '1' } }, { timeout: 500 });
  const created: Date = item.createdAt;
  const body: ItemInputFields = { name: 'n', dueOn: new Date() };
  await callee.createItem({ body });
  await callee.createItem({ body: new Item({ id: '1', name: 'n', createdAt: created, createdBy: 'x' }) }, { idempotencyKey: true });
  await callee.whoami();
  const reply = await callee.createItem.reply({ body, params: { 'Idempotency-Key': 'k' } });
  const status: 201 = reply.status;
  const location: string | null = reply.headers.get('location');
  const nothing: undefined = await callee.slow({ params: { ms: 1 } });
  const shape: CalleeOperations['getItem']['replies'] extends Pick<ClientReply<200, Item>, 'status' | 'body'> ? true : false = true;
  void [status, location, nothing, shape];
}

export async function negative(): Promise<void> {
  // @ts-expect-error a required path parameter is missing
  await callee.getItem({ params: {} });
  // @ts-expect-error the input is required when a parameter is
  await callee.getItem();
  // @ts-expect-error a body of the wrong shape
  await callee.createItem({ body: { title: 'x' } });
  // @ts-expect-error an operation the spec does not have
  await callee.deleteItem({ params: { itemId: '1' } });
  // @ts-expect-error the reply's body is an Item, not a string
  const name: string = await callee.getItem({ params: { itemId: '1' } });
  void name;
}
