import { describe, expect, it } from 'vitest';
import { renderCaptchaAudio, renderCaptchaTracks } from '../../../api/captcha/audio.js';
import { CAPTCHA_ALPHABET, defaultCaptchaMaker } from '../../../api/captcha/maker.js';
import { SPOKEN_LANGUAGES, spokenLanguageFor } from '../../../api/captcha/spoken-languages.js';
import { seededRandom } from '../../../api/lib/seeded-random.js';

interface Wav {
  sampleRate: number;
  samples: Int16Array;
}

/** Reads the file the way a strict player would: every header field must agree with the data. */
function parseWav(bytes: Buffer): Wav {
  expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  expect(bytes.toString('latin1', 8, 12)).toBe('WAVE');
  expect(bytes.toString('latin1', 12, 16)).toBe('fmt ');
  expect(bytes.readUInt32LE(16)).toBe(16);
  expect(bytes.readUInt16LE(20)).toBe(1); // PCM
  const channels = bytes.readUInt16LE(22);
  const sampleRate = bytes.readUInt32LE(24);
  const bitsPerSample = bytes.readUInt16LE(34);
  expect(channels).toBe(1);
  expect([16000, 22050, 44100]).toContain(sampleRate);
  expect(bitsPerSample).toBe(16);
  expect(bytes.readUInt16LE(32)).toBe(channels * (bitsPerSample / 8)); // block align
  expect(bytes.readUInt32LE(28)).toBe(sampleRate * channels * (bitsPerSample / 8)); // byte rate
  expect(bytes.toString('latin1', 36, 40)).toBe('data');
  const dataSize = bytes.readUInt32LE(40);
  expect(dataSize).toBe(bytes.length - 44);
  expect(dataSize % 2).toBe(0);
  const samples = new Int16Array(dataSize / 2);
  for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(44 + 2 * i);
  return { sampleRate, samples };
}

