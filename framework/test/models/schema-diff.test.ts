// Schema comparison behind the cross-spec conflict check: documentation keywords aside, property names always count.
import { canonicalSchema, schemaDifferences } from '../../src/models/schema-diff';

test('documentation keywords do not make two schemas different', () => {
  const a = { type: 'object', description: 'A', title: 'T', example: { x: 1 }, properties: { x: { type: 'string', description: 'x' } } };
  const b = { properties: { x: { type: 'string' } }, type: 'object' };
  expect(canonicalSchema(a)).toBe(canonicalSchema(b));
  expect(schemaDifferences(a, b)).toEqual([]);
});

test('properties named like documentation keywords are compared (regression: a `title` property was ignored)', () => {
  const a = { type: 'object', properties: { title: { type: 'string' }, description: { type: 'string' } } };
  const b = { type: 'object', properties: { title: { type: 'integer' } } };
  expect(canonicalSchema(a)).not.toBe(canonicalSchema(b));
  expect(schemaDifferences(a, b)).toEqual(['properties.description: {"type":"string"} vs absent', 'properties.title.type: "string" vs "integer"']);
});

test('differences in arrays and at most `limit` lines', () => {
  expect(schemaDifferences({ enum: ['a', 'b'] }, { enum: ['a', 'c'] })).toEqual(['enum[1]: "b" vs "c"']);
  expect(schemaDifferences({ enum: ['a'] }, { enum: ['a', 'c'] })).toEqual(['enum: ["a"] vs ["a","c"]']);
  const many = (n: number) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${String(i).padStart(2, '0')}`, { type: n }]));
  expect(schemaDifferences({ properties: many(1) }, { properties: many(2) }, 3)).toHaveLength(3);
});
