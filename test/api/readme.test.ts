import { readFileSync } from 'node:fs';
import type Joi from 'joi';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../api/config.js';
import { PROVIDER_ENV_DOC } from '../../api/providers/index.js';
import { ERROR_STATUS } from '../../sdk/types.js';

// The README is the product's one document: newcomers copy codes and variables from it.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Rows of the first table after `heading`, as cells with their backticks removed. */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start, `README has no heading "${heading}"`).toBeGreaterThan(-1);
  const lines = README.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim().replaceAll('`', '')));
  }
  return rows;
}

describe('README', () => {
  it('lists every error code with the status the API sends', () => {
    const start = README.indexOf('**Errors** are JSON');
    const rows = tableAfter(README.slice(start, README.indexOf('\n', start)));
    expect(Object.fromEntries(rows.map(([code, status]) => [code, Number(status)]))).toEqual(ERROR_STATUS);
  });

  it('lists every server variable with its default', () => {
    const rows = new Map(tableAfter('## Configuration').map(([name, fallback]) => [name!, fallback!]));
    const keys = (environmentSchema.describe() as Joi.Description & { keys: Record<string, { flags?: { default?: unknown } }> }).keys;
    expect(Object.keys(keys).length).toBeGreaterThan(10);
    for (const [name, description] of Object.entries(keys)) {
      expect(rows.has(name), `${name} is missing from the Configuration table`).toBe(true);
      const fallback = description.flags?.default;
      if (fallback !== undefined) expect(rows.get(name), name).toBe(String(fallback));
    }
  });

  it("documents every provider adapter's variables", () => {
    expect(Object.keys(PROVIDER_ENV_DOC).length).toBeGreaterThan(5);
    for (const [adapter, variables] of Object.entries(PROVIDER_ENV_DOC)) {
      for (const name of Object.keys(variables)) expect(README, `${adapter}: ${name}`).toContain(`| \`${name}\` |`);
    }
  });
});
