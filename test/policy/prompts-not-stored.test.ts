import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse } from '../../sdk/types.js';
import { MemoryCaptchaStore, type CaptchaRecord } from '../../api/captcha/store.js';
import { startOpenAIFake } from '../api/providers/fakes/openai.js';
import { CANARY, type FakeUpstream } from '../api/providers/fakes/upstream.js';
import { generate, issueCaptcha, testServer } from '../helpers/server.js';
import { CHILD_CAPTCHA, removeChild, startChild, type Child } from './child.js';
import { accessLines, containsText, logLines, recordingCache } from './support.js';

/** Every file and folder under `root`: size, modification time and a hash of the content. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    const hash = entry.isFile() ? createHash('sha256').update(await readFile(path)).digest('hex') : 'folder';
    entries.set(relative(root, path), `${info.size} ${info.mtimeMs} ${hash}`);
  }
  return entries;
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

describe('Claim 6: prompts are never stored; nothing is written to disk during a generation except the access-log line, and the prompt goes only to the configured provider', () => {
  let fake: FakeUpstream;
  let child: Child;
  let before: Map<string, string>;
  let after: Map<string, string>;
  let logBefore: Record<string, unknown>[];
  let status: number;

  beforeAll(async () => {
    fake = await startOpenAIFake();
    child = await startChild({ IMAGEKA_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-policy', OPENAI_BASE_URL: `${fake.url}/v1` });
    const captcha = await fetch(`${child.origin}/api/v1/captcha`);
    const pow = await solvePow(((await captcha.json()) as CaptchaResponse).pow);
    const cookie = captcha.headers.getSetCookie()[0]!.split(';')[0]!;
    await vi.waitFor(async () => expect(accessLines(await logLines(child.dirs.log))).toHaveLength(1));
    logBefore = await logLines(child.dirs.log);
    before = await snapshot(child.dirs.root);

    const response = await fetch(`${child.origin}/api/v1/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ prompt: CANARY, negativePrompt: CANARY, captcha: CHILD_CAPTCHA, pow }),
    });
    await response.arrayBuffer();
    status = response.status;
    await vi.waitFor(async () => expect(accessLines(await logLines(child.dirs.log))).toHaveLength(2));
    after = await snapshot(child.dirs.root);
  }, 60_000);

  afterAll(async () => {
    await removeChild(child);
    await fake?.close();
  });

  it('writes nothing in the working, temp, home and log folders during a generation except one access-log line', async () => {
    expect(status).toBe(200);
    const logFiles = [...after.keys()].filter((path) => path.startsWith('logs/') && path.endsWith('.log'));
    expect(logFiles).toHaveLength(1);
    expect(changed(before, after)).toEqual(logFiles);
    const added = (await logLines(child.dirs.log)).slice(logBefore.length);
    expect(added).toEqual([expect.objectContaining({ method: 'POST', path: '/api/v1/generate', status: 200 })]);
    expect(containsText(JSON.stringify(added), CANARY)).toBe(false);
  });

  it('sends the prompt to the configured provider and opens no other connection', () => {
    const generations = fake.requests('/v1/images/generations');
    expect(generations).toHaveLength(1);
    expect(generations[0]!.body.toString('utf8')).toContain(CANARY);
    expect(child.connections.length).toBeGreaterThan(0);
    expect(new Set(child.connections)).toEqual(new Set([fake.url.replace('http://', '')]));
  });

  it('keeps the prompt out of every server-side store: sessions, rate-limit records and captcha answers', async () => {
    const { cache, writes } = recordingCache();
    const puts: CaptchaRecord[] = [];
    const store = new MemoryCaptchaStore();
    const put = store.put.bind(store);
    store.put = async (id, record, ttl) => {
      puts.push(record);
      return put(id, record, ttl);
    };
    const server = await testServer({ cache, captchaStore: store });
    for (const captcha of ['ACDEH', 'WRONG']) {
      const { cookie } = await issueCaptcha(server);
      await generate(server, cookie, { prompt: CANARY, negativePrompt: CANARY, captcha });
    }
    expect(writes.length).toBeGreaterThan(0);
    expect(puts).toHaveLength(2);
    for (const value of [...writes.map((write) => write.value), ...puts.map((record) => JSON.stringify(record))]) {
      expect(containsText(value, CANARY)).toBe(false);
    }
  });
});
