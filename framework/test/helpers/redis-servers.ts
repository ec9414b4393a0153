// Test helper: real redis-server processes (one node, a Cluster, a Sentinel group) in temp folders, on given ports.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis, { type Redis } from 'ioredis';

/** One redis-server process (a data node or a sentinel). */
export interface RedisNode {
  readonly port: number;
  /** Its working folder (config, AOF, nodes.conf). */
  readonly dir: string;
  readonly child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  /** Whether the process still runs. */
  alive(): boolean;
  /** Send `signal` (SIGTERM by default) and wait for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** A one-shot command on the node (a fresh connection, closed after). */
  command(...args: (string | number)[]): Promise<unknown>;
}

/** Options of startRedisNode. */
export interface RedisNodeOptions {
  port: number;
  /** Extra arguments (`--appendonly yes`, `--cluster-enabled yes`…). */
  args?: string[];
  /** Working folder; a fresh temp folder when absent (reuse one to restart a node on its data). */
  dir?: string;
  /** Run as a sentinel: `args` are appended to a config file written in `dir`, as sentinel needs one. */
  sentinelConfig?: string;
}

/** Poll `check` (every 50 ms, each check awaited) until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether nothing listens on 127.0.0.1:`port`. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` free ports in [from, to] (each with `port + busOffset` free too when given: a Cluster node's bus port).
 * Fails with the range when there are not enough: a redis-server left over by an aborted run is the usual cause.
 */
export async function freePortsIn(from: number, to: number, count: number, busOffset?: number): Promise<number[]> {
  const found: number[] = [];
  for (let port = from; port <= to && found.length < count; port++) {
    if ((await portIsFree(port)) && (busOffset === undefined || (await portIsFree(port + busOffset)))) found.push(port);
  }
  if (found.length < count) throw new Error(`need ${count} free ports in ${from}-${to}, found ${found.length}: stop leftover redis-server processes`);
  return found;
}

/** A client for one-shot commands that never retries (a test's probe of a node). */
function probe(port: number): Redis {
  const client = new IORedis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 1000 });
  client.on('error', () => undefined);
  return client;
}

