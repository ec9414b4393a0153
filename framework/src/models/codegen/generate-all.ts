// pym gen: generate the models module of every spec, check that committed ones are fresh, write them.
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedApi } from '../../openapi/types';
import { generateModelsModule } from './generate-module';

/** Options of `generateAll` and `checkGenerated`. */
export interface GenerateOptions {
  /** The service's source folder, where `x-parent` modules live. */
  srcDir: string;
  /** Folder of the generated modules. @defaultValue the folder of each spec (`apis/books.models.ts` next to `apis/books.yaml`) */
  outDir?: string;
  /** Where generated code imports the framework from. @defaultValue `@pym/framework` */
  frameworkImport?: string;
}

/** One generated module. */
export interface GeneratedFile {
  /** Absolute path. */
  file: string;
  content: string;
}

/** A generated module that is not what `pym gen` would write now. */
export interface StaleFile {
  file: string;
  reason: 'missing' | 'stale';
}

/** The path of an API's generated module: `<outDir or spec folder>/<api>.models.ts`. */
export function generatedFileOf(api: LoadedApi, options: GenerateOptions): string {
  return path.join(options.outDir ?? path.dirname(api.file), `${api.name}.models.ts`);
}

/**
 * The models module of every API read from a file (built-in specs are skipped).
 *
 * @example
 * for (const { file, content } of generateAll(apis, { srcDir: config.srcDir })) fs.writeFileSync(file, content);
 */
export function generateAll(apis: readonly LoadedApi[], options: GenerateOptions): GeneratedFile[] {
  return apis
    .filter((api) => path.isAbsolute(api.file))
    .map((api) => {
      const file = generatedFileOf(api, options);
      return { file, content: generateModelsModule(api, { ...options, outFile: file }) };
    });
}

/** The generated modules that are missing or differ from what `generateAll` gives now (`pym gen --check`). */
export function checkGenerated(apis: readonly LoadedApi[], options: GenerateOptions): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const { file, content } of generateAll(apis, options)) {
    let current: string;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      stale.push({ file, reason: 'missing' });
      continue;
    }
    if (current !== content) stale.push({ file, reason: 'stale' });
  }
  return stale;
}

/** Write the files whose content changed; returns the paths written. */
export function writeGenerated(files: readonly GeneratedFile[]): string[] {
  const written: string[] = [];
  for (const { file, content } of files) {
    let current: string | undefined;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
