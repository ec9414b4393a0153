// registerApiModels: conflicts between specs, shared identical schemas, x-parent resolution and its fail-fast error.
import path from 'node:path';
import { getModel, ModelError, modelClass, registerApiModels } from '../../src/models';
import type { LoadedApi } from '../../src/openapi/types';
import { fixtureDir, loadFixtureApis, registerFixtures } from './models-test-helpers';

function api(name: string, schemas: Record<string, unknown>): LoadedApi {
  return { name, file: `/specs/${name}.yaml`, version: '3.0', basePath: '', document: { openapi: '3.0.3', paths: {}, components: { schemas } } };
}

describe('the same model name in two specs', () => {
  test('different schemas: a startup error naming both files and the differences (acceptance 5)', async () => {
    const apis = await loadFixtureApis('conflict');
    const books = path.join(fixtureDir('conflict'), 'books.yaml');
    const shop = path.join(fixtureDir('conflict'), 'shop.yaml');
    let error: unknown;
    try {
      registerApiModels(apis, fixtureDir('conflict'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe(
      [
        'Models: 1 problem',
        `  - Book is defined differently in ${books} and ${shop} (books.yaml vs shop.yaml):`,
        '      properties.title.type: "string" vs "integer"',
        '      required: ["title"] vs absent',
      ].join('\n'),
    );
  });

  test('the same schema (documentation aside): one class shared by both APIs', () => {
    const shared = { type: 'object', properties: { id: { type: 'string' } } };
    registerApiModels([api('a', { Shared: { ...shared, description: 'in a' } }), api('b', { Shared: shared })], '/');
    expect(getModel('Shared')).toBe(modelClass('Shared'));
    expect(new (getModel('Shared'))({ id: 'x' }).toJSON()).toEqual({ id: 'x' });
  });

  test('a registration replaces the previous one; classes keep their identity', () => {
    const Thing = modelClass('Thing');
    registerApiModels([api('a', { Thing: { type: 'object', properties: { a: { type: 'string' } } } })], '/');
    expect(new Thing({ a: '1', b: '2' }).toJSON()).toEqual({ a: '1' });
    registerApiModels([api('a', { Thing: { type: 'object', properties: { b: { type: 'string' } } } })], '/');
    expect(getModel('Thing')).toBe(Thing);
    expect(new Thing({ a: '1', b: '2' }).toJSON()).toEqual({ b: '2' });
    registerApiModels([api('a', {})], '/');
    expect(() => new Thing({})).toThrow('Model Thing has no schema');
  });
});

describe('x-parent', () => {
  test('every unresolvable x-parent is listed in one error', async () => {
    const apis = await loadFixtureApis('parent-errors');
    const src = path.join(fixtureDir('parent-errors'), 'src');
    const spec = path.join(fixtureDir('parent-errors'), 'broken.yaml');
    const parents = path.join(src, 'parents');
    let error: unknown;
    try {
      registerApiModels(apis, src);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).problems).toEqual([
      `NoModule (${spec}): x-parent "missing/module#Parent": module not found: ${path.join(src, 'missing/module')}(.ts|.js)`,
      `TypoExport (${spec}): x-parent "parents#QuestionBse": export "QuestionBse" not found in ${parents} (exports: QuestionBase, notAClass; did you mean QuestionBase?)`,
      `NotAClass (${spec}): x-parent "parents#notAClass": export "notAClass" of ${parents} is not a class`,
      `Clash (${spec}): x-parent "parents#QuestionBase": QuestionBase defines "ask", which the schema declares as properties (a field would hide the method)`,
      `BadSyntax (${spec}): x-parent "parents": x-parent "parents" must be "<module>#<export>", e.g. "models/question#QuestionBase"`,
      `OnUnion (${spec}): x-parent needs an object schema, not a union one`,
    ]);
    expect((error as ModelError).message.split('\n')[0]).toBe('Models: 6 problems');
  });

  test('a failed registration leaves the previous one in place', async () => {
    await registerFixtures();
    const Question = getModel('Question');
    await expect(loadFixtureApis('parent-errors').then((apis) => registerApiModels(apis, '/nowhere'))).rejects.toThrow(ModelError);
    expect(getModel('Question')).toBe(Question);
    expect((new Question({ text: 'why' }) as any).shouted).toBe('WHY!');
  });

  test('the methods of the parent class work on instances, typed (Question → toReply)', async () => {
    await registerFixtures();
    const { Question, Answer } = await import('../fixtures/models/everything/everything.models');
    const question = Question.fromJSON({ text: 'Why?' });
    const answer = question.toReply('Because.', new Date('2024-01-01T00:00:00.000Z'));
    expect(answer).toBeInstanceOf(Answer);
    expect(answer.toJSON()).toEqual({ text: 'Because.', question: 'Why?', answeredAt: '2024-01-01T00:00:00.000Z' });
  });

  test('members are removed when a registration drops the x-parent', async () => {
    await registerFixtures();
    const Question = getModel('Question');
    expect(typeof (Question.prototype as any).toReply).toBe('function');
    registerApiModels([api('a', { Question: { type: 'object', properties: { text: { type: 'string' } } } })], '/');
    expect((Question.prototype as any).toReply).toBeUndefined();
  });
});

describe('schema problems found at registration', () => {
  test('allOf cycles and properties hiding Model methods', () => {
    const apis = [
      api('a', {
        Loop: { allOf: [{ $ref: '#/components/schemas/Loop2' }, { type: 'object', properties: { a: { type: 'string' } } }] },
        Loop2: { allOf: [{ $ref: '#/components/schemas/Loop' }, { type: 'object' }] },
        Hiding: { type: 'object', properties: { toJSON: { type: 'string' }, constructor: { type: 'string' } } },
      }),
    ];
    expect(() => registerApiModels(apis, '/')).toThrow(
      new ModelError([
        'Loop (/specs/a.yaml): allOf cycle: a schema includes itself through allOf',
        'Loop2 (/specs/a.yaml): allOf cycle: a schema includes itself through allOf',
        'Hiding (/specs/a.yaml): property toJSON, constructor would hide a method every model has; rename it',
      ], 'Models'),
    );
  });
});
