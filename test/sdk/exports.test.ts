import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as sdk from '../../sdk/index.js';
import { assertOutputsCurrent } from '../helpers/build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The public surface: adding or removing an export is a decision, made here on purpose. */
const EXPORTS = [
  'APIError',
  'AbortError',
  'CapacityError',
  'CaptchaError',
  'ConnectionError',
  'DEFAULT_ASPECT_RATIO',
  'ERROR_CODES',
  'IMAGE_SIZES',
  'ImagekaError',
  'Imageka',
  'NEGATIVE_PROMPT_MAX_LENGTH',
  'OverloadedError',
  'POW_ALGORITHM',
  'PROMPT_MAX_LENGTH',
  'ProofOfWorkError',
  'PromptRejectedError',
  'ProviderError',
  'RateLimitError',
  'SEED_MAX',
  'TimeoutError',
  'ValidationError',
  'isAPIError',
  'isAbortError',
  'isCapacityError',
  'isCaptchaError',
  'isConnectionError',
  'isImagekaError',
  'isOverloadedError',
  'isProofOfWorkError',
  'isPromptRejectedError',
  'isProviderError',
  'isRateLimitError',
  'isTimeoutError',
  'isValidationError',
  'solvePow',
].sort();

/** Runs Node in the repository, where `@imageka/sdk` resolves to the sdk/ workspace through its package.json `exports`. */
function node(type: 'module' | 'commonjs', code: string): string {
  return execFileSync(process.execPath, ['--input-type', type, '-e', code], { cwd: root, encoding: 'utf8' });
}

describe('the SDK package', () => {
  it('exports exactly the public surface', () => {
    expect(Object.keys(sdk).sort()).toEqual(EXPORTS);
  });

  it('has no runtime dependency and no node: import', () => {
    const sources = ['index', 'client', 'transport', 'requests', 'generate', 'messages', 'messages.browser', 'errors', 'http', 'session', 'sse', 'types'].map((name) =>
      readFileSync(`${root}sdk/${name}.ts`, 'utf8'),
    );
    for (const source of sources) {
      for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) expect(specifier).toMatch(/^\.\/[\w-]+\.js$/);
    }
  });

  it('resolves as @imageka/sdk from ESM and CommonJS, with types (after npm run build)', () => {
    assertOutputsCurrent(['sdk/dist/index.js', 'sdk/dist/index.cjs', 'sdk/dist/index.d.ts'], ['sdk']);
    for (const file of ['index.js', 'index.cjs', 'index.d.ts']) {
      expect(existsSync(`${root}sdk/dist/${file}`), `sdk/dist/${file} missing: run npm run build`).toBe(true);
    }
    const print = 'JSON.stringify(Object.keys(sdk).sort())';
    const esm = node('module', `const sdk = await import('@imageka/sdk'); console.log(${print});`);
    const cjs = node('commonjs', `const sdk = require('@imageka/sdk'); console.log(${print});`);
    expect(JSON.parse(esm)).toEqual(EXPORTS);
    expect(JSON.parse(cjs)).toEqual(EXPORTS);
    const client = node(
      'commonjs',
      `const { Imageka, isCaptchaError, CaptchaError } = require('@imageka/sdk');
       console.log(new Imageka({ baseUrl: 'https://a.example/' }).baseUrl, isCaptchaError(new CaptchaError('wrong', 403, undefined, new Headers())));`,
    );
    expect(client.trim()).toBe('https://a.example true');
  });

  it('guards recognise errors across the ESM and CommonJS copies, where instanceof does not', () => {
    const output = node(
      'module',
      `import { createRequire } from 'node:module';
       const esm = await import('@imageka/sdk');
       const cjs = createRequire(process.cwd() + '/')('@imageka/sdk');
       const error = new esm.RateLimitError(429, undefined, new Headers({ 'retry-after': '4' }));
       console.log(error instanceof cjs.RateLimitError, cjs.isRateLimitError(error), cjs.isAPIError(error), error.retryAfter);`,
    );
    expect(output.trim()).toBe('false true true 4');
  });

  it('gives CommonJS consumers CommonJS declarations (index.d.cts), usable under module node16', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imageka-cts-'));
    try {
      const consumer = join(dir, 'consumer.cts');
      writeFileSync(
        consumer,
        `import { Imageka, isCaptchaError, type GenerateResponse } from ${JSON.stringify(`${root}sdk/dist/index.cjs`)};
         export const client = new Imageka({ baseUrl: 'https://a.example' });
         export const guard: (error: unknown) => boolean = isCaptchaError;
         export type Seed = GenerateResponse['seed'];`,
      );
      const program = ts.createProgram([consumer], {
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        strict: true,
        noEmit: true,
        types: [],
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // compiling against lib.dom takes tens of seconds on a busy machine
});
