import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../bench/chromium.js';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

// One definition of the browser and its flags, shared with the benchmarks. Playwright's own
// download is never used.
const ARGS = [...CHROMIUM_FLAGS];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Runs `use` in a browser whose profile blocks every cookie, set the way a person does it
 * (Settings → Block all cookies), so the browser itself refuses them: no request or response is
 * rewritten. Chromium then refuses local storage too.
 */
export async function withCookiesBlocked<T>(use: (context: BrowserContext) => Promise<T>, options: BrowserContextOptions = {}): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'imageka-chromium-'));
  try {
    await mkdir(join(profile, 'Default'));
    await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, ...options });
    try {
      return await use(context);
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** Every URL the context requests, in order (data: and blob: URLs are not requests). */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:')) urls.push(url);
  });
  return urls;
}