function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += (samples[i]! / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('renderCaptchaAudio', () => {
  it('returns a complete 16-bit mono PCM WAV file', async () => {
    const { samples } = parseWav(await renderCaptchaAudio('ac3'));
    expect(samples.length).toBeGreaterThan(0);
  });

  it('lasts a plausible time for the number of characters', async () => {
    // Seeded, so the random pauses cannot push a run past a bound by chance.
    for (const [seed, text] of [[1, 'ac3'], [2, 'wxy6'], [3, defaultCaptchaMaker().text.toLowerCase()]] as const) {
      const { sampleRate, samples } = parseWav(await renderCaptchaAudio(text, { random: seededRandom(seed) }));
      const perCharacter = samples.length / sampleRate / text.length;
      expect(perCharacter).toBeGreaterThan(0.4);
      expect(perCharacter).toBeLessThan(2.5);
    }
  }, 60_000);

  it('is speech over a quieter background, not silence and not just noise', async () => {
    const { sampleRate, samples } = parseWav(await renderCaptchaAudio('mn9'));
    expect(rms(samples)).toBeGreaterThan(0.03);
    const window = Math.round(sampleRate * 0.05);
    const levels: number[] = [];
    for (let at = 0; at + window <= samples.length; at += window) levels.push(rms(samples, at, at + window));
    levels.sort((a, b) => a - b);
    const quiet = levels[Math.floor(levels.length * 0.1)]!;
    const loud = levels[Math.floor(levels.length * 0.9)]!;
    expect(quiet).toBeGreaterThan(0.002); // the background noise is there, even between words
    expect(loud / quiet).toBeGreaterThan(3);
  });

  it('keeps the letters clearly louder than the babble and noise under them (at least 10 dB while speaking)', async () => {
    for (const [seed, language] of [[1, 'en'], [2, 'en'], [3, 'de'], [4, 'fr']] as const) {
      const { sampleRate, speech, background } = await renderCaptchaTracks('mn9px', { random: seededRandom(seed), language });
      expect(background.length).toBe(speech.length);
      const window = Math.round(sampleRate * 0.02);
      const frames: Array<{ speech: number; background: number }> = [];
      for (let at = 0; at + window <= speech.length; at += window) {
        let s = 0;
        let b = 0;
        for (let i = at; i < at + window; i += 1) {
          s += speech[i]! ** 2;
          b += background[i]! ** 2;
        }
        frames.push({ speech: s, background: b });
      }
      const loudest = Math.max(...frames.map((frame) => frame.speech));
      const speaking = frames.filter((frame) => frame.speech > loudest / 1000);
      const ratio = speaking.reduce((sum, frame) => sum + frame.speech, 0) / speaking.reduce((sum, frame) => sum + frame.background, 0);
      expect(10 * Math.log10(ratio)).toBeGreaterThan(10);
      // …and the background is not silence between the characters either.
      expect(frames.every((frame) => frame.background > 0)).toBe(true);
    }
  }, 60_000);

  it('speaks each language with its own words and voice', async () => {
    const english = await renderCaptchaAudio('pt6', { random: seededRandom(5) });
    const german = await renderCaptchaAudio('pt6', { random: seededRandom(5), language: 'de' });
    const french = await renderCaptchaAudio('pt6', { random: seededRandom(5), language: 'fr' });
    expect(english.equals(german)).toBe(false);
    expect(german.equals(french)).toBe(false);
    expect(german.equals(await renderCaptchaAudio('pt6', { random: seededRandom(5), language: 'de' }))).toBe(true);
    await expect(renderCaptchaAudio('pt6', { language: 'ja' })).rejects.toThrow(/unsupported language/);
  }, 60_000);

  it('has a spelling word for every letter in every language, and picks languages by tag', () => {
    for (const language of Object.values(SPOKEN_LANGUAGES)) {
      expect(language.words).toHaveLength(26);
      for (const words of language.words) expect(words.every((word) => word.length > 1)).toBe(true);
      for (const phrase of language.letterPhrases) expect(phrase).toMatch(/\{letter\}.*\{word\}/);
      for (const phrase of language.digitPhrases) expect(phrase).toContain('{digit}');
    }
    expect(Object.keys(SPOKEN_LANGUAGES).sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'nl', 'pl', 'pt-BR', 'tr']);
    expect(['de-CH', 'FR', 'pt', 'pt-PT', 'ja', 'ar', 'he', undefined, 'xx'].map(spokenLanguageFor)).toEqual(['de', 'fr', 'pt-BR', 'pt-BR', 'en', 'en', 'en', 'en', 'en']);
  });

  it('sounds different on each render of the same text', async () => {
    const first = await renderCaptchaAudio('wxy');
    const second = await renderCaptchaAudio('wxy');
    expect(first.equals(second)).toBe(false);
  });

  it('is deterministic when the random source is injected, whatever the case of the text', async () => {
    const first = await renderCaptchaAudio('pt6', { random: seededRandom(5) });
    const second = await renderCaptchaAudio('PT6', { random: seededRandom(5) });
    const other = await renderCaptchaAudio('pt6', { random: seededRandom(6) });
    expect(first.equals(second)).toBe(true);
    expect(first.equals(other)).toBe(false);
  });

  it('never carries the answer as text', async () => {
    for (let i = 0; i < 3; i += 1) {
      const answer = defaultCaptchaMaker().text;
      const bytes = (await renderCaptchaAudio(answer.toLowerCase())).toString('latin1').toLowerCase();
      expect(bytes).not.toContain(answer.toLowerCase());
    }
  });

  it('speaks every character of the alphabet', async () => {
    const { sampleRate, samples } = parseWav(await renderCaptchaAudio(CAPTCHA_ALPHABET.toLowerCase()));
    expect(samples.length / sampleRate).toBeGreaterThan(0.4 * CAPTCHA_ALPHABET.length);
  });

  it('refuses empty or over-long text and characters it has no spoken name for', async () => {
    await expect(renderCaptchaAudio('')).rejects.toThrow(/length/);
    await expect(renderCaptchaAudio('a'.repeat(21))).rejects.toThrow(/length/);
    await expect(renderCaptchaAudio('a!')).rejects.toThrow(/unsupported character/);
    await expect(renderCaptchaAudio('a b')).rejects.toThrow(/unsupported character/);
  });

  it('keeps working past the ~75 calls after which a single meSpeak engine corrupts itself', async () => {
    // 18 clips of 5 characters: 90 speech calls, which used to end in a V8 abort of the process.
    for (let i = 0; i < 18; i += 1) {
      const { samples } = parseWav(await renderCaptchaAudio('henry'));
      expect(rms(samples)).toBeGreaterThan(0.03);
    }
   }, 120_000);
});
