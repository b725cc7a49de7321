// @vitest-environment happy-dom
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ImagekaWidgetElement, TAG } from '../../widget/index.js';
import { ROOT } from '../helpers/site.js';

/*
 * widget/custom-elements.json (the Custom Elements Manifest editors, Storybook and docs tools
 * read) says what the code does: every list in it is compared with what the element observes,
 * dispatches, renders and styles.
 */

interface Named {
  name: string;
  description?: string;
  default?: string;
  type?: { text: string };
}
interface Declaration extends Named {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: Named[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  schemaVersion: string;
  modules: { kind: string; path: string; declarations: Declaration[]; exports?: { kind: string; name: string; declaration: { name: string; module: string } }[] }[];
}

const WIDGET = join(ROOT, 'widget');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const manifest = JSON.parse(read('widget/custom-elements.json')) as Manifest;
const pkg = JSON.parse(read('widget/package.json')) as { customElements: string; files: string[] };
const element = manifest.modules.flatMap((module) => module.declarations).find((declaration) => declaration.tagName === TAG)!;
const names = (list: Named[] | undefined) => (list ?? []).map((item) => item.name).sort();

/** The widget's own sources (not its build), by path relative to the repository. */
function sources(dir = WIDGET): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'dist') for (const [file, text] of sources(path)) found.set(file, text);
    else if (/\.tsx?$/.test(entry.name)) found.set(relative(ROOT, path), readFileSync(path, 'utf8'));
  }
  return found;
}
const allSources = [...sources().values()].join('\n');

/** `WidgetEvents` members as written in widget/events.ts: name → detail type text. */
function eventTypes(): Map<string, string> {
  const file = ts.createSourceFile('events.ts', read('widget/events.ts'), ts.ScriptTarget.Latest, true);
  const map = new Map<string, string>();
  file.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'WidgetEvents') return;
    for (const member of node.members) {
      if (ts.isPropertySignature(member) && member.type && ts.isStringLiteral(member.name)) {
        map.set(member.name.text, member.type.getText(file).replace(/\s+/g, ' ').replace(/; }/g, ' }'));
      }
    }
  });
  return map;
}

describe('custom-elements.json', () => {
  it('is the package\'s customElements manifest and ships with it', () => {
    expect(pkg.customElements).toBe('custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
    expect(manifest.schemaVersion).toBe('2.1.0');
    expect(element).toMatchObject({ kind: 'class', customElement: true, tagName: TAG });
    const definitions = manifest.modules.flatMap((module) => module.exports ?? []).filter((entry) => entry.kind === 'custom-element-definition');
    expect(definitions.map((entry) => entry.name)).toEqual([TAG, TAG]);
    for (const module of manifest.modules) expect(pkg.files, module.path).toContain(module.path);
  });

  it('lists exactly the attributes the element observes', () => {
    const observed = (ImagekaWidgetElement as unknown as { observedAttributes: string[] }).observedAttributes;
    expect(names(element.attributes)).toEqual([...observed].sort());
  });

  it('lists exactly the events the widget dispatches, with the detail types events.ts declares', () => {
    const dispatched = new Set([...allSources.matchAll(/(?:emit\(|new CustomEvent\()'(imageka:[a-z]+)'/g)].map(([, name]) => name!));
    const declared = eventTypes();
    expect([...dispatched].sort()).toEqual([...declared.keys()].sort());
    expect(names(element.events)).toEqual([...declared.keys()].sort());
    for (const event of element.events ?? []) {
      expect(event.type?.text, event.name).toBe(`CustomEvent<${declared.get(event.name)}>`);
      expect(event.description, event.name).toBeTruthy();
    }
  });

  it('lists exactly the parts the templates render', () => {
    const parts = new Set([...allSources.matchAll(/\bpart="([\w-]+)"/g)].map(([, name]) => name!));
    expect(parts.size).toBeGreaterThan(10);
    expect(names(element.cssParts)).toEqual([...parts].sort());
  });

  it('lists exactly the public custom properties the stylesheet reads, with their light defaults', () => {
    const styles = read('widget/styles.ts');
    const firstDefault = new Map<string, string>();
    for (const [, name, fallback] of styles.matchAll(/var\((--imageka-[\w-]+),\s*([^)]+)\)/g)) {
      if (!firstDefault.has(name!)) firstDefault.set(name!, fallback!.trim());
    }
    expect(names(element.cssProperties)).toEqual([...firstDefault.keys()].sort());
    for (const property of element.cssProperties ?? []) expect(property.default, property.name).toBe(firstDefault.get(property.name));
  });
});