/** Send one command to the node on `port` over a fresh connection. */
export async function commandOn(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = probe(port);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

/** Start a redis-server on `port` (no RDB snapshots unless asked) and resolve once it answers PING. */
export async function startRedisNode(options: RedisNodeOptions): Promise<RedisNode> {
  const { port } = options;
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `pym-redis-${port}-`));
  let argv: string[];
  if (options.sentinelConfig !== undefined) {
    const file = path.join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file (state it learns): written once, kept on a restart in the same folder.
    if (!fs.existsSync(file)) fs.writeFileSync(file, `port ${port}\nbind 127.0.0.1\ndir ${dir}\n${options.sentinelConfig}\n`);
    argv = [file, '--sentinel'];
  } else {
    argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', ...(options.args ?? [])];
  }
  const child = spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const node: RedisNode = {
    port,
    dir,
    child,
    exited,
    alive,
    async stop(signal = 'SIGTERM') {
      if (alive()) child.kill(signal);
      await exited;
    },
    command: (...args) => commandOn(port, ...args),
  };
  try {
    await waitUntil(async () => {
      if (!alive()) throw new Error(`redis-server on port ${port} exited: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      return (await commandOn(port, 'PING')) === 'PONG';
    }, `redis-server on port ${port} to answer PING`);
  } catch (error) {
    await node.stop('SIGKILL');
    throw error;
  }
  return node;
}

/** A running Redis Cluster. */
export interface RedisClusterHandle {
  readonly nodes: RedisNode[];
  /** `redis+cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,…` (every node a seed). */
  readonly url: string;
  /** Stop every node and remove their folders. */
  stop(): Promise<void>;
}

/** Parse `CLUSTER INFO` into its fields. */
function clusterInfo(raw: unknown): Record<string, string> {
  return Object.fromEntries(
    String(raw)
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':', 2) as [string, string]),
  );
}

/**
 * Start a Cluster of masters only on `ports` (cluster mode, each node in its own folder), join them with
 * `redis-cli --cluster create`, and resolve once every node reports `cluster_state:ok` with all slots assigned
 * and knows every other node.
 */
export async function startRedisCluster(ports: readonly number[]): Promise<RedisClusterHandle> {
  const nodes: RedisNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    for (const node of nodes) fs.rmSync(node.dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      nodes.push(await startRedisNode({ port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000', '--appendonly', 'no'] }));
    }
    await runRedisCli(['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitUntil(async () => {
      for (const node of nodes) {
        const info = clusterInfo(await node.command('CLUSTER', 'INFO'));
        if (info.cluster_state !== 'ok' || info.cluster_slots_ok !== '16384' || Number(info.cluster_known_nodes) !== nodes.length) return false;
      }
      return true;
    }, 'every cluster node to report cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, stop };
}

/** Run redis-cli with `args`; rejects with its output when it exits non-zero. */
function runRedisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

/** A running Sentinel group: one master, its replicas, and the sentinels watching them. */
export interface SentinelGroupHandle {
  /** The master group's name. */
  readonly name: string;
  /** Data nodes (the first one started as master), by port. */
  readonly dataNodes: RedisNode[];
  readonly sentinels: RedisNode[];
  /** `redis+sentinel://127.0.0.1:<s1>,…/<name>`. */
  readonly url: string;
  /** The port of the current master, as the sentinels say. */
  masterPort(): Promise<number>;
  /**
   * Make a replica the master (SENTINEL FAILOVER) and resolve once every sentinel names the new master and it
   * answers as one; resolves with its port.
   */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

/** Options of startSentinelGroup. */
export interface SentinelGroupOptions {
  /** Ports of the data nodes: the first starts as master, the others as its replicas. */
  dataPorts: readonly number[];
  /** Ports of the sentinels (3 for a quorum of 2). */
  sentinelPorts: readonly number[];
  /** @defaultValue `pymmaster` */
  name?: string;
}

/** Parse a reply of SENTINEL REPLICAS/SENTINELS (arrays of flat field lists) into objects. */
function records(raw: unknown): Record<string, string>[] {
  return (raw as string[][]).map((flat) => Object.fromEntries(flat.flatMap((_, index) => (index % 2 === 0 ? [[flat[index], flat[index + 1]]] : []))));
}

/**
 * Start a master, its replicas (AOF on each, `appendfsync always`), and sentinels monitoring them with a quorum of
 * a majority; resolve once every replica's link is up and every sentinel knows every replica and every other sentinel.
 */
export async function startSentinelGroup(options: SentinelGroupOptions): Promise<SentinelGroupHandle> {
  const name = options.name ?? 'pymmaster';
  const [masterPort, ...replicaPorts] = options.dataPorts;
  const dataNodes: RedisNode[] = [];
  const sentinels: RedisNode[] = [];
  const all = () => [...sentinels, ...dataNodes];
  const stop = async () => {
    await Promise.all(all().map((node) => node.stop('SIGKILL')));
    for (const node of all()) fs.rmSync(node.dir, { recursive: true, force: true });
  };
  const persistence = ['--appendonly', 'yes', '--appendfsync', 'always'];
  const quorum = Math.floor(options.sentinelPorts.length / 2) + 1;
  const masterPortOf = async (sentinel: RedisNode) => Number(((await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[])[1]);
  try {
    dataNodes.push(await startRedisNode({ port: masterPort!, args: persistence }));
    for (const port of replicaPorts) dataNodes.push(await startRedisNode({ port, args: [...persistence, '--replicaof', '127.0.0.1', String(masterPort)] }));
    await waitUntil(async () => {
      for (const replica of dataNodes.slice(1)) if (!String(await replica.command('INFO', 'replication')).includes('master_link_status:up')) return false;
      return true;
    }, 'every replica to sync with the master');
    const config = [
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${quorum}`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      `sentinel parallel-syncs ${name} 1`,
    ].join('\n');
    for (const port of options.sentinelPorts) sentinels.push(await startRedisNode({ port, sentinelConfig: config }));
    await waitUntil(async () => {
      for (const sentinel of sentinels) {
        const replicas = records(await sentinel.command('SENTINEL', 'REPLICAS', name));
        const peers = records(await sentinel.command('SENTINEL', 'SENTINELS', name));
        if (replicas.filter((replica) => !replica.flags?.includes('down')).length < replicaPorts.length) return false;
        if (peers.length < sentinels.length - 1) return false;
      }
      return true;
    }, 'every sentinel to know every replica and every other sentinel', 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const group: SentinelGroupHandle = {
    name,
    dataNodes,
    sentinels,
    url: `redis+sentinel://${options.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',')}/${name}`,
    masterPort: () => masterPortOf(sentinels[0]!),
    async failover() {
      const before = await group.masterPort();
      await sentinels[0]!.command('SENTINEL', 'FAILOVER', name);
      let after = before;
      await waitUntil(async () => {
        const ports = await Promise.all(sentinels.filter((s) => s.alive()).map(masterPortOf));
        after = ports[0]!;
        if (after === before || ports.some((port) => port !== after)) return false;
        return String(await commandOn(after, 'ROLE')).startsWith('master');
      }, `the sentinels to promote a replica of ${before}`, 30_000);
      return after;
    },
    stop,
  };
  return group;
}
