// pymClient: the client object of a generated `<name>.client.ts`, one method per operation of its spec.
import { getConfig, hasConfig } from '../config/config-store';
import type { ClientInput } from './build-request';
import { callOperation, type CallOptions } from './call-operation';
import { clientsOf } from './load-clients';
import type { ClientReply } from './read-reply';

/** What a generated `<Name>Operations` interface holds for one operation. */
export interface ClientOperationTypes {
  /** `{ params, body }` of the call; keys left out when the operation has none. */
  input: unknown;
  /** One `{ status, body }` per declared success status (`body` with models as instances). */
  replies: { status: number; body: unknown };
}

/** The arguments of a client method: the input may be left out when nothing in it is required. */
export type ClientArgs<I> = {} extends I ? [input?: I, options?: CallOptions] : [input: I, options?: CallOptions];

/** A client method: resolves with the reply's body; `.reply()` resolves with its status, body and headers. */
export interface ClientMethod<I, R extends { status: number; body: unknown }> {
  (...args: ClientArgs<I>): Promise<R['body']>;
  /** The whole reply, typed per declared success status: narrow on `status`. */
  reply(...args: ClientArgs<I>): Promise<R & { headers: Headers }>;
}

/** The type of a generated client: one method per operation. */
export type ClientOf<Ops extends { [K in keyof Ops]: ClientOperationTypes }> = {
  readonly [K in keyof Ops]: ClientMethod<Ops[K]['input'], Ops[K]['replies']>;
};

function runtimeFor(name: string) {
  if (!hasConfig()) {
    throw new Error(`client ${name}: no service is loaded; clients call from a service started by pym start, pym worker, createApp or startWorker`);
  }
  const config = getConfig();
  const runtime = clientsOf(config);
  if (!runtime) throw new Error(`client ${name}: the clients of ${config.file} are not loaded (createApp and startWorker load them)`);
  return runtime;
}

/**
 * The client of `name` (its key under `clients` in pym-config.yaml): generated modules call it with the
 * operationIds of the spec. Each call runs in the current request or task context (its token, request id and
 * trace travel) with the app's clients, so a module-level client serves every app and worker of the process.
 *
 * @example
 * export const audit: ClientOf<AuditOperations> = pymClient<AuditOperations>('audit', ['recordEvent', 'getEvent']);
 * const event = await audit.getEvent({ params: { eventId } });
 */
export function pymClient<Ops extends { [K in keyof Ops]: ClientOperationTypes }>(name: string, operationIds: ReadonlyArray<keyof Ops & string>): ClientOf<Ops> {
  const client: Record<string, unknown> = {};
  for (const operationId of operationIds) {
    const reply = (input?: ClientInput, options?: CallOptions): Promise<ClientReply> => callOperation(runtimeFor(name), name, operationId, input, options);
    const method = async (input?: ClientInput, options?: CallOptions) => (await reply(input, options)).body;
    Object.defineProperty(method, 'name', { value: operationId });
    client[operationId] = Object.assign(method, { reply });
  }
  return Object.freeze(client) as ClientOf<Ops>;
}
