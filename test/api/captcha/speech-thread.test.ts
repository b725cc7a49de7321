import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../../api/captcha/wav.js';
import { SpeechPool, speak } from '../../../api/captcha/speech-thread.js';
import { assertBuildCurrent } from '../../helpers/build.js';

const utterance = { text: 'M, as in mike.', voice: 'en/en-us', variant: 'klatt', pitch: 50, speed: 150, amplitude: 100, wordgap: 0 };

describe('speech thread', () => {
  it('says each utterance as its own WAV clip', async () => {
    const clips = await speak([utterance, { ...utterance, text: 'number three.' }]);
    expect(clips).toHaveLength(2);
    for (const clip of clips) expect(decodeWav(clip).samples.length).toBeGreaterThan(1000);
  });

  it('serves clips asked for at the same time', async () => {
    const batches = await Promise.all(Array.from({ length: 4 }, () => speak([utterance])));
    expect(batches.map((clips) => clips.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps a process alive while a clip is pending and lets it exit when idle (built server code)', () => {
    assertBuildCurrent();
    const script = `import('./dist/api/captcha/audio.js').then(async ({ renderCaptchaAudio }) => { const wav = await renderCaptchaAudio('AC3'); console.log(wav.length > 44 ? 'spoken' : 'empty'); });`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout.trim()).toBe('spoken');
    expect(result.status).toBe(0);
  });
});

describe('speech pool', () => {
  const job = (text = 'A.') => [{ ...utterance, text }];

  it('gives each client a bounded share and the queue a bound, refusing beyond them at once', async () => {
    const pool = new SpeechPool({ threads: 1, perClient: 2, queueLimit: 2 });
    const a = [pool.speak(job(), 'a'), pool.speak(job(), 'a')];
    await expect(pool.speak(job(), 'a')).rejects.toMatchObject({ name: 'SpeechBusyError', reason: 'client' });
    const b = [pool.speak(job(), 'b')];
    // One speaking and two waiting: the queue is full for everyone.
    await expect(pool.speak(job(), 'd')).rejects.toMatchObject({ name: 'SpeechBusyError', reason: 'queue' });
    expect((await Promise.all([...a, ...b])).map((clips) => clips.length)).toEqual([1, 1, 1]);
    // Shares are given back when jobs end.
    expect(await pool.speak(job(), 'a')).toHaveLength(1);
  });

  it('serves waiting clients in turn, so a flood waits behind itself', async () => {
    const pool = new SpeechPool({ threads: 1, perClient: 10, queueLimit: 10 });
    const order: string[] = [];
    const track = (client: string, name: string) => pool.speak(job(), client).then(() => void order.push(name));
    await Promise.all([track('flood', 'f1'), track('flood', 'f2'), track('flood', 'f3'), track('flood', 'f4'), track('victim', 'v1')]);
    expect(order.indexOf('v1')).toBeLessThanOrEqual(2);
  });

  it('fails a job whose engine fails, and only that job', async () => {
    const pool = new SpeechPool({ threads: 1 });
    const results = await Promise.allSettled([
      pool.speak(job(), 'a'),
      pool.speak([{ ...utterance, voice: 'no-such-voice' }], 'b'),
      pool.speak(job(), 'c'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('captcha audio: speech engine failed');
  });

  it('times out each job on its own: a hung job ends its thread, the next job gets a new one', async () => {
    const pool = new SpeechPool({ threads: 1, jobTimeoutMs: 1 });
    const results = await Promise.allSettled([pool.speak(job('A, as in alpha.'), 'a'), pool.speak(job('B, as in bravo.'), 'b')]);
    // Each failed by its own timer, not as collateral of the other's ended thread.
    expect(results.map((result) => (result as PromiseRejectedResult).reason?.message)).toEqual([
      'captcha audio: speech thread timed out',
      'captcha audio: speech thread timed out',
    ]);
  });
});
