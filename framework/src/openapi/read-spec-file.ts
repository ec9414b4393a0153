// Read and parse one spec file (YAML or JSON); syntax errors become SpecErrors with file and line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { SpecError } from './spec-error';

/** The fragment `pym gen` writes into the apis folder (pym's schemas and responses), relative to that folder. */
export const PYM_COMPONENTS_FILE = '_pym/components.yaml';

/** File extensions pym reads as specs or spec fragments. */
export const SPEC_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/**
 * Read `file` and parse it. YAML uses the core schema (no dates, no custom tags) so the result
 * is plain JSON data.
 *
 * @throws SpecError when the file cannot be read or parsed (with the 1-based line and column).
 */
export function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const generated = file.split(path.sep).join('/').endsWith(`/${PYM_COMPONENTS_FILE}`) ? ': run `pym gen`, which writes it' : '';
    throw new SpecError(file, code === 'ENOENT' ? `file not found${generated}` : `cannot read file (${(error as Error).message})`);
  }
  return parseSpecText(text, file);
}

/** Parse spec text read from `file` (the name is used for the format and in messages). */
export function parseSpecText(text: string, file: string): unknown {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      // JSON.parse's message has no line; the YAML parser (JSON is YAML) usually finds the spot.
      try {
        loadYaml(text, file);
      } catch (located) {
        if (located instanceof SpecError) throw located;
      }
      throw new SpecError(file, `JSON syntax error: ${(error as Error).message}`);
    }
  }
  return loadYaml(text, file);
}

function loadYaml(text: string, file: string): unknown {
  try {
    return yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark as { line?: number; column?: number } | undefined;
    const where = mark && typeof mark.line === 'number' ? `line ${mark.line + 1}, column ${(mark.column ?? 0) + 1}: ` : '';
    const kind = file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML';
    throw new SpecError(file, `${where}${kind} syntax error: ${error.reason}`);
  }
}
