// async.redis_url forms: one node, a Sentinel group, a Cluster; what each parses to, what is refused, which passwords.
import { hashTagOf, parseRedisUrl, redisUrlPasswords, RedisUrlError } from '../../src/config/redis-url';

function refusal(url: string): string {
  try {
    parseRedisUrl(url);
  } catch (error) {
    if (error instanceof RedisUrlError) return error.message;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('parseRedisUrl', () => {
  it('keeps a redis:// or rediss:// URL as it is, for ioredis', () => {
    expect(parseRedisUrl('redis://u:p@h:6379/2')).toEqual({ kind: 'standalone', url: 'redis://u:p@h:6379/2' });
    expect(parseRedisUrl('rediss://h')).toEqual({ kind: 'standalone', url: 'rediss://h' });
  });

  it('reads a Sentinel group: sentinels (26379 by default), master name, node and sentinel credentials, db', () => {
    expect(parseRedisUrl('redis+sentinel://app:n%40de-pw@10.0.0.1,sentinel-2:26380,[::1]:26381/mymaster?db=3&sentinel_password=s-pw&sentinel_username=watch')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      username: 'app',
      password: 'n@de-pw',
      db: 3,
      sentinelUsername: 'watch',
      sentinelPassword: 's-pw',
      tls: false,
    });
    expect(parseRedisUrl('rediss+sentinel://s1:26379/main')).toEqual({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'main', tls: true });
  });

  it('reads a Cluster: seed nodes (6379 by default), credentials from the user info or a password parameter', () => {
    expect(parseRedisUrl('redis+cluster://:pw@n1:7000,n2:7001,n3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      password: 'pw',
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://n1:7000/?password=q%26p')).toMatchObject({ password: 'q&p', tls: true });
  });

  it('refuses what it cannot read, saying what is wrong without quoting the URL', () => {
    const cases: [string, string][] = [
      ['http://h:6379', 'must be one of redis://'],
      ['redis://u:Pa?ss#Word@h:6379', 'percent-encode'],
      ['redis+sentinel://h1,h2', "master group's name"],
      ['redis+sentinel://h1/a/b', "master group's name"],
      ['redis+sentinel:///mymaster', 'lists no host'],
      ['redis+sentinel://h1:99999/m', 'port outside 1-65535'],
      ['redis+sentinel://h1:x/m', 'host[:port]'],
      ['redis+sentinel://h1/m?db=two', 'db parameter'],
      ['redis+sentinel://h1/m?sentinel_pasword=Secret-77', 'unknown parameter "sentinel_pasword" (a sentinel URL reads: password, db, sentinel_username, sentinel_password)'],
      ['redis+cluster://n1:7000/0', 'a Redis Cluster has one database'],
      ['redis+cluster://n1:7000?db=1', 'unknown parameter "db"'],
      ['redis+cluster://:%zz@n1', 'password that is not percent-encoded'],
      ['redis+cluster://n1#frag', 'fragment'],
    ];
    for (const [url, expected] of cases) {
      const message = refusal(url);
      expect({ url, message }).toEqual({ url, message: expect.stringContaining(expected) });
      expect(message).not.toContain('Secret-77');
      expect(message).not.toContain('Word');
    }
  });
});

describe('redisUrlPasswords', () => {
  it('finds every password a URL carries, in each form', () => {
    expect(redisUrlPasswords('redis://u:p%40ss@h:1/?password=q')).toEqual(['p@ss', 'q']);
    expect(redisUrlPasswords('redis+sentinel://:node-pw@h/m?sentinel_password=sent-pw')).toEqual(['node-pw', 'sent-pw']);
    expect(redisUrlPasswords('redis+cluster://h:7000?password=cl-pw')).toEqual(['cl-pw']);
    expect(redisUrlPasswords('redis+cluster://h:7000')).toEqual([]);
    expect(redisUrlPasswords('not a url')).toEqual([]);
  });
});

describe('hashTagOf', () => {
  it("is what Redis Cluster hashes: between the first '{' and the next '}', when not empty", () => {
    expect(hashTagOf('{pym}')).toBe('pym');
    expect(hashTagOf('svc:{orders}:x')).toBe('orders');
    expect(hashTagOf('{a}{b}')).toBe('a');
    expect(hashTagOf('pym')).toBeUndefined();
    expect(hashTagOf('{}pym')).toBeUndefined();
    expect(hashTagOf('{pym')).toBeUndefined();
  });
});
