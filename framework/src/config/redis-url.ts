// async.redis_url: one Redis, a Sentinel group or a Cluster, read from one URL (parsed, checked, its passwords found).

/** Where tasks' Redis is: one node (a URL ioredis reads as it is), a Sentinel group, or a Cluster's seed nodes. */
export type RedisTarget = StandaloneTarget | SentinelTarget | ClusterTarget;

/** One host and port. */
export interface HostPort {
  host: string;
  port: number;
}

/** One Redis node: `redis://` or `rediss://`, handed to ioredis unchanged. */
export interface StandaloneTarget {
  kind: 'standalone';
  url: string;
}

/** Credentials and TLS of the data nodes (Sentinel's master and replicas, or a Cluster's nodes). */
interface NodeAuth {
  username?: string;
  password?: string;
  /** `rediss+…`: TLS to every node (and to the sentinels). */
  tls: boolean;
}

/** `redis+sentinel://[user:pass@]host1:26379,host2:26379/<master name>[?db=N&sentinel_password=…]`. */
export interface SentinelTarget extends NodeAuth {
  kind: 'sentinel';
  sentinels: HostPort[];
  /** The master group's name (`sentinel monitor <name> …`). */
  name: string;
  db?: number;
  sentinelUsername?: string;
  sentinelPassword?: string;
}

/** `redis+cluster://[user:pass@]host1:7000,host2:7001[?password=…]`: seed nodes (any of the Cluster's nodes). */
export interface ClusterTarget extends NodeAuth {
  kind: 'cluster';
  nodes: HostPort[];
}

/** Thrown by parseRedisUrl; its message never quotes the URL (it may hold a password). */
export class RedisUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

const SCHEMES: Record<string, { kind: RedisTarget['kind']; tls: boolean }> = {
  'redis:': { kind: 'standalone', tls: false },
  'rediss:': { kind: 'standalone', tls: true },
  'redis+sentinel:': { kind: 'sentinel', tls: false },
  'rediss+sentinel:': { kind: 'sentinel', tls: true },
  'redis+cluster:': { kind: 'cluster', tls: false },
  'rediss+cluster:': { kind: 'cluster', tls: true },
};

/** Query parameters each kind reads. */
const PARAMETERS: Record<'sentinel' | 'cluster', readonly string[]> = {
  sentinel: ['password', 'db', 'sentinel_username', 'sentinel_password'],
  cluster: ['password'],
};

const DEFAULT_PORT = { sentinel: 26379, cluster: 6379 };

/** What the error message of a bad URL says is expected. */
export const REDIS_URL_FORMS =
  'redis://[user:password@]host:6379[/db], rediss://… (TLS), redis+sentinel://[user:password@]host:26379,host2:26379/<master name> or redis+cluster://[user:password@]host:7000,host2:7001';

/**
 * Read `async.redis_url`. `redis://` and `rediss://` stay URLs for ioredis; `redis+sentinel://` and
 * `redis+cluster://` (`rediss+…` for TLS) list several hosts, which WHATWG URLs cannot, so they are read here.
 * The user info's password (percent-encoded) is the data nodes'; a sentinel's own is `sentinel_password`.
 *
 * @throws RedisUrlError naming what is wrong, without quoting the URL.
 * @example
 * parseRedisUrl('redis+sentinel://:s3cret@10.0.0.1,10.0.0.2:26380/mymaster')
 * // → { kind: 'sentinel', name: 'mymaster', password: 's3cret', tls: false,
 * //     sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }] }
 */
export function parseRedisUrl(url: string): RedisTarget {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/i.exec(url);
  const scheme = match && SCHEMES[match[1]!.toLowerCase()];
  if (!match || !scheme) throw new RedisUrlError(`must be one of ${REDIS_URL_FORMS}`);
  if (scheme.kind === 'standalone') {
    try {
      new URL(url);
    } catch {
      throw new RedisUrlError('must be a redis:// or rediss:// URL; percent-encode "@", ":", "/", "?" and "#" in a user name or password');
    }
    return { kind: 'standalone', url };
  }
  const kind = scheme.kind;
  const [, , authority, pathPart, query, fragment] = match;
  if (fragment) throw new RedisUrlError('must not have a #fragment');
  const at = authority!.lastIndexOf('@');
  const userInfo = at >= 0 ? authority!.slice(0, at) : undefined;
  const hosts = parseHosts(at >= 0 ? authority!.slice(at + 1) : authority!, DEFAULT_PORT[kind]);
  const params = new URLSearchParams(query ?? '');
  for (const name of new Set(params.keys())) {
    if (!PARAMETERS[kind].includes(name)) throw new RedisUrlError(`has an unknown parameter "${name}" (a ${kind} URL reads: ${PARAMETERS[kind].join(', ')})`);
  }
  const auth: NodeAuth = { tls: scheme.tls };
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    const username = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo, 'user name');
    const password = colon >= 0 ? decode(userInfo.slice(colon + 1), 'password') : undefined;
    if (username) auth.username = username;
    if (password) auth.password = password;
  }
  const passwordParam = params.get('password');
  if (passwordParam) auth.password = passwordParam;
  const segments = pathPart!.split('/').filter((segment) => segment !== '');
  if (kind === 'cluster') {
    if (segments.length > 0) throw new RedisUrlError('must have no path: a Redis Cluster has one database (db 0)');
    return { kind, nodes: hosts, ...auth };
  }
  if (segments.length !== 1) throw new RedisUrlError('must end with the master group\'s name, e.g. redis+sentinel://host:26379/mymaster');
  const target: SentinelTarget = { kind, sentinels: hosts, name: decode(segments[0]!, 'master name'), ...auth };
  const db = params.get('db');
  if (db !== null) {
    if (!/^\d+$/.test(db)) throw new RedisUrlError('has a db parameter that is not a whole number');
    target.db = Number(db);
  }
  const sentinelUsername = params.get('sentinel_username');
  const sentinelPassword = params.get('sentinel_password');
  if (sentinelUsername) target.sentinelUsername = sentinelUsername;
  if (sentinelPassword) target.sentinelPassword = sentinelPassword;
  return target;
}

/** `h1:1,[::1]:2,h3` → hosts with ports (`defaultPort` where none is given). */
function parseHosts(list: string, defaultPort: number): HostPort[] {
  if (list === '') throw new RedisUrlError('lists no host');
  return list.split(',').map((entry) => {
    const found = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(entry);
    if (!found) throw new RedisUrlError('has a host that is not host[:port] (hosts are separated by ",")');
    const port = found[2] === undefined ? defaultPort : Number(found[2]);
    if (port < 1 || port > 65535) throw new RedisUrlError('has a port outside 1-65535');
    return { host: found[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
}

function decode(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new RedisUrlError(`has a ${what} that is not percent-encoded properly`);
  }
}

/** The passwords a Redis URL holds (node and sentinel ones); none for a URL that does not parse. */
export function redisUrlPasswords(url: string): string[] {
  let target: RedisTarget;
  try {
    target = parseRedisUrl(url);
  } catch {
    return [];
  }
  if (target.kind === 'standalone') {
    // ioredis reads a password from the user info, or from a `password` query parameter.
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password), parsed.searchParams.get('password') ?? ''].filter((password) => password !== '');
  }
  return [target.password, target.kind === 'sentinel' ? target.sentinelPassword : undefined].filter((password): password is string => !!password);
}

/**
 * The hash tag of a key (or key prefix): what Redis Cluster hashes instead of the whole key, the text between the
 * first `{` and the next `}` when not empty. Undefined when there is none.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}
