// The file `pym gen` writes into the apis folder (_pym/components.yaml): pym's schemas and responses, for specs to $ref.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { referencedComponents } from '../../http/builtin-components';
import { PYM_COMPONENTS_FILE } from '../../openapi/read-spec-file';
import type { GeneratedFile, StaleFile } from './generate-all';

export { PYM_COMPONENTS_FILE };

const HEADER = `# Written by \`pym gen\`: pym's own schemas and responses, for your specs to $ref. Do not edit: \`pym gen\` rewrites it,
# and \`pym gen --check\` fails when it is stale. It is not an API (no \`openapi\` key): nothing of it is served unless
# referenced. From a spec in the apis folder, e.g.:
#   responses:
#     '202': { $ref: './_pym/components.yaml#/components/responses/PymTaskAccepted' }    # accepted(taskRef)
#     '401': { $ref: './_pym/components.yaml#/components/responses/PymUnauthorized' }
#   schema: { $ref: './_pym/components.yaml#/components/schemas/PymTaskStatus' }
`;

/**
 * The content of `<apisDir>/_pym/components.yaml`: the components of `referencedComponents()` as YAML.
 *
 * @example
 * const { file, content } = pymComponentsFile(config.apisDir); // file: /srv/app/apis/_pym/components.yaml
 */
export function pymComponentsFile(apisDir: string): GeneratedFile {
  const body = yaml.dump({ components: referencedComponents() }, { noRefs: true, lineWidth: 120 });
  return { file: path.join(apisDir, PYM_COMPONENTS_FILE), content: `${HEADER}${body}` };
}

/** The file when it is missing or not what `pym gen` writes now (`pym gen --check`). */
export function checkPymComponentsFile(apisDir: string): StaleFile | undefined {
  const { file, content } = pymComponentsFile(apisDir);
  let current: string;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    return { file, reason: 'missing' };
  }
  return current === content ? undefined : { file, reason: 'stale' };
}
