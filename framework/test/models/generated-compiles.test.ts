// The generated modules compile under strict with the TypeScript compiler API, and the handler types reject wrong handlers (acceptance 1, 2).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { generateAll, type GeneratedFile } from '../../src/models/codegen/generate-all';
import { fixtureDir, loadFixtureApis } from './models-test-helpers';

const MODELS_INDEX = path.resolve(__dirname, '../../src/models/index.ts');
const COMMITTED = [
  path.join(fixtureDir('everything'), 'everything.models.ts'),
  path.join(fixtureDir('modern'), 'modern.models.ts'),
  path.join(__dirname, 'handler-types.typetest.ts'),
];

/** Every file is type-checked in one program (one compile keeps the test fast). */
function compile(rootNames: string[]): readonly ts.Diagnostic[] {
  const program = ts.createProgram(rootNames, {
    strict: true,
    noImplicitOverride: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    experimentalDecorators: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.resolve(__dirname, '../../../node_modules/@types')],
    baseUrl: '/',
    // What a service's tsconfig achieves by depending on the package: '@pym/framework' is the framework's API.
    paths: { '@pym/framework': [MODELS_INDEX] },
  });
  return ts.getPreEmitDiagnostics(program);
}

function describeDiagnostics(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

let tmp: string;
let defaultImport: GeneratedFile[];
let wrongHandlers: string;
let diagnostics: readonly ts.Diagnostic[];

const inFile = (file: string) => diagnostics.filter((d) => d.file?.fileName === file);

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-models-compile-'));
  const apis = await loadFixtureApis('everything', 'modern');
  defaultImport = generateAll(apis, { srcDir: path.join(fixtureDir('everything'), 'src'), outDir: tmp });
  for (const { file, content } of defaultImport) fs.writeFileSync(file, content);
  wrongHandlers = path.join(tmp, 'wrong-handlers.ts');
  const generated = path.join(fixtureDir('everything'), 'everything.models');
  fs.writeFileSync(
    wrongHandlers,
    [
      `import { Answer, Book, type Handler, type Question } from ${JSON.stringify(generated)};`,
      `export const a: Handler<'createBook'> = async ({ body }: { body: Question }) => new Book({ title: body.text, isbn: 'x' });`,
      `export const b: Handler<'getBook'> = async ({ params }) => ({ title: params.bookId, isbn: 'x' });`,
      `export const c: Handler<'getBook'> = async () => new Answer({ text: 'no' });`,
      `export const d: Handler<'getBook'> = async ({ params }) => ({ title: 'x', isbn: 'x', published: params.since });`,
    ].join('\n'),
  );
  diagnostics = compile([...COMMITTED, ...defaultImport.map((f) => f.file), wrongHandlers]);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the committed fixture modules and the type-level test compile under strict with no error', () => {
  expect(describeDiagnostics(diagnostics.filter((d) => d.file?.fileName !== wrongHandlers))).toEqual([]);
});

test("modules generated with the default '@pym/framework' import compile under strict", () => {
  expect(defaultImport.map((f) => path.basename(f.file))).toEqual(['everything.models.ts', 'modern.models.ts']);
  expect(defaultImport[0].content).toContain("from '@pym/framework';");
  expect(describeDiagnostics(defaultImport.flatMap((f) => inFile(f.file)))).toEqual([]);
});

test('wrong handlers are type errors: body type, unknown param, return type', () => {
  const errors = inFile(wrongHandlers);
  expect(errors.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1)).toEqual([2, 3, 4, 5]);
  expect(describeDiagnostics(errors)[1]).toContain("Property 'bookId' does not exist");
});
