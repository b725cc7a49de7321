import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuildCurrent } from './build.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function project(files: Record<string, number>): string {
  root = mkdtempSync(join(tmpdir(), 'imageka-build-'));
  for (const [file, mtime] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
    utimesSync(join(root, file), mtime, mtime);
  }
  return root;
}

describe('assertBuildCurrent', () => {
  it('passes when every source has a build at least as new', () => {
    const dir = project({ 'api/a.ts': 100, 'api/sub/b.ts': 100, 'api/c.d.ts': 500, 'dist/api/a.js': 200, 'dist/api/sub/b.js': 100 });
    expect(() => assertBuildCurrent(['api'], dir)).not.toThrow();
  });

  it('names a source edited after the build, and the command that fixes it', () => {
    const dir = project({ 'api/a.ts': 300, 'dist/api/a.js': 200 });
    expect(() => assertBuildCurrent(['api'], dir)).toThrow(/api\/a\.ts is newer than dist\/api\/a\.js.*npm run build/);
  });

  it('names a source that was never built', () => {
    const dir = project({ 'api/new.ts': 100 });
    expect(() => assertBuildCurrent(['api'], dir)).toThrow(/dist\/api\/new\.js is missing/);
  });
});
