import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../../api/captcha/wav.js';
import { speak } from '../../../api/captcha/speech-thread.js';
import { assertBuildCurrent } from '../../helpers/build.js';

const utterance = { text: 'M, as in mike.', variant: 'klatt', pitch: 50, speed: 150, amplitude: 100 };

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
