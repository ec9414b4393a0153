// Every error code the framework registers is documented in the README's error table (and vice versa).
import fs from 'node:fs';
import path from 'node:path';
import { listErrorCodes } from '../../src';

const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
const documented = new Map(
  [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d{3}) \|/gm)].map((match) => [match[1]!, Number(match[2])]),
);

describe('README error table', () => {
  const codes = listErrorCodes();

  it('lists the built-in and task codes', () => {
    expect(codes.map((info) => info.code)).toEqual(
      expect.arrayContaining(['SERVER_ERROR', 'TOKEN_EXPIRED', 'BAD_RESPONSE', 'TASK_ARGUMENT_INVALID', 'TASK_QUEUE_UNAVAILABLE']),
    );
  });

  it.each(listErrorCodes().map((info) => [info.code, info.status]))('documents %s with status %i', (code, status) => {
    expect(documented.get(code as string)).toBe(status);
  });

  it('documents no code the framework does not define', () => {
    expect([...documented.keys()].filter((code) => !codes.some((info) => info.code === code))).toEqual([]);
  });
});
