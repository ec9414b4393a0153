// The clients of one loaded service: their specs and operations, and the connection pools their calls use.
import type { Agent } from 'undici';
import type { PymConfig } from '../config/config-schema';
import { listClientOperations, type ClientOperation } from './client-operations';
import type { ClientOptions } from './client-options';
import type { ClientSpec } from './client-specs';
import { undici } from './lazy-modules';

/** One client, ready to call. */
export interface LoadedClient {
  name: string;
  options: ClientOptions;
  spec: ClientSpec;
  operations: ReadonlyMap<string, ClientOperation>;
}

/**
 * The clients of one app or worker (made by `createApp` and `startWorker` from the config's `clients`), with one
 * undici connection pool per client and connect timeout, kept alive between calls and closed with the app.
 */
export class ClientsRuntime {
  private readonly clients: ReadonlyMap<string, LoadedClient>;
  private readonly agents = new Map<string, Agent>();
  private closed = false;

  constructor(
    readonly config: PymConfig,
    specs: readonly ClientSpec[],
  ) {
    this.clients = new Map(
      specs.map((spec) => {
        const operations = new Map(listClientOperations(spec.api).map((operation) => [operation.operationId, operation]));
        return [spec.name, { name: spec.name, options: spec.options, spec, operations }];
      }),
    );
  }

  /** The client `name`, or undefined when the config has no such client. */
  client(name: string): LoadedClient | undefined {
    return this.clients.get(name);
  }

  /** The connection pool of a client's calls with this connect timeout (undici's fetch has no per-call one). */
  agent(name: string, connectTimeoutMs: number): Agent {
    if (this.closed) throw new Error(`client ${name}: the service's clients are closed (the app or worker was closed)`);
    const key = `${name}\0${connectTimeoutMs}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new (undici().Agent)({ connect: { timeout: connectTimeoutMs } });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Close every connection pool, once the calls in flight are done. */
  async close(): Promise<void> {
    this.closed = true;
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }
}
