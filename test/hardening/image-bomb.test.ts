/**
 * A decompression bomb from upstream: a 16000×16000 PNG that is under 1 MB of base64 and decodes
 * to 768 MB. The server runs as a real child process (dist/api/main.js) so its memory and open
 * files can be read from /proc without the test runner's own allocations in the way.
 */
import { readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngChunk, plainPng } from '../api/providers/fixtures/images.js';
import { FakeUpstream, sendJson } from '../api/providers/fakes/upstream.js';
import { CHILD_CAPTCHA, removeChild, startChild, type Child } from '../policy/child.js';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse } from '../../sdk/types.js';

const MB = 1024 * 1024;

/** A real, decodable PNG of side×side grey pixels, deflated row by row (never held decoded). */
async function greyPng(side: number): Promise<Buffer> {
  const row = Buffer.alloc(1 + side * 3, 0x80);
  row[0] = 0;
  const deflate = zlib.createDeflate({ level: 6 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => deflate.once('end', resolve));
  for (let y = 0; y < side; y += 1) {
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', Buffer.concat(parts)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** VmRSS / VmHWM of a process, in bytes. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Bytes the process has passed to write calls so far (files and sockets alike). */
async function bytesWritten(pid: number): Promise<number> {
  return Number(/^wchar: (\d+)/m.exec(await readFile(`/proc/${pid}/io`, 'utf8'))?.[1]);
}

/** Where each open file descriptor of a process points. */
async function openFiles(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter(Boolean);
}

describe('a decompression bomb from upstream', () => {
  let upstream: FakeUpstream;
  let child: Child;
  const outcome: { status?: number; code?: string; idle?: number; peak?: number; largestStatus?: number; largestWritten?: number; files?: string[]; tmp?: string[] } = {};

  beforeAll(async () => {
    // 256 MP, 768 MB decoded; and 36 MP (108 MB decoded, over libvips's 100 MB disc threshold)
    // but under the pixel limit, which must be decoded in memory.
    const [bomb, largest, small] = await Promise.all([greyPng(16_000), greyPng(6000), plainPng({ width: 1024, height: 1024 })]);
    const answers: Partial<Record<string, Buffer>> = { success: small, malformed: bomb, slow: largest };
    upstream = await FakeUpstream.start((_seen, res, self) => {
      sendJson(res, 200, { data: [{ b64_json: answers[self.scenario]!.toString('base64') }] });
    });
    child = await startChild({
      IMAGEKA_PROVIDER: 'openai',
      OPENAI_FLAVOR: 'localai',
      OPENAI_MODEL: 'sd',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
    });
    const pid = child.process.pid!;
    const generateOnce = async () => {
      const captcha = await fetch(`${child.origin}/api/v1/captcha`);
      const pow = await solvePow(((await captcha.json()) as CaptchaResponse).pow);
      const cookie = captcha.headers.getSetCookie()[0]!.split(';')[0]!;
      const response = await fetch(`${child.origin}/api/v1/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ prompt: 'a lighthouse', captcha: CHILD_CAPTCHA, pow }),
      });
      return { status: response.status, body: (await response.json()) as { code?: string } };
    };
    // Warm: one ordinary generation, so the idle figure includes what every request loads.
    expect((await generateOnce()).status).toBe(200);
    outcome.idle = (await memory(pid)).rss;
    // Reset the peak (VmHWM) to the current size; clear_refs mode 5 exists for exactly this.
    await writeFile(`/proc/${pid}/clear_refs`, '5');

    upstream.scenario = 'malformed';
    const { status, body } = await generateOnce();
    outcome.status = status;
    outcome.code = body.code;
    outcome.peak = (await memory(pid)).peak;
    upstream.scenario = 'slow';
    const writtenBefore = await bytesWritten(pid);
    outcome.largestStatus = (await generateOnce()).status;
    outcome.largestWritten = (await bytesWritten(pid)) - writtenBefore;
    outcome.files = await openFiles(pid);
    outcome.tmp = await readdir(child.dirs.tmp);
  }, 120_000);

  afterAll(async () => {
    await removeChild(child);
    await upstream?.close();
  });

  it('gives the visitor 502 provider_error', () => {
    expect(outcome.status).toBe(502);
    expect(outcome.code).toBe('provider_error');
  });

  it('keeps the peak memory within 100 MB of idle', () => {
    expect(outcome.idle).toBeGreaterThan(0);
    expect((outcome.peak! - outcome.idle!) / MB).toBeLessThanOrEqual(100);
  });

  it('still accepts the largest allowed image', () => {
    expect(outcome.largestStatus).toBe(200);
  });

  it('leaves no temporary file behind, open or on disk, for the bomb or the largest allowed image', () => {
    expect(outcome.files!.filter((target) => target.includes('(deleted)') || target.includes(child.dirs.tmp) || /vips/i.test(target))).toEqual([]);
    expect(outcome.tmp).toEqual([]);
  });

  it('writes nothing of a 108 MB decode anywhere: all its write calls (log line, sockets) add up to under 10 MB', () => {
    expect(outcome.largestWritten).toBeGreaterThan(0);
    expect(outcome.largestWritten! / MB).toBeLessThan(10);
  });
});
