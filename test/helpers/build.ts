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

/**
 * The packages' builds (sdk/dist, widget/dist) have their own layout: each output must exist and
 * be newer than every TypeScript source in `folders` (their dist/ folders left out).
 */
export function assertOutputsCurrent(outputs: readonly string[], folders: readonly string[], root = ROOT): void {
  const sources = folders.flatMap((folder) =>
    readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !relative(root, entry.parentPath).split(/[\\/]/).includes('dist'))
      .map((entry) => join(entry.parentPath, entry.name)),
  );
  const newest = sources.reduce((latest, source) => (statSync(source).mtimeMs > statSync(latest).mtimeMs ? source : latest));
  const stale = outputs.flatMap((output) => {
    const path = join(root, output);
    if (!existsSync(path)) return [`${output} is missing`];
    return statSync(path).mtimeMs < statSync(newest).mtimeMs ? [`${relative(root, newest)} is newer than ${output}`] : [];
  });
  if (stale.length > 0) throw new Error(`The build is not current: ${stale.join('; ')}. Run "npm run build" (npm test does it first).`);
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
