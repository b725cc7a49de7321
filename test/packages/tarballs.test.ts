import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOutputsCurrent } from '../helpers/build.js';
import { ROOT } from '../helpers/site.js';
import { ANSWER, startApi } from '../sdk/harness.js';

/*
 * @imageka/sdk and @imageka/widget as a developer gets them: `npm pack` (after `npm run build`),
 * each tarball installed into a fresh project with npm's --offline (the packages have no
 * dependencies, so nothing is fetched), then used from that project. publint and
 * @arethetypeswrong/cli check the same tarballs.
 */

const run = promisify(execFile);
/** A devDependency's command, as npm scripts would run it. */
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const NPM_ENV = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

let work: string;
const tarballs = new Map<string, { file: string; contents: string[] }>();

/** A fresh project with one tarball installed, offline. */
async function consumer(name: string, tarball: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--ignore-scripts', '--no-package-lock', tarball], { cwd: dir, env: NPM_ENV });
  return dir;
}

/** Type errors of `files` (relative to `dir`) as `file:line TSnnnn`, with lib checking on. */
function typeErrors(dir: string, files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(
    files.map((file) => join(dir, file)),
    { strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022, types: [], ...options },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.replace(`${dir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : 'global';
    return `${where} TS${d.code}`;
  });
}

beforeAll(async () => {
  assertOutputsCurrent(['sdk/dist/index.js', 'sdk/dist/index.cjs', 'sdk/dist/index.d.ts', 'sdk/dist/index.d.cts'], ['sdk']);
  assertOutputsCurrent(['widget/dist/widget.js', 'widget/dist/widget.mjs', 'widget/dist/types/widget/index.d.ts'], ['widget', 'sdk']);
  work = await mkdtemp(join(tmpdir(), 'imageka-packages-'));
  const { stdout } = await run('npm', ['pack', '--json', '--workspace', 'sdk', '--workspace', 'widget', '--pack-destination', work], { cwd: ROOT, env: NPM_ENV });
  for (const packed of JSON.parse(stdout) as Packed[]) {
    tarballs.set(packed.name, { file: join(work, packed.filename), contents: packed.files.map((file) => file.path).sort() });
  }
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

const tarball = (name: string) => tarballs.get(name)!;

describe('@imageka/sdk tarball', () => {
  it('holds the ESM, CommonJS and declarations with README and LICENSE, and nothing else', () => {
    const { contents } = tarball('@imageka/sdk');
    expect(contents).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']));
    const unexpected = contents.filter((path) => !['LICENSE', 'README.md', 'package.json'].includes(path) && !/^dist\/[\w-]+\.(js|cjs|d\.ts|d\.cts)$/.test(path));
    expect(unexpected).toEqual([]);
    // The widget bundle's stand-ins are not the SDK.
    expect(contents.filter((path) => path.includes('.browser.'))).toEqual([]);
  });

  it('installs offline with zero dependencies, and works from ESM and CommonJS against a real server', async () => {
    const dir = await consumer('sdk-consumer', tarball('@imageka/sdk').file);
    expect((await readdir(join(dir, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['@imageka']);
    expect(await readdir(join(dir, 'node_modules/@imageka'))).toEqual(['sdk']);
    const { baseUrl } = await startApi();
    await writeFile(
      join(dir, 'esm.mjs'),
      `import { Imageka, IMAGE_SIZES } from '@imageka/sdk';
       const client = new Imageka({ baseUrl: process.argv[2] });
       await client.captcha();
       const image = await client.generate({ prompt: 'a lighthouse at dusk', captcha: process.argv[3], ...IMAGE_SIZES['16:9'] });
       console.log(JSON.stringify({ width: image.width, height: image.height, preview: image.provider.preview }));`,
    );
    await writeFile(
      join(dir, 'cjs.cjs'),
      `const { Imageka, isCaptchaError } = require('@imageka/sdk');
       new Imageka({ baseUrl: process.argv[2] }).health().then((health) => console.log(health.ready, typeof isCaptchaError));`,
    );
    const esm = await run(process.execPath, ['esm.mjs', baseUrl, ANSWER], { cwd: dir });
    expect(JSON.parse(esm.stdout)).toEqual({ width: 1280, height: 720, preview: true });
    const cjs = await run(process.execPath, ['cjs.cjs', baseUrl], { cwd: dir });
    expect(cjs.stdout.trim()).toBe('true function');
  }, 120_000);

  it('types a strict TypeScript project (node16 ESM and CommonJS, bundler), where only allowed sizes compile', async () => {
    const dir = await consumer('sdk-types', tarball('@imageka/sdk').file);
    const uses = `const client = new Imageka({ baseUrl: 'https://imageka.example', timeout: 5_000 });
export async function make(answer: string): Promise<number> {
  const size: ImageSize = IMAGE_SIZES['3:2'];
  const request: GenerateRequest = { prompt: 'a fox', captcha: answer, ...size };
  try {
    return (await client.generate(request)).seed;
  } catch (error) {
    if (isRateLimitError(error)) return error.retryAfter ?? 0;
    throw error;
  }
}
`;
    const header = `import { IMAGE_SIZES, Imageka, isRateLimitError, type GenerateRequest, type ImageSize } from '@imageka/sdk';\n`;
    await writeFile(join(dir, 'esm.mts'), header + uses);
    await writeFile(join(dir, 'cjs.cts'), header + uses);
    const lib = ['lib.es2022.d.ts', 'lib.dom.d.ts'];
    await writeFile(join(dir, 'bundler.ts'), header + uses);
    expect(typeErrors(dir, ['bundler.ts'], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib })).toEqual([]);

    await writeFile(
      join(dir, 'sizes.mts'),
      `import { Imageka } from '@imageka/sdk';
const client = new Imageka({ baseUrl: 'https://imageka.example' });
void client.generate({ prompt: 'a fox', captcha: 'abcde', width: 1280, height: 720 });
void client.generate({ prompt: 'a fox', captcha: 'abcde', width: 999, height: 1024 });
void client.generate({ prompt: 'a fox', captcha: 'abcde', width: 1024 });
void client.generate({ prompt: 'a fox', captcha: 'abcde', width: 1280, height: 1280 });
`,
    );
    // One program (compiling is slow): the ESM and CommonJS uses compile, the wrong sizes do not.
    const node16 = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, lib };
    expect(typeErrors(dir, ['esm.mts', 'cjs.cts', 'sizes.mts'], node16)).toEqual(['sizes.mts:4 TS2322', 'sizes.mts:5 TS2345', 'sizes.mts:6 TS2345']);
  }, 120_000);

  it('passes publint and @arethetypeswrong/cli (node10, node16 from CJS and ESM, bundler)', async () => {
    const { file } = tarball('@imageka/sdk');
    const publint = await run(bin('publint'), ['run', '--strict', file], { cwd: work });
    expect(publint.stdout).toMatch(/All good/);
    const attw = await run(bin('attw'), [file, '--format', 'json'], { cwd: work }).catch(
      (failure: { stdout: string }) => failure,
    );
    const report = JSON.parse(attw.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, { resolution?: { isTypeScript: boolean } }> }> } };
    expect(report.analysis.problems).toEqual([]);
    const root = report.analysis.entrypoints['.']!.resolutions;
    for (const mode of ['node16-cjs', 'node16-esm', 'bundler']) expect(root[mode]?.resolution?.isTypeScript, mode).toBe(true);
  }, 120_000);
});

describe('@imageka/widget tarball', () => {
  it('holds both entries, the parts they fetch on demand, the declarations and the manifest', () => {
    const { contents } = tarball('@imageka/widget');
    expect(contents).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'custom-elements.json', 'dist/widget.js', 'dist/widget.mjs', 'dist/types/widget/index.d.ts']));
    // Every language besides English and the on-demand part, each under a content-hashed name.
    const parts = contents.filter((path) => path.startsWith('dist/parts/') && path.endsWith('.mjs'));
    for (const name of ['on-demand', 'de', 'ja', 'ar', 'pt-BR']) expect(parts.some((path) => new RegExp(`^dist/parts/${name}-[\\w-]{8}\\.mjs$`).test(path)), name).toBe(true);
    const unexpected = contents.filter(
      (path) => !['LICENSE', 'README.md', 'package.json', 'custom-elements.json'].includes(path) && !/^dist\/(widget\.m?js(\.map)?|parts\/[\w-]+\.mjs(\.map)?|types\/(widget|sdk)\/[\w-]+\.d\.ts)$/.test(path),
    );
    expect(unexpected).toEqual([]);
  });

  it('installs offline with zero dependencies and types the element and its events for a TypeScript file', async () => {
    const dir = await consumer('widget-consumer', tarball('@imageka/widget').file);
    expect(await readdir(join(dir, 'node_modules/@imageka'))).toEqual(['widget']);
    expect((await readdir(join(dir, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['@imageka']);
    await writeFile(
      join(dir, 'page.ts'),
      `import '@imageka/widget';
import type { ImagekaWidget, WidgetEvents } from '@imageka/widget';

const widget: ImagekaWidget | null = document.querySelector('imageka-widget');
const made: ImagekaWidget = document.createElement('imageka-widget');
made.setAttribute('theme', 'dark');
widget?.addEventListener('imageka:image', (event) => {
  const seed: number = event.detail.seed;
  const preview: boolean = event.detail.provider.preview;
  console.log(seed, preview, event.detail.width * event.detail.height);
});
document.addEventListener('imageka:error', (event) => console.log(event.detail.code, event.detail.retryAfter ?? 0));
window.addEventListener('imageka:theme', (event) => console.log(event.detail.theme));
export const ready: WidgetEvents['imageka:ready'] = { api: 'https://imageka.example' };
`,
    );
    await writeFile(
      join(dir, 'wrong.ts'),
      `import '@imageka/widget';
document.querySelector('imageka-widget')?.addEventListener('imageka:image', (event) => event.detail.answer);
document.addEventListener('imageka:theme', (event) => { const theme: 'sepia' = event.detail.theme; return theme; });
`,
    );
    // The script build's entry brings the same declarations.
    await writeFile(join(dir, 'script.ts'), `import '@imageka/widget/widget.js';\ndocument.addEventListener('imageka:image', (event) => event.detail.seed.toFixed());\n`);
    const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] };
    expect(typeErrors(dir, ['page.ts', 'script.ts', 'wrong.ts'], options)).toEqual(['wrong.ts:2 TS2339', 'wrong.ts:3 TS2322']);
  }, 120_000);

  it('passes publint and @arethetypeswrong/cli (ESM only: a browser package)', async () => {
    const { file } = tarball('@imageka/widget');
    const publint = await run(bin('publint'), ['run', '--strict', file], { cwd: work });
    expect(publint.stdout).toMatch(/All good/);
    const attw = await run(
      bin('attw'),
      [file, '--profile', 'esm-only', '--exclude-entrypoints', 'custom-elements.json', '--format', 'json'],
      { cwd: work },
    ).catch((failure: { stdout: string }) => failure);
    // The profile leaves out node10 and require(): an ESM-only package for browsers and bundlers.
    const report = JSON.parse(attw.stdout) as { analysis: { problems: { kind: string; entrypoint: string; resolutionKind?: string }[] } };
    const counted = report.analysis.problems.filter((problem) => !['node10', 'node16-cjs'].includes(problem.resolutionKind ?? ''));
    expect(counted).toEqual([]);
    expect(report.analysis.problems.map((problem) => problem.kind).filter((kind) => kind !== 'CJSResolvesToESM' && kind !== 'NoResolution')).toEqual([]);
  }, 120_000);
});
