import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi.js';
import { ROOT } from '../helpers/site.js';

/*
 * The document as the tools a client developer uses read it: Redocly's linter (its recommended
 * rules) and openapi-typescript (the types behind openapi-fetch). Both run offline.
 */

const run = promisify(execFile);
const REDOCLY = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

/**
 * What the recommended rules still warn about, each explained in README (API, "The OpenAPI
 * document"): a route with no client error, and components kept for readers and generators.
 */
const EXPLAINED_WARNINGS = [
  'no-unused-components #/components/schemas/GenerateProgress',
  'no-unused-components #/components/schemas/GenerateQueued',
  'operation-4xx-response #/paths/~1api~1v1~1health~1live/get/responses',
  'no-unused-components #/components/responses/NotFound',
  'operation-4xx-response #/paths/~1api~1v1~1health/get/responses',
  'operation-4xx-response #/paths/~1api~1v1~1openapi.json/get/responses',
];

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imageka-openapi-'));
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(openApiDocument, null, 2));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('redocly lint (recommended rules)', () => {
  it('finds no error, and only the warnings README explains', async () => {
    // No redocly.yaml in a fresh folder: the built-in recommended ruleset. Telemetry and the
    // update check are off, so the run needs no network.
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const { stdout } = await run(process.execPath, [REDOCLY, 'lint', 'openapi.json', '--format=json'], { cwd: dir, env }).catch(
      (failure: { stdout?: string }) => ({ stdout: failure.stdout ?? '' }),
    );
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as LintReport;
    const errors = report.problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)).toEqual([]);
    const warnings = report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
    expect(warnings.sort()).toEqual([...EXPLAINED_WARNINGS].sort());
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    for (const rule of new Set(EXPLAINED_WARNINGS.map((warning) => warning.split(' ')[0]!))) expect(readme).toContain(`\`${rule}\``);
  }, 120_000);
});

describe('openapi-typescript', () => {
  /** Compiles `source` beside the generated types, strict; returns `line: TSnnnn` per error. */
  async function compile(name: string, source: string): Promise<string[]> {
    const file = join(dir, name);
    await writeFile(file, source);
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${d.file?.fileName === file ? line : d.file?.fileName}: TS${d.code}`;
    });
  }

  beforeAll(async () => {
    const types = astToString(await openapiTS(openApiDocument as unknown as Parameters<typeof openapiTS>[0]));
    await writeFile(join(dir, 'openapi.ts'), types);
  }, 60_000);

  const header = `import type { components } from './openapi.js';\ntype GenerateRequest = components['schemas']['GenerateRequest'];\n`;
  // A solved proof of work, as the SDK sends it (the API requires one; see pow_missing).
  const pow = `{ algorithm: 'PBKDF2-SHA-256', salt: 's', iterations: 1000, maxNumber: 10, key: 'k', expiresAt: '2026-01-01T00:00:00Z', signature: 'x', number: 3 }`;

  it('makes a GenerateRequest that takes a valid body, with or without a size', async () => {
    const source = `${header}export const sized: GenerateRequest = { prompt: 'a fox', captcha: 'abcde', pow: ${pow}, width: 1280, height: 720, seed: 7 };
export const plain: GenerateRequest = { prompt: 'a fox', captcha: 'abcde', pow: ${pow}, negativePrompt: 'blur' };
`;
    expect(await compile('valid.ts', source)).toEqual([]);
  }, 120_000);

  it('makes a GenerateRequest that refuses 42, an unknown size and a width alone', async () => {
    const source = `${header}export const number: GenerateRequest = 42;
export const unknownSize: GenerateRequest = { prompt: 'a fox', captcha: 'abcde', pow: ${pow}, width: 999, height: 1024 };
export const widthAlone: GenerateRequest = { prompt: 'a fox', captcha: 'abcde', pow: ${pow}, width: 1024 };
export const noCaptcha: GenerateRequest = { prompt: 'a fox' };
`;
    const lines = (await compile('invalid.ts', source)).map((error) => error.split(':')[0]);
    expect([...new Set(lines)].sort()).toEqual(['3', '4', '5', '6']);
  }, 120_000);
});
