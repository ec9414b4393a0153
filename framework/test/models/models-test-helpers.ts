// Helpers of the models tests: load a fixture folder's specs (the real loader) and register their models.
import path from 'node:path';
import { loadApis } from '../../src/openapi/load-apis';
import type { BoundOperation, LoadedApi } from '../../src/openapi/types';
import { listOperations } from '../../src/openapi/list-operations';
import { registerApiModels } from '../../src/models';

/** Absolute path of a folder under framework/test/fixtures/models. */
export function fixtureDir(name: string): string {
  return path.join(__dirname, '..', 'fixtures', 'models', name);
}

/** Load every spec of fixture folders (all sorted by name). */
export async function loadFixtureApis(...names: string[]): Promise<LoadedApi[]> {
  const apis: LoadedApi[] = [];
  for (const name of names) apis.push(...(await loadApis(fixtureDir(name))));
  return apis;
}

/** Load and register the models of the `everything` and `modern` fixtures; returns their APIs. */
export async function registerFixtures(): Promise<LoadedApi[]> {
  const apis = await loadFixtureApis('everything', 'modern');
  registerApiModels(apis, path.join(fixtureDir('everything'), 'src'));
  return apis;
}

/** The bound operation of an operationId among `apis`. */
export function operationOf(apis: LoadedApi[], operationId: string): BoundOperation {
  const found = listOperations(apis).find((operation) => operation.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}
