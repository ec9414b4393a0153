// Test helper: run the real `pym` CLI in a child process and talk to it as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PYM_BIN = path.join(REPO_ROOT, 'bin/pym');

/** A running `pym start` (or any long-running pym command). */
export interface PymProcess {
  child: ChildProcess;
  /** Base URL of the server, from its "listening" log line. */
  url: string;
  /** Every stdout line so far (JSON log lines when stdout is not a TTY). */
  lines: string[];
  /** Resolves with the first line (already seen or future) matching `predicate`. */
  waitForLine(predicate: (line: string) => boolean, what?: string): Promise<string>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM the process (SIGKILL after 10 s) and wait for it to exit. */
  stop(): Promise<number | null>;
}

/** Options of `startPym`. */
export interface StartPymOptions {
  /** Working directory (the service root). */
  cwd: string;
  /** CLI arguments after `start`. @defaultValue ['--port', '0'] */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Run a pym command to completion and collect its output. */
export function runPym(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [PYM_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A spawned pym process whose stdout lines can be awaited. */
export interface PymChild {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first line (already seen or future) matching `predicate`; rejects if the process exits first. */
  waitForLine(predicate: (line: string) => boolean, what?: string): Promise<string>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Spawn `node bin/pym <args>` and follow its stdout line by line. */
export function spawnPym(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): PymChild {
  return spawnFollowed(process.execPath, [PYM_BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } }, `pym ${args[0]}`);
}

/** Spawn any command (`env` is its whole environment) and follow its stdout line by line; `label` names it in errors. */
export function spawnFollowed(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number }, label: string): PymChild {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const waitForLine = (predicate: (line: string) => boolean, what = 'a log line') =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find(predicate);
      if (seen !== undefined) return resolve(seen);
      waiters.push({ predicate, resolve });
      void exited.then((code) =>
        reject(
          new Error(
            `${label} exited (code ${code}, signal ${child.signalCode}) before ${what}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
          ),
        ),
      );
    });
  return { child, lines, waitForLine, exited };
}

/** Start `pym start` and resolve once it logs the URL it listens on. */
export async function startPym(options: StartPymOptions): Promise<PymProcess> {
  const { child, lines, waitForLine, exited } = spawnPym(['start', ...(options.args ?? ['--port', '0'])], {
    cwd: options.cwd,
    env: { PYM_ENV: 'test', ...options.env },
  });
  const listening = await waitForLine((line) => line.includes('listening on'), 'listening');
  const url = (JSON.parse(listening) as { url: string }).url;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  return { child, url, lines, waitForLine, exited, stop };
}
