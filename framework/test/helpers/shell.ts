// Test helper: run shell commands as a user would type them, with a clean environment, and read what they printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** What a command printed, and its exit code. */
export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The machine's network trust and proxy settings, which a user's shell has too: without them, npm run by a Node other
 * than the machine's (CI's Node 24, whose npm reads no global npmrc of the machine) fails every TLS check against a
 * registry behind a proxy with its own certificate authority.
 */
const MACHINE_NETWORK_VARIABLES = /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_globalconfig|npm_config_cafile|(HTTPS?|NO)_PROXY|(https?|no)_proxy)$/;

/** The environment a user's shell would have: PATH, HOME (npm's cache) and the machine's network settings, nothing of jest's, plus `extra`. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const network = Object.fromEntries(Object.entries(process.env).filter(([name]) => MACHINE_NETWORK_VARIABLES.test(name)));
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...network, ...extra };
}

/** Run `script` with `sh -e` in `cwd`; resolves whatever its exit code. */
export function sh(script: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-ec', script], { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `sh`, rejecting with the command and the end of its output unless it exits 0. */
export async function shOk(script: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ShellResult> {
  const result = await sh(script, options);
  if (result.code !== 0) {
    throw new Error(`\`${script}\` (in ${options.cwd}) exited ${result.code}:\n${(result.stdout + result.stderr).slice(-6000)}`);
  }
  return result;
}

/**
 * The fenced block that follows the line `<!-- tested verbatim by <test> ("<label>") ...-->` in a Markdown file (the
 * `index`-th one after it when several follow): the test runs what the document shows.
 */
export function markedBlock(markdownFile: string, label: string, index = 0): string {
  const text = fs.readFileSync(markdownFile, 'utf8');
  const marker = text.search(new RegExp(`<!-- tested verbatim by [^"]*\\("${label}"\\)`));
  if (marker < 0) throw new Error(`${markdownFile} has no block marked ("${label}")`);
  const blocks = [...text.slice(marker).matchAll(/```[a-z]*\n([\s\S]*?)```/g)];
  const block = blocks[index];
  if (!block) throw new Error(`${markdownFile}: block ${index} after ("${label}") not found`);
  return block[1]!;
}
