/**
 * The smallest template language that keeps the site free of copy-pasted markup: `{{name}}` and
 * `{{name:argument}}` placeholders, each resolved by a function. An unknown name fails the build,
 * so a typo never ships as literal braces.
 */
export type Resolver = (argument: string | undefined) => string;

const PLACEHOLDER = /\{\{\s*([a-zA-Z][\w-]*)(?::([^}\s]+))?\s*\}\}/g;

export function render(template: string, resolvers: Record<string, Resolver>, where: string): string {
  return template.replace(PLACEHOLDER, (_match, name: string, argument: string | undefined) => {
    const resolve = resolvers[name];
    if (!resolve) throw new Error(`${where}: unknown placeholder {{${name}}}`);
    return resolve(argument);
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A page fragment's leading comment of `key: value` lines, and the markup after it. */
export function splitFrontMatter(source: string, where: string): { meta: Record<string, string>; body: string } {
  const match = /^\s*<!--\n([\s\S]*?)\n-->\n/.exec(source);
  if (!match) throw new Error(`${where}: a page starts with a <!-- key: value --> comment holding at least title and description`);
  const meta: Record<string, string> = {};
  for (const line of match[1]!.split('\n')) {
    if (!line.trim()) continue;
    const separator = line.indexOf(':');
    if (separator < 1) throw new Error(`${where}: front matter line "${line}" is not "key: value"`);
    meta[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return { meta, body: source.slice(match[0].length) };
}
