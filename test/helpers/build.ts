/**
 * Tests that run the built server (`node dist/api/main.js`, dist/sdk) would silently test old code
 * when the sources changed since the last build: they call this first and fail with the fix.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `tsc -p tsconfig.build.json` compiles, each `x.ts` to `dist/x.js`. */
const COMPILED = ['api', 'sdk'];

export function assertBuildCurrent(folders: readonly string[] = COMPILED, root = ROOT): void {
  const stale: string[] = [];
  for (const folder of folders) {
    for (const source of typeScriptFiles(join(root, folder))) {
      const built = join(root, 'dist', relative(root, source).replace(/\.ts$/, '.js'));
      if (!existsSync(built)) stale.push(`${relative(root, built)} is missing`);
      else if (statSync(built).mtimeMs < statSync(source).mtimeMs) stale.push(`${relative(root, source)} is newer than ${relative(root, built)}`);
    }
  }
  if (stale.length > 0) {
    const listed = stale.slice(0, 5).join('; ') + (stale.length > 5 ? ` (and ${stale.length - 5} more)` : '');
    throw new Error(`The build is not current: ${listed}. Run "npm run build" (npm test does it first).`);
  }
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
