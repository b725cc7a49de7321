import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = (name: string) => fileURLToPath(new URL(`./types/${name}`, import.meta.url));

/** Diagnostics of `tsc` on one file, with the project's compiler options. */
function compile(path: string): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram([path], { ...config.options, noEmit: true });
  return [...ts.getPreEmitDiagnostics(program)];
}

/** `line: TSnnnn` for every diagnostic in `path`, 1-based lines. */
function errorsIn(path: string, diagnostics: ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    if (!d.file || d.start === undefined) return `global: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    const where = d.file.fileName === path ? String(d.file.getLineAndCharacterOfPosition(d.start).line + 1) : d.file.fileName;
    return `${where}: TS${d.code}`;
  });
}

describe('SDK types', () => {
  it('must-compile.ts compiles without a single error', () => {
    const path = file('must-compile.ts');
    expect(errorsIn(path, compile(path))).toEqual([]);
  }, 120_000); // a full program against lib.dom: tens of seconds on a busy machine

  it('must-fail.ts fails exactly on the marked lines, with the marked error codes', () => {
    const path = file('must-fail.ts');
    const source = ts.sys.readFile(path) ?? '';
    const expected = source.split('\n').flatMap((line, index) => {
      const match = /\/\/ error (TS\d+)$/.exec(line);
      return match ? [`${index + 1}: ${match[1]}`] : [];
    });
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect(errorsIn(path, compile(path)).sort()).toEqual(expected.sort());
  });
});
