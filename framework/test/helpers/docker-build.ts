// Test helper: build a Dockerfile's stages without Docker, each in a folder standing for its file system, so that a test
// can run the runtime stage's files exactly as the image would hold them (COPY lists, .dockerignore, RUN steps).
import fs from 'node:fs';
import path from 'node:path';
import ignore from '@balena/dockerignore';
import { DockerfileParser, type Copy, type Env, type Instruction } from 'dockerfile-ast';
import { shOk, userEnv } from './shell';

/** One COPY of a stage, as written. */
export interface CopyStep {
  from?: string;
  chown?: string;
  chmod?: string;
  sources: string[];
  dest: string;
}

/** A built stage: its folder (its `/`), and what the image records of it. */
export interface BuiltStage {
  name: string;
  /** FROM's image, e.g. `node:24-bookworm-slim`. */
  base: string;
  /** The folder standing for the stage's `/`. */
  root: string;
  /** WORKDIR (absolute, in the image). */
  workdir: string;
  env: Record<string, string>;
  user?: string;
  /** CMD and HEALTHCHECK's command, exec form. */
  cmd?: string[];
  healthcheck?: string[];
  copies: CopyStep[];
  runs: string[];
  /** How long each RUN took, in seconds (the test prints them: it is the slow part). */
  runSeconds: number[];
}

/** The command of CMD, or of HEALTHCHECK after its flags and `CMD`: its exec form, or `sh -c` of its shell form. */
function execForm(instruction: Instruction): string[] {
  const content = instruction.getArgumentsContent()!.replace(/^(--[a-z-]+=\S+\s+)*(CMD\s+)?/, '');
  try {
    return JSON.parse(content) as string[];
  } catch {
    return ['/bin/sh', '-c', content];
  }
}

/** Copy `source` (a file or a folder's contents) to `target`, leaving out what `skip` says (context files only). */
function copyTree(source: string, target: string, skip: (file: string) => boolean, into: boolean): void {
  const stat = fs.lstatSync(source);
  if (!stat.isDirectory()) {
    const file = into ? path.join(target, path.basename(source)) : target;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.cpSync(source, file, { verbatimSymlinks: true });
    return;
  }
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source)) {
    const from = path.join(source, entry);
    if (skip(from)) continue;
    copyTree(from, path.join(target, entry), skip, false);
  }
}

/**
 * Build every stage of `dockerfile` with `context` as the build context, into folders under `workRoot`: WORKDIR, ENV,
 * COPY (from the context, minus .dockerignore, or `--from` a stage) and RUN (`sh -ec` in the WORKDIR's folder, with a
 * clean environment and the stage's ENV, so RUN
 * steps must use paths relative to their WORKDIR). Wildcards in COPY sources are refused rather than half-supported.
 */
export async function buildStages(dockerfile: string, context: string, workRoot: string): Promise<Map<string, BuiltStage>> {
  const parsed = DockerfileParser.parse(fs.readFileSync(dockerfile, 'utf8'));
  const dockerignore = path.join(context, '.dockerignore');
  const ignored = ignore().add(fs.existsSync(dockerignore) ? fs.readFileSync(dockerignore, 'utf8') : '');
  const skipContext = (file: string) => ignored.ignores(path.relative(context, file));
  const stages = new Map<string, BuiltStage>();
  let stage: BuiltStage | undefined;
  const inStage = (p: string) => path.join(stage!.root, path.posix.resolve(stage!.workdir, p));
  for (const instruction of parsed.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'FROM') {
      const name = args[2] ?? String(stages.size);
      stage = { name, base: args[0]!, root: path.join(workRoot, name), workdir: '/', env: {}, copies: [], runs: [], runSeconds: [] };
      fs.mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      continue;
    }
    if (!stage) throw new Error(`${keyword} before FROM in ${dockerfile}`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, args[0]!);
        fs.mkdirSync(inStage('.'), { recursive: true });
        break;
      case 'ENV':
        for (const property of (instruction as Env).getProperties()) {
          stage.env[property.getName()] = property.getValue() ?? '';
        }
        break;
      case 'COPY': {
        const copy = instruction as Copy;
        const flag = (name: string) => copy.getFlags().find((f) => f.getName() === name)?.getValue() ?? undefined;
        const step: CopyStep = { from: flag('from'), chown: flag('chown'), chmod: flag('chmod'), sources: args.slice(0, -1), dest: args[args.length - 1]! };
        stage.copies.push(step);
        const fromStage = step.from === undefined ? undefined : stages.get(step.from);
        if (step.from !== undefined && !fromStage) throw new Error(`COPY --from=${step.from}: no such stage`);
        const into = step.dest.endsWith('/') || step.sources.length > 1;
        for (const source of step.sources) {
          if (/[*?[]/.test(source)) throw new Error(`COPY ${source}: wildcards are not supported by this test helper`);
          const absolute = fromStage ? path.join(fromStage.root, path.posix.resolve('/', source)) : path.join(context, source);
          if (!fs.existsSync(absolute)) throw new Error(`COPY ${source}: not found (${fromStage ? `in stage ${fromStage.name}` : 'in the build context'})`);
          if (!fromStage && source !== '.' && skipContext(path.resolve(absolute))) throw new Error(`COPY ${source}: excluded by .dockerignore`);
          copyTree(absolute, inStage(step.dest), fromStage ? () => false : skipContext, into);
        }
        break;
      }
      case 'RUN':
        stage.runs.push(instruction.getArgumentsContent()!);
        {
          const started = Date.now();
          await shOk(instruction.getArgumentsContent()!, { cwd: inStage('.'), env: userEnv(stage.env) });
          stage.runSeconds.push((Date.now() - started) / 1000);
        }
        break;
      case 'USER':
        stage.user = args[0];
        break;
      case 'CMD':
        stage.cmd = execForm(instruction);
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = execForm(instruction);
        break;
      case 'EXPOSE':
        break;
      default:
        throw new Error(`${keyword} is not supported by this test helper (${dockerfile})`);
    }
  }
  return stages;
}

/** The last stage: the image. */
export function finalStage(stages: Map<string, BuiltStage>): BuiltStage {
  return [...stages.values()].at(-1)!;
}

/** Every path (relative, sorted) under `root` whose mode lets group or others write. */
export function writableByOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if ((fs.statSync(file).mode & 0o022) !== 0) found.push(path.relative(root, file));
      if (entry.isDirectory()) walk(file);
    }
  };
  walk(root);
  return found.sort();
}
