// `pym --help` and each command's --help; usage errors exit 1 with one clear line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPym } from '../helpers/spawn-pym';
import { CLEAN_ENV, expectCleanFailure, stderrLines, type PymResult } from './cli-test-helpers';

/** Run pym outside any service: help and usage errors must not need a config. */
const pymAnywhere = (args: string[]) => runPym(args, { cwd: os.tmpdir(), env: CLEAN_ENV });

/** Each help invocation and what its usage must mention. */
const HELP: { args: string[]; usage: string; mentions: string[] }[] = [
  { args: ['--help'], usage: 'Usage: pym [options] [command]', mentions: ['start', 'token', 'config', 'routes', 'check', '--version'] },
  { args: ['start', '--help'], usage: 'Usage: pym start [options]', mentions: ['--port <number>', '--env <name>', '--no-worker'] },
  { args: ['token', '--help'], usage: 'Usage: pym token [options]', mentions: ['--user <id>', '--expires <seconds>', '--data <json>'] },
  { args: ['config', '--help'], usage: 'Usage: pym config [options] [key]', mentions: ['--env <name>', '--show-secrets'] },
  { args: ['routes', '--help'], usage: 'Usage: pym routes [options]', mentions: ['method, path, handler, auth'] },
  { args: ['dev', '--help'], usage: 'Usage: pym dev [options]', mentions: ['restart', '--port <number>', '--no-worker'] },
  { args: ['check', '--help'], usage: 'Usage: pym check [options]', mentions: ['without serving', '--env <name>', '--config <file>'] },
  { args: ['deploy', 'k8s', '--help'], usage: 'Usage: pym deploy k8s [options]', mentions: ['--replicas <n>', '--workers <n>', '--image <name>', '--hpa <max>', '--out <dir>'] },
];

describe('pym help and usage errors', () => {
  let helps: PymResult[];
  let unknownCommand: PymResult;
  let badPort: PymResult;
  let version: PymResult;
  let badReplicas: PymResult;
  beforeAll(async () => {
    [unknownCommand, badPort, version, badReplicas, ...helps] = await Promise.all([
      pymAnywhere(['nope']),
      pymAnywhere(['start', '--port', 'abc']),
      pymAnywhere(['--version']),
      pymAnywhere(['deploy', 'compose', '--replicas', '0']),
      ...HELP.map(({ args }) => pymAnywhere(args)),
    ]);
  }, 120_000); // nine processes on a shared 2-core machine

  test.each(HELP.map((help, index) => [help.args.join(' '), index] as const))('pym %s exits 0 and prints usage', (_, index) => {
    const { usage, mentions } = HELP[index]!;
    const result = helps[index]!;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')[0]).toBe(usage);
    for (const text of mentions) expect(result.stdout).toContain(text);
  });

  test("pym --version prints the framework package's version, outside any service", () => {
    const { version: expected } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${expected}\n`, stderr: '' });
  });

  test('an unknown command: exit 1 with one clear line', () => {
    expect(expectCleanFailure(unknownCommand, 'pym: ')).toBe("pym: unknown command 'nope'");
    expect(stderrLines(unknownCommand)).toEqual(["pym: unknown command 'nope'", '  (run "pym --help" for usage)']);
  });

  test('pym start --port abc: exit 1 with one clear line, before loading anything', () => {
    const line = expectCleanFailure(badPort, 'pym start: ');
    expect(line).toBe("pym start: option '--port <number>' argument 'abc' is invalid. must be a port number (0-65535)");
  });

  test('a usage error of a subcommand (pym deploy compose --replicas 0): the same one clear line, naming the subcommand', () => {
    const line = expectCleanFailure(badReplicas, 'pym deploy compose: ');
    expect(line).toBe("pym deploy compose: option '--replicas <n>' argument '0' is invalid. must be a positive whole number");
  });
});
