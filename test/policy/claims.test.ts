import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/site.js';
import { CLAIMS } from './claims.js';

/** A page fragment from site/pages/, parsed. */
async function sitePage(name: string): Promise<Document> {
  const html = await readFile(join(ROOT, 'site/pages', name), 'utf8');
  return new new Window().DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

const ids = CLAIMS.map((claim) => claim.id);

describe('the claims registry: every promise on the policy pages has a test, and every test a promise on the pages', () => {
  it('numbers the claims 1 to 10, each with its own id and test file', () => {
    expect(CLAIMS.map((claim) => claim.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(ids).size).toBe(CLAIMS.length);
    expect(new Set(CLAIMS.map((claim) => claim.test)).size).toBe(CLAIMS.length);
  });

  it('knows every claim marked on the Privacy and Cookie pages, and the Privacy page marks every claim', async () => {
    const marked = async (name: string) => [...(await sitePage(name)).querySelectorAll('[data-claim]')].map((element) => element.getAttribute('data-claim')!);
    const privacy = new Set(await marked('privacy.html'));
    const cookies = new Set(await marked('cookies.html'));
    expect([...privacy, ...cookies].filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !privacy.has(id))).toEqual([]);
  });

  it.each(CLAIMS.map((claim) => [claim.number, claim.test] as const))('claim %i is proven by %s, which names it', async (number, test) => {
    expect(existsSync(join(ROOT, test))).toBe(true);
    const source = await readFile(join(ROOT, test), 'utf8');
    expect(source).toMatch(new RegExp(`describe\\((['"\`])Claim ${number}: `));
  });

  it('has no policy test without a claim', async () => {
    const tests = (await readdir(join(ROOT, 'test/policy'))).filter((name) => name.endsWith('.test.ts') && name !== 'claims.test.ts');
    expect(tests.map((name) => `test/policy/${name}`).sort()).toEqual(CLAIMS.map((claim) => claim.test).sort());
  });

  it('links both policy pages to "How we check this", which lists each claim with its test', async () => {
    for (const name of ['privacy.html', 'cookies.html']) {
      expect((await sitePage(name)).querySelector('a[href="/how-we-check"]'), name).not.toBeNull();
    }
    const page = await sitePage('how-we-check.html');
    const sections = [...page.querySelectorAll('[data-claim-check]')];
    expect(sections.map((section) => section.getAttribute('data-claim-check'))).toEqual(ids);
    for (const [index, claim] of CLAIMS.entries()) {
      const section = sections[index]!;
      expect(section.querySelector('h2')?.textContent, claim.id).toMatch(new RegExp(`^${claim.number}\\. `));
      expect([...section.querySelectorAll('code')].map((code) => code.textContent), claim.id).toContain(claim.test);
    }
  });
});
