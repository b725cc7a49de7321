// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../../widget/index.js';
import { HISTORY_KEY } from '../../widget/storage.js';
import { alerts, ANSWER, fakeQuota, fillAndGenerate, focused, openOptions, readyWidget, startApi, tick, type, until, untilState } from './harness.js';

describe('<imageka-widget> against the real API, through the SDK', () => {
  it('goes idle → loading-captcha → ready → generating → done, and shows the image with its preview badge', async () => {
    const api = await startApi();
    const seen: string[] = [];
    const widget = document.createElement('imageka-widget');
    widget.setAttribute('api', api.url);
    const observer = new MutationObserver(() => {
      const state = widget.shadowRoot?.querySelector<HTMLElement>('.root')?.dataset.state;
      if (state && state !== seen.at(-1)) seen.push(state);
    });
    document.body.append(widget);
    observer.observe(widget.shadowRoot!, { subtree: true, attributes: true, childList: true });
    const mounted = { widget, root: widget.shadowRoot!, $: <E extends Element>(s: string) => widget.shadowRoot!.querySelector<E>(s)!, $$: () => [], events: [], state: () => widget.shadowRoot!.querySelector<HTMLElement>('.root')?.dataset.state };
    await untilState(mounted, 'ready');
    await fillAndGenerate(mounted);
    await until(() => expect(seen).toContain('done'));
    await until(() => expect(mounted.$('.captcha-image img')).not.toBeNull());
    observer.disconnect();
    expect(seen.slice(0, 4)).toEqual(['loading-captcha', 'ready', 'generating', 'done']);
    const image = mounted.$<HTMLImageElement>('[part=result-image]');
    expect(image.src).toMatch(/^data:image\/webp;base64,/);
    expect(image.alt).toBe('Generated image: a lighthouse at dawn');
    expect(mounted.$('[part=badge]').textContent).toBe('Preview — not AI');
    const download = mounted.$<HTMLAnchorElement>('[part=download]');
    expect(download.getAttribute('download')).toMatch(/^imageka-\d+\.webp$/);
    expect(download.href).toBe(image.src);
    expect(api.log).toEqual(['GET /api/v1/captcha 200', 'POST /api/v1/generate 200', 'GET /api/v1/captcha 200']);
    widget.remove();
  });

  it('dispatches ready, generate and image events that bubble out of the shadow root, never with the answer', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await openOptions(mounted);
    await type(mounted.$('#negative'), 'text, watermark');
    await type(mounted.$('#seed'), '42');
    mounted.$<HTMLInputElement>('input[name=ratio][value="16:9"]').click();
    await fillAndGenerate(mounted, 'a red fox');
    await untilState(mounted, 'done');
    expect(mounted.events.map((event) => event.type)).toEqual(['imageka:ready', 'imageka:generate', 'imageka:image']);
    for (const event of mounted.events) expect(event).toMatchObject({ bubbles: true, composed: true });
    const [ready, generate, image] = mounted.events.map((event) => event.detail);
    expect(ready).toEqual({ api: api.url });
    expect(generate).toEqual({ prompt: 'a red fox', negativePrompt: 'text, watermark', width: 1280, height: 720, seed: 42 });
    expect(image).toMatchObject({ prompt: 'a red fox', negativePrompt: 'text, watermark', width: 1280, height: 720, seed: 42, provider: { name: 'offline', preview: true } });
    expect((image as { image: string }).image).toMatch(/^data:image\/webp;base64,/);
    expect(JSON.stringify(mounted.events).toLowerCase()).not.toContain(ANSWER.toLowerCase());
  });

  it('generates with Ctrl+Enter and with Cmd+Enter from any field', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await type(mounted.$('#prompt'), 'a boat');
    await type(mounted.$('#answer'), ANSWER);
    mounted.$('#prompt').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    await untilState(mounted, 'done');
    await until(() => expect(mounted.$('.captcha-image img')).not.toBeNull());
    await type(mounted.$('#answer'), ANSWER);
    mounted.$('#answer').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', metaKey: true, bubbles: true }));
    await until(() => expect(api.count('/api/v1/generate')).toBe(2));
  });

  it('moves focus to Cancel while generating and to the result heading when the image arrives', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted);
    expect(mounted.state()).toBe('generating');
    expect(focused(mounted)).toBe(mounted.$('[part=cancel]'));
    expect(mounted.$('[role=progressbar]').getAttribute('aria-label')).toBe('Progress');
    await untilState(mounted, 'done');
    expect(focused(mounted)).toBe(mounted.$('#output-heading'));
    expect(mounted.$('[aria-live=polite]').textContent).toBe('Your image is ready.');
  });

  it('refuses to send without a prompt or an answer, says why and focuses the field', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    mounted.$('button[type=submit]').click();
    await tick();
    expect(mounted.$('#prompt').getAttribute('aria-invalid')).toBe('true');
    expect(mounted.$('#prompt-error').textContent).toBe('Describe the image you want first.');
    expect(focused(mounted)).toBe(mounted.$('#prompt'));
    await type(mounted.$('#prompt'), '   a cat   ');
    expect(mounted.$('#prompt').getAttribute('aria-invalid')).toBe('false');
    mounted.$('button[type=submit]').click();
    await tick();
    expect(mounted.$('#answer').getAttribute('aria-invalid')).toBe('true');
    expect(focused(mounted)).toBe(mounted.$('#answer'));
    expect(api.count('/api/v1/generate')).toBe(0);
  });

  it('counts the prompt characters against the 1000 limit', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const prompt = mounted.$<HTMLTextAreaElement>('#prompt');
    expect(prompt.maxLength).toBe(1000);
    await type(prompt, 'x'.repeat(950));
    const counter = mounted.$('#prompt-counter');
    // Numbers are worded for the language: English groups thousands.
    expect(counter.textContent).toBe('950 / 1,000');
    expect(counter.getAttribute('aria-label')).toBe('50 characters left');
    expect(prompt.getAttribute('aria-describedby')).toContain('prompt-counter');
  });

  it('keeps each image in history, newest first, and offers it again', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    expect(mounted.$('.gallery').textContent).toContain('Images you make appear here.');
    await fillAndGenerate(mounted, 'first');
    await untilState(mounted, 'done');
    await until(() => expect(mounted.$('.captcha-image img')).not.toBeNull());
    mounted.$<HTMLInputElement>('input[name=ratio][value="2:3"]').click();
    await fillAndGenerate(mounted, 'second');
    await until(() => expect(mounted.$$('.tile')).toHaveLength(2));
    const stored = JSON.parse(localStorage.getItem(HISTORY_KEY)!) as { prompt: string; width: number; height: number; createdAt: number; image: string }[];
    expect(stored.map((item) => [item.prompt, item.width, item.height])).toEqual([['second', 832, 1248], ['first', 1024, 1024]]);
    expect(stored.every((item) => item.image.startsWith('data:image/') && item.createdAt > 0)).toBe(true);
    expect(Object.keys(localStorage).every((key) => key.startsWith('imageka:'))).toBe(true);
    expect(mounted.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['second', 'first']);
    expect(mounted.$$('.tile time')[0]!.getAttribute('datetime')).toBe(new Date(stored[0]!.createdAt).toISOString());

    // Each tile opens a larger view with what made the picture, and its actions.
    await type(mounted.$('#prompt'), 'something else');
    const dialog = () => mounted.root.querySelector<HTMLDialogElement>('dialog.viewer');
    const inDialog = (text: string) => [...dialog()!.querySelectorAll('button')].find((b) => b.textContent === text)!;
    const secondTile = mounted.$$('.tile')[1]!;
    secondTile.click();
    await until(() => expect(dialog()?.open).toBe(true));
    expect(dialog()!.querySelector('#viewer-prompt')!.textContent).toBe('first');
    expect(dialog()!.querySelector('dl')!.textContent).toContain('1024 × 1024');
    expect(dialog()!.querySelector('dl')!.textContent).toMatch(/Seed\d+Made/);
    expect(dialog()!.querySelector<HTMLAnchorElement>('a[download]')!.download).toMatch(/^imageka-\d+\.(webp|jpg|png)$/);
    inDialog('Use this prompt again').click();
    await until(() => expect(dialog()).toBeNull());
    expect(mounted.$<HTMLTextAreaElement>('#prompt').value).toBe('first');
    expect(mounted.$<HTMLInputElement>('input[name=ratio][value="1:1"]').checked).toBe(true);
    expect(focused(mounted)).toBe(mounted.$('#prompt'));

    // Delete offers Undo for a few seconds, with the focus on it.
    mounted.$$('.tile')[0]!.click();
    await until(() => expect(dialog()?.open).toBe(true));
    inDialog('Delete').click();
    await until(() => expect(dialog()).toBeNull());
    expect(mounted.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['first']);
    expect(JSON.parse(localStorage.getItem(HISTORY_KEY)!)).toHaveLength(1);
    const undo = mounted.$<HTMLButtonElement>('[part=undo]');
    expect(undo.closest('[role=status]')!.textContent).toBe('Deleted.Undo');
    expect(focused(mounted)).toBe(undo);
    undo.click();
    await tick();
    expect(mounted.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['second', 'first']);
    expect((JSON.parse(localStorage.getItem(HISTORY_KEY)!) as { prompt: string }[]).map((item) => item.prompt)).toEqual(['second', 'first']);

    // Clear all is undone the same way.
    mounted.$$('.gallery button').find((b) => b.textContent === 'Clear all')!.click();
    await until(() => expect(mounted.$$('.tile')).toHaveLength(0));
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull();
    await until(() => expect(focused(mounted)).toBe(mounted.$('[part=undo]')));
    mounted.$('[part=undo]').click();
    await tick();
    expect(mounted.$$('.tile')).toHaveLength(2);
  });

  it('offers start points: an example fills an empty prompt, a style adds its words in view; the answer hint lists the characters', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    const prompt = mounted.$<HTMLTextAreaElement>('#prompt');
    const chip = (name: string) => mounted.$$('[part=starters] button').find((button) => button.textContent === name)!;
    chip('Moon garden').click();
    await tick();
    expect(prompt.value).toBe('A tiny astronaut tending a garden on the moon');
    chip('Watercolour').click();
    await tick();
    expect(prompt.value).toBe('A tiny astronaut tending a garden on the moon, soft watercolour painting');
    expect(chip('Watercolour').hasAttribute('disabled')).toBe(true);
    expect(chip('Photo').getAttribute('aria-label')).toBe('Add style: Photo');
    expect(mounted.$('#answer-hint').textContent).toBe('Type what you see or hear: A C D E H M N P R T U W X Y 3 6 9. Any case.');
  });

  it('shows history from an earlier visit and survives being moved in the page', async () => {
    const api = await startApi();
    const first = await readyWidget(api);
    await fillAndGenerate(first, 'kept');
    await until(() => expect(first.$$('.tile')).toHaveLength(1));
    await type(first.$('#prompt'), 'typed, not sent');
    const elsewhere = document.createElement('div');
    document.body.append(elsewhere);
    elsewhere.append(first.widget);
    await tick();
    expect(first.$<HTMLTextAreaElement>('#prompt').value).toBe('typed, not sent');
    await until(() => expect(first.$('.captcha-image img')).not.toBeNull());
    first.widget.remove();
    const second = await readyWidget(api);
    expect(second.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['kept']);
  });

  it('evicts the oldest pictures with a notice when storage is full, and never breaks', async () => {
    const api = await startApi();
    let quota = Infinity;
    const restore = fakeQuota(localStorage, () => quota);
    try {
      const mounted = await readyWidget(api);
      for (const prompt of ['one', 'two']) {
        await fillAndGenerate(mounted, prompt);
        await until(() => expect(mounted.$$('.tile-prompt').map((p) => p.textContent)[0]).toBe(prompt));
        await until(() => expect(mounted.$('.captcha-image img')).not.toBeNull());
      }
      // Room for two pictures, not three.
      quota = localStorage.getItem(HISTORY_KEY)!.length * 1.2;
      await fillAndGenerate(mounted, 'three');
      await until(() => expect(mounted.$('.notice').textContent).toBe('Browser storage is full: the oldest image was removed from history.'));
      expect(mounted.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['three', 'two']);
      await until(() => expect(mounted.$('.captcha-image img')).not.toBeNull());
      quota = 10;
      await fillAndGenerate(mounted, 'four');
      await until(() => expect(mounted.$('.notice').textContent).toBe('Browser storage is full: this image was not added to your history.'));
      expect(mounted.$$('.tile-prompt').map((p) => p.textContent)).toEqual(['three', 'two']);
      expect(mounted.$<HTMLImageElement>('[part=result-image]').alt).toContain('four');
    } finally {
      restore();
    }
  });

  it('says so when this browser cannot copy images, and keeps the result', async () => {
    const api = await startApi();
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted);
    await untilState(mounted, 'done');
    mounted.$$('button').find((b) => b.textContent === 'Copy')!.click();
    // happy-dom has no canvas to make the PNG a clipboard needs.
    await until(() => expect(alerts(mounted)).toContain('This browser cannot copy images. Use Download instead.'));
    expect(mounted.state()).toBe('done');
  });
});
