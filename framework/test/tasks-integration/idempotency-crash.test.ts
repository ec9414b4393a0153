// A server killed (SIGKILL) between claiming an Idempotency-Key and adding the job: the client's retry with the same
// key still gets exactly one task. The kill lands exactly there: the server reaches Redis through a proxy in this
// test that forwards the claim and holds every command after it, then tells the test, which kills the server.
import fs from 'node:fs';
import net from 'node:net';
import yaml from 'js-yaml';
import { createTaskFixture, startService, tokenFor, uniqueTag, type TaskFixture } from './tasks-harness';
import type { PymProcess } from '../helpers/spawn-pym';

jest.setTimeout(120_000);

/** A TCP proxy to Redis that holds a connection's commands once it has sent an idempotency claim. */
function claimHoldingProxy() {
  const sockets = new Set<net.Socket>();
  let onHeld: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (onHeld = resolve));
  const server = net.createServer((client) => {
    const redis = net.connect(6379, '127.0.0.1');
    sockets.add(client).add(redis);
    let claimed = false;
    client.on('data', (chunk) => {
      if (claimed) return onHeld(); // the command after the claim (the add, or a read before it): never sent
      redis.write(chunk);
      if (chunk.includes(':pym:tasks:idempotency:')) claimed = true;
    });
    redis.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      redis.destroy();
    };
    client.on('close', close).on('error', close);
    redis.on('close', close).on('error', close);
  });
  return {
    held,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const proxy = claimHoldingProxy();
let fixture: TaskFixture;
let services: PymProcess[] = [];

afterAll(async () => {
  for (const service of services) if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await Promise.all(services.map((service) => service.exited));
  await proxy.close();
  await fixture?.close();
});

function order(url: string, token: string, tag: string, key: string) {
  return fetch(`${url}/v1/observe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ tag }),
  });
}

test('killed between the claim and the add: the retry with the same key gets one task, and so does the next retry', async () => {
  const port = await proxy.listen();
  fixture = createTaskFixture({ async: { redis_url: `redis://127.0.0.1:${port}`, enqueue_timeout: 60_000 } });
  const token = tokenFor(uniqueTag('idem-crash'));
  const [tag, key] = [uniqueTag('crash'), uniqueTag('key')];

  const doomed = await startService(fixture);
  services.push(doomed);
  const first = order(doomed.url, token, tag, key).then(
    () => 'answered',
    () => 'connection lost',
  );
  await proxy.held; // the key is claimed in Redis; the job is not added
  doomed.child.kill('SIGKILL');
  expect(await doomed.exited).toBeNull();
  expect(await first).toBe('connection lost');
  expect(await fixture.queue().getJobCountByTypes('wait', 'delayed', 'active', 'completed', 'failed')).toBe(0);

  // The same service restarted, on Redis directly.
  const direct = fixture.configPath.replace(/\.yaml$/, '.direct.yaml');
  const config = yaml.load(fs.readFileSync(fixture.configPath, 'utf8')) as { async: Record<string, unknown> };
  fs.writeFileSync(direct, yaml.dump({ ...config, async: { ...config.async, redis_url: 'redis://127.0.0.1:6379' } }));
  const revived = await startService({ ...fixture, configPath: direct });
  services.push(revived);

  // Before: the retry got the id of the claim, whose job never existed (404 forever, nothing ran).
  const retry = await order(revived.url, token, tag, key);
  expect(retry.status).toBe(202);
  const { task } = (await retry.json()) as { task: { id: string } };
  expect((await fixture.job(task.id)).name).toBe('Probe.observe');
  const again = await order(revived.url, token, tag, key);
  expect(((await again.json()) as { task: { id: string } }).task.id).toBe(task.id);
  expect(await fixture.queue().getJobCountByTypes('wait', 'delayed', 'active', 'completed', 'failed')).toBe(1);
  const status = await fetch(`${revived.url}/tasks/${task.id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(status.status).toBe(202);
});
