// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../widget/index.js';
import { manualClock } from '../helpers/server.js';
import { alerts, focused, readyWidget, startApi, until, untilState, type Mounted } from './harness.js';

afterEach(() => vi.restoreAllMocks());

const listenButton = (mounted: Mounted) => mounted.$<HTMLButtonElement>('[part=listen]');

describe('the spoken captcha in the widget (issue 10)', () => {
  it('has a Listen button beside the captcha image, labelled for screen readers and in the keyboard order', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const listen = listenButton(mounted);
    expect(listen.tagName).toBe('BUTTON');
    expect(listen.type).toBe('button');
    expect(listen.disabled).toBe(false);
    expect(listen.tabIndex).toBe(0);
    expect(listen.getAttribute('aria-hidden')).toBeNull();
    expect(listen.getAttribute('aria-label')).toBe('Listen to the captcha characters');
    // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
    expect(listen.getAttribute('aria-label')!.startsWith(listen.textContent!)).toBe(true);
    expect(listen.closest('.captcha-row')!.querySelector('.captcha-image img')).not.toBeNull();
    // Tab order inside the captcha: new captcha, Listen, then the answer field.
    const order = mounted.$$('button, input, textarea, summary').filter((element) => element.tabIndex >= 0);
    const at = order.indexOf(listen);
    expect(order.slice(at - 1, at + 2)).toEqual([mounted.$('button[aria-label="New captcha"]'), listen, mounted.$('#answer')]);
  });

  it.each([
    ['ja', true],
    ['de', false],
  ])("asks for the widget's language (%s) and says when the server had no voice for it and spoke English", async (lang, english) => {
    const api = await startApi();
    const fetches = vi.spyOn(globalThis, 'fetch');
    const mounted = await readyWidget(api, { lang });
    await until(() => expect(mounted.$('[part=root]').getAttribute('lang')).toBe(lang));
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue();
    listenButton(mounted).click();
    await until(() => expect(fetches.mock.calls.map(([url]) => String(url))).toContain(`${api.url}/api/v1/captcha/audio?lang=${lang}`));
    const { default: table } = await import(`../../widget/locales/${lang}.ts`);
    if (english) await until(() => expect(mounted.root.textContent).toContain(table.audioInEnglish));
    else {
      await until(() => expect(listenButton(mounted).textContent).toBe(table.stop));
      expect(mounted.root.textContent).not.toContain(table.audioInEnglish);
    }
  });

  it('plays the audio of the pending captcha from an object URL and leaves the focus in the answer field', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play');
    const created = vi.spyOn(URL, 'createObjectURL');
    const answer = mounted.$<HTMLInputElement>('#answer');
    answer.focus();
    const listen = listenButton(mounted);
    // A keyboard user reaches the button with Tab and activates it; the focus then goes back to typing.
    listen.focus();
    expect(focused(mounted)).toBe(listen);
    listen.click();
    await until(() => expect(play).toHaveBeenCalledTimes(1));
    expect(focused(mounted)).toBe(answer);
    expect(api.log).toEqual(['GET /api/v1/captcha 200', 'GET /api/v1/captcha/audio 200']);
    const blob = created.mock.calls[0]![0] as Blob;
    expect(blob.type).toBe('audio/wav');
    expect((play.mock.contexts[0] as HTMLAudioElement).src).toBe(created.mock.results[0]!.value);
    // While it plays, the button says Stop and stops it; listening again replays the same clip without asking the API.
    await until(() => expect(listen.textContent).toBe('Stop'));
    const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause');
    listen.click();
    expect(pause).toHaveBeenCalledTimes(1);
    await until(() => expect(listen.textContent).toBe('Listen'));
    expect(listen.getAttribute('aria-label')).toBe('Listen to the captcha characters');
    listen.click();
    await until(() => expect(play).toHaveBeenCalledTimes(2));
    expect(api.count('/api/v1/captcha/audio')).toBe(1);
  });

  it('a mouse press on Listen does not take the focus from the answer field', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const answer = mounted.$<HTMLInputElement>('#answer');
    answer.focus();
    const press = new MouseEvent('mousedown', { bubbles: true, cancelable: true });
    listenButton(mounted).dispatchEvent(press);
    expect(press.defaultPrevented).toBe(true);
    expect(focused(mounted)).toBe(answer);
  });

  it('reloading gives a fresh image and fresh audio together, and lets go of the old clip', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play');
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    const created = vi.spyOn(URL, 'createObjectURL');
    listenButton(mounted).click();
    await until(() => expect(play).toHaveBeenCalledTimes(1));
    const image = mounted.$<HTMLImageElement>('.captcha-image img').src;
    mounted.$('button[aria-label="New captcha"]').click();
    await until(() => expect(mounted.$<HTMLImageElement>('.captcha-image img')?.src).not.toBe(image));
    expect(revoked).toHaveBeenCalledWith(created.mock.results[0]!.value);
    listenButton(mounted).click();
    await until(() => expect(play).toHaveBeenCalledTimes(2));
    expect(api.log).toEqual(['GET /api/v1/captcha 200', 'GET /api/v1/captcha/audio 200', 'GET /api/v1/captcha 200', 'GET /api/v1/captcha/audio 200']);
    expect(mounted.$('[aria-live=polite]').textContent).toBe('A new captcha is ready.');
  });

  it('says so in an alert when the audio cannot be had, and reports it to the host', async () => {
    const now = manualClock(Date.now());
    const api = await startApi({ now });
    const mounted = await readyWidget(api);
    now.advance(11 * 60 * 1000);
    listenButton(mounted).click();
    await until(() => expect(alerts(mounted)).toEqual(['The audio captcha could not be played. Load a new captcha and try again.']));
    expect(mounted.events.at(-1)).toMatchObject({ type: 'imageka:error', detail: { stage: 'audio', code: 'captcha_expired' } });
    expect(mounted.state()).toBe('ready');
    mounted.$('button[aria-label="New captcha"]').click();
    await untilState(mounted, 'ready');
    await until(() => expect(alerts(mounted)).toEqual([]));
  });
});
