// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../api/providers/types.js';
import '../../widget/index.js';
import { manualClock, scriptedProvider } from '../helpers/server.js';
import { alerts, ANSWER, fillAndGenerate, focused, mount, openOptions, readyWidget, startApi, until, untilState, type Mounted } from './harness.js';

const lastError = (mounted: Mounted) => mounted.events.filter((event) => event.type === 'imageka:error').at(-1)?.detail;
const prompt = (mounted: Mounted) => mounted.$<HTMLTextAreaElement>('#prompt').value;
const captchaShown = (mounted: Mounted) => until(() => expect(mounted.root.querySelector('.captcha-image img')).not.toBeNull());

describe('every error keeps the prompt and says what to do', () => {
  it('a wrong answer: a fresh captcha loads by itself, with a clear message and the focus in the answer field', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted, 'a quiet harbour', 'WRONG');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['That captcha answer was not right. Here is a new one: try again.']);
    // The message sits with the answer field, which describes itself by it.
    expect(mounted.$('#answer-problem [role=alert]').textContent).toBe('That captcha answer was not right. Here is a new one: try again.');
    expect(mounted.$('#answer').getAttribute('aria-describedby')).toContain('answer-problem');
    expect(lastError(mounted)).toEqual({ stage: 'generate', code: 'captcha_wrong', message: 'That captcha answer was not right. Here is a new one: try again.' });
    await captchaShown(mounted);
    expect(api.log).toEqual(['GET /api/v1/captcha 200', 'POST /api/v1/generate 403', 'GET /api/v1/captcha 200']);
    expect(prompt(mounted)).toBe('a quiet harbour');
    expect(mounted.$<HTMLInputElement>('#answer').value).toBe('');
    expect(focused(mounted)).toBe(mounted.$('#answer'));
    await fillAndGenerate(mounted, 'a quiet harbour', ANSWER);
    await untilState(mounted, 'done');
  });

  it('an expired captcha (its proof of work, checked first, expired with it): a fresh one loads by itself, with its own message', async () => {
    const now = manualClock(Date.now());
    const api = await startApi({ now });
    const mounted = await readyWidget(api);
    now.advance(11 * 60 * 1000);
    await fillAndGenerate(mounted, 'late');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['The captcha check expired or was used. Here is a new captcha: try again.']);
    expect(lastError(mounted)).toMatchObject({ code: 'pow_invalid' });
    await captchaShown(mounted);
    expect(api.count('/api/v1/captcha')).toBe(2);
    expect(prompt(mounted)).toBe('late');
  });

  it('too many images, found out at Generate: a true message next to Generate, which has the focus and waits out the countdown', async () => {
    const api = await startApi({ generateLimit: 2, generateWindowMs: 3000 });
    const mounted = await readyWidget(api);
    expect(mounted.$('[part=left]').textContent).toBe('2 images left for now ');
    // Another tab on the same network uses the allowance the widget was told about.
    for (let i = 0; i < 2; i += 1) await api.server.plugins['imageka-rate-limit'].check({ headers: { 'x-imageka-client': '127.0.0.1' } } as never);
    await fillAndGenerate(mounted, 'two');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['Your network has made as many images as allowed for now.']);
    const detail = lastError(mounted) as { code: string; retryAfter: number };
    expect(detail.code).toBe('rate_limited');
    expect(detail.retryAfter).toBeGreaterThanOrEqual(1);
    const generate = mounted.$<HTMLButtonElement>('button[type=submit]');
    expect(mounted.$('#generate-problem').querySelector('[role=alert]')).not.toBeNull();
    expect(generate.getAttribute('aria-describedby')).toBe('generate-problem');
    expect(focused(mounted)).toBe(generate);
    const countdown = () => mounted.root.querySelector('.countdown')?.textContent ?? '';
    expect(countdown()).toMatch(/^You can try again in [1-3] sec\.$/);
    const first = countdown();
    expect(generate.getAttribute('aria-disabled')).toBe('true');
    await captchaShown(mounted);
    generate.click();
    await until(() => expect(countdown()).not.toBe(first));
    expect(api.count('/api/v1/generate')).toBe(1);
    await untilState(mounted, 'ready');
    expect(generate.getAttribute('aria-disabled')).toBe('false');
    expect(prompt(mounted)).toBe('two');
  });

  it('no images left: the widget says so and how long to wait before a captcha is spent, and sends nothing', async () => {
    const api = await startApi({ generateLimit: 1, generateWindowMs: 6000 });
    const mounted = await readyWidget(api);
    expect(mounted.$('[part=left]').textContent).toBe('1 image left for now ');
    await fillAndGenerate(mounted, 'one');
    await untilState(mounted, 'done');
    await captchaShown(mounted);
    await until(() => expect(alerts(mounted)).toEqual(['Your network has made as many images as allowed for now.']));
    expect(mounted.$('.countdown').textContent).toMatch(/^You can try again in [1-6] sec\.$/);
    expect(mounted.root.querySelector('[part=left]')).toBeNull();
    const generate = mounted.$<HTMLButtonElement>('button[type=submit]');
    expect(generate.getAttribute('aria-disabled')).toBe('true');
    await fillAndGenerate(mounted, 'two');
    expect(api.count('/api/v1/generate')).toBe(1);
    // The picture made before stays on screen.
    expect(mounted.$<HTMLImageElement>('[part=result-image]').alt).toBe('Generated image: one');
    await until(() => expect(generate.getAttribute('aria-disabled')).toBe('false'), 15_000);
    expect(mounted.root.querySelector('.countdown')).toBeNull();
  });

  it('too many captchas: a message of its own in the captcha box, reload and Listen wait, then it loads by itself', async () => {
    const api = await startApi({ captchaPerMinute: 1 });
    const mounted = await readyWidget(api);
    mounted.$('button[aria-label="New captcha"]').click();
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['Many captchas were loaded from your network in the last minute.']);
    expect(mounted.$('#answer-problem [role=alert]')).not.toBeNull();
    expect(lastError(mounted)).toMatchObject({ stage: 'captcha', code: 'rate_limited' });
    expect(mounted.$('.countdown').textContent).toMatch(/^You can try again in (1 min 0 sec|\d+ sec)\.$/);
    expect(mounted.$('.captcha-image').textContent).toBe('No captcha yet. Load one with New captcha.');
    expect(mounted.$<HTMLButtonElement>('button[aria-label="New captcha"]').disabled).toBe(true);
    expect(mounted.$<HTMLButtonElement>('[part=listen]').disabled).toBe(true);
  });

  it.each([
    ['rejected', 'The image service declined this prompt. Try describing it differently.', 'prompt_rejected', '#prompt'],
    ['error', 'The image service failed to make this image. Try again.', 'provider_error', 'button[type=submit]'],
    ['timeout', 'The image service took too long. Try again.', 'provider_timeout', 'button[type=submit]'],
  ] as const)('the image service fails (%s): the message, a fresh captcha, the focus where it helps', async (kind, message, code, focus) => {
    const api = await startApi({ provider: scriptedProvider(async () => Promise.reject(new UpstreamError(kind, 'scripted'))) });
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted, 'a castle');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual([message]);
    expect(lastError(mounted)).toMatchObject({ stage: 'generate', code, message });
    expect(focused(mounted)).toBe(mounted.$(focus));
    await captchaShown(mounted);
    expect(prompt(mounted)).toBe('a castle');
  });

  it('a busy image service: the wait it asked for counts down', async () => {
    const api = await startApi({ provider: scriptedProvider(async () => Promise.reject(new UpstreamError('busy', 'scripted', { retryAfter: 30 }))) });
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted);
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['The image service is busy right now.']);
    expect(mounted.$('.countdown').textContent).toMatch(/^You can try again in (29|30) sec\.$/);
    expect(lastError(mounted)).toMatchObject({ code: 'provider_busy', retryAfter: 30 });
  });

  it("a request the API refuses shows the API's own words", async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await openOptions(mounted);
    const seed = mounted.$<HTMLInputElement>('#seed');
    seed.value = '99999999999';
    seed.dispatchEvent(new Event('input', { bubbles: true }));
    await fillAndGenerate(mounted, 'a seed too large');
    await untilState(mounted, 'error');
    const [text] = alerts(mounted);
    expect(text).toMatch(/seed/i);
    expect(lastError(mounted)).toMatchObject({ code: 'invalid_request', message: text });
    expect(prompt(mounted)).toBe('a seed too large');
  });

  it('the network fails: a message that says so, and the prompt stays', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await api.server.stop();
    await fillAndGenerate(mounted, 'offline');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['The image service could not be reached. Check your connection and try again.']);
    expect(lastError(mounted)).toMatchObject({ stage: 'generate', code: 'connection_error' });
    expect(prompt(mounted)).toBe('offline');
  });

  it('Cancel really cancels: the request is aborted, the image service is told, and the widget is ready again', async () => {
    let upstream: AbortSignal | undefined;
    const provider = scriptedProvider(
      (input) =>
        new Promise((_resolve, reject) => {
          upstream = input.signal;
          input.signal.addEventListener('abort', () => reject(input.signal.reason));
        }),
    );
    const api = await startApi({ provider });
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted, 'never finished');
    await until(() => expect(upstream).toBeDefined());
    const cancel = mounted.$('[part=cancel]');
    expect(cancel.textContent).toBe('Cancel');
    cancel.click();
    await untilState(mounted, 'ready');
    await until(() => expect(upstream?.aborted).toBe(true));
    expect(mounted.events.map((event) => event.type)).toEqual(['imageka:ready', 'imageka:generate', 'imageka:cancel']);
    expect(mounted.$('[aria-live=polite]').textContent).toBe('Cancelled. Nothing was made.');
    expect(alerts(mounted)).toEqual([]);
    expect(focused(mounted)).toBe(mounted.$('button[type=submit]'));
    expect(prompt(mounted)).toBe('never finished');
  });

  it('a captcha that cannot be loaded offers to try again', async () => {
    const api = await startApi();
    const { port } = api.server.info;
    await api.server.stop();
    const mounted = mount({ api: api.url });
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['The image service could not be reached. Check your connection and try again.']);
    expect(lastError(mounted)).toMatchObject({ stage: 'captcha', code: 'connection_error' });
    const restarted = await startApi({ port: Number(port) });
    expect(restarted.url).toBe(api.url);
    mounted.$$('button').find((button) => button.textContent === 'Try again')!.click();
    await untilState(mounted, 'ready');
    expect(restarted.log).toEqual(['GET /api/v1/captcha 200']);
  });
});
