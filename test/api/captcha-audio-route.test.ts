import { describe, expect, it } from 'vitest';
import { renderCaptchaAudio } from '../../api/captcha/audio.js';
import { decodeWav } from '../../api/captcha/wav.js';
import { seededRandom } from '../../api/lib/seeded-random.js';
import { fixedCaptcha, generate, issueCaptcha, testServer } from '../helpers/server.js';

const speakSeeded = (answer: string) => renderCaptchaAudio(answer, seededRandom(7));

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
