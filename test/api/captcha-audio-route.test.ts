import { describe, expect, it } from 'vitest';
import { renderCaptchaAudio } from '../../api/captcha/audio.js';
import { decodeWav } from '../../api/captcha/wav.js';
import { seededRandom } from '../../api/lib/seeded-random.js';
import { fixedCaptcha, generate, issueCaptcha, testServer } from '../helpers/server.js';

const speakSeeded = (answer: string, context?: { language: string }) =>
  renderCaptchaAudio(answer, { random: seededRandom(7), language: context?.language });

describe('GET /api/v1/captcha/audio', () => {
  it('answers valid WAV audio of plausible length for the pending answer, never cached', async () => {
    const server = await testServer();
    const { cookie } = await issueCaptcha(server);
    const response = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('audio/wav');
    expect(response.headers['cache-control']).toBe('no-store');
    const pcm = decodeWav(response.rawPayload);
    const seconds = pcm.samples.length / pcm.sampleRate;
    expect(seconds).toBeGreaterThan(5 * 0.4);
    expect(seconds).toBeLessThan(5 * 2.5);
  });

  it('speaks the answer held in the session, and that answer is the one that works (once)', async () => {
    const server = await testServer({ captchaAudio: speakSeeded });
    const { cookie } = await issueCaptcha(server);
    const heard = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(Buffer.compare(heard.rawPayload, await speakSeeded('acdeh'))).toBe(0);
    expect(Buffer.compare(heard.rawPayload, await speakSeeded('acdex'))).not.toBe(0);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'acdeh' })).statusCode).toBe(200);
    // Solving either form spends the one answer: no audio is left to hear.
    const after = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(after.result).toMatchObject({ code: 'captcha_missing' });
  });

  it('gives fresh audio with a fresh captcha', async () => {
    let text = 'ACDEH';
    const server = await testServer({ captcha: () => fixedCaptcha(text)(), captchaAudio: speakSeeded });
    const { cookie } = await issueCaptcha(server);
    const first = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    text = 'MNPRT';
    const renewed = await issueCaptcha(server, { cookie });
    const second = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie: renewed.cookie } });
    expect(Buffer.compare(second.rawPayload, await speakSeeded('mnprt'))).toBe(0);
    expect(Buffer.compare(first.rawPayload, second.rawPayload)).not.toBe(0);
  });

  it('speaks the session answer in German and French when asked, and says which language it spoke', async () => {
    const server = await testServer({ captchaAudio: speakSeeded });
    const { cookie } = await issueCaptcha(server);
    for (const [lang, spoken] of [['de', 'de'], ['fr-CA', 'fr']] as const) {
      const response = await server.inject({ url: `/api/v1/captcha/audio?lang=${lang}`, headers: { cookie } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-language']).toBe(spoken);
      expect(Buffer.compare(response.rawPayload, await speakSeeded('acdeh', { language: spoken }))).toBe(0);
      expect(Buffer.compare(response.rawPayload, await speakSeeded('acdex', { language: spoken }))).not.toBe(0);
      expect(Buffer.compare(response.rawPayload, await speakSeeded('acdeh'))).not.toBe(0);
    }
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'acdeh' })).statusCode).toBe(200);
  }, 120_000);

  it('asks for the language the tag names: its primary subtag, Brazilian Portuguese for any Portuguese', async () => {
    const server = await testServer({ captchaAudio: async (_answer, { language }) => Buffer.from(`RIFF spoken in ${language}`), audioPerCaptcha: 20 });
    const { cookie } = await issueCaptcha(server);
    const cases = { 'de-CH': 'de', 'DE': 'de', 'pt-BR': 'pt-BR', 'pt-PT': 'pt-BR', 'en-GB': 'en', es: 'es', it: 'it', nl: 'nl', pl: 'pl', tr: 'tr', 'zh-Hant-TW': 'en' };
    for (const [lang, spoken] of Object.entries(cases)) {
      const response = await server.inject({ url: `/api/v1/captcha/audio?lang=${lang}`, headers: { cookie } });
      expect([lang, response.headers['content-language'], response.payload]).toEqual([lang, spoken, `RIFF spoken in ${spoken}`]);
    }
  });

  it('falls back to English for a language without a voice, and refuses a malformed tag', async () => {
    const server = await testServer({ captchaAudio: speakSeeded, audioPerCaptcha: 20 });
    const { cookie } = await issueCaptcha(server);
    const english = await speakSeeded('acdeh');
    for (const lang of ['ja', 'ar', 'he', 'xx-YY']) {
      const response = await server.inject({ url: `/api/v1/captcha/audio?lang=${lang}`, headers: { cookie } });
      expect(response.headers['content-language']).toBe('en');
      expect(Buffer.compare(response.rawPayload, english)).toBe(0);
    }
    expect((await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } })).headers['content-language']).toBe('en');
    for (const lang of ['', 'd', 'de_DE', '<script>', 'de-', 'x'.repeat(40), '12']) {
      const response = await server.inject({ url: `/api/v1/captcha/audio?lang=${encodeURIComponent(lang)}`, headers: { cookie } });
      expect(response.statusCode).toBe(400);
      expect(response.result).toMatchObject({ code: 'invalid_request' });
      expect(response.payload).not.toContain('script');
    }
    const twice = await server.inject({ url: '/api/v1/captcha/audio?lang=de&lang=fr', headers: { cookie } });
    expect(twice.result).toMatchObject({ code: 'invalid_request' });
  }, 120_000);

  it('plays one captcha a few times, then asks for a new one (captcha_audio_limit)', async () => {
    const server = await testServer({ captchaAudio: speakSeeded, audioPerCaptcha: 3 });
    const { cookie } = await issueCaptcha(server);
    const play = () => server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    // In parallel too: the count is atomic.
    const plays = await Promise.all(Array.from({ length: 6 }, play));
    expect(plays.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = plays.find((r) => r.statusCode === 429)!;
    expect(refused.result).toMatchObject({ code: 'captcha_audio_limit' });
    expect(refused.payload).not.toContain('acdeh');
    // A new captcha (in a new session) can be heard again.
    const renewed = (await issueCaptcha(server, { cookie })).cookie;
    expect((await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie: renewed } })).statusCode).toBe(200);
    expect((await generate(server, renewed, { prompt: 'a', captcha: 'acdeh' })).statusCode).toBe(200);
  });

  it('refuses when no captcha is pending', async () => {
    const server = await testServer();
    const response = await server.inject({ url: '/api/v1/captcha/audio' });
    expect(response.statusCode).toBe(400);
    expect(response.result).toMatchObject({ code: 'captcha_missing' });
  });

  it('does not spend the captcha by being played', async () => {
    const server = await testServer({ captchaAudio: speakSeeded });
    const { cookie } = await issueCaptcha(server);
    await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
  });
});
