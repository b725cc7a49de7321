// @vitest-environment happy-dom
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Imageka } from '../../sdk/index.js';
import '../../widget/index.js';
import { ENGLISH } from '../../widget/languages.js';
import { manualClock, scriptedProvider } from '../helpers/server.js';
import { alerts, ANSWER, fillAndGenerate, readyWidget, startApi, until, untilState, type Mounted } from './harness.js';

const lastError = (mounted: Mounted) => mounted.events.filter((event) => event.type === 'imageka:error').at(-1)?.detail;
const prompt = (mounted: Mounted) => mounted.$<HTMLTextAreaElement>('#prompt').value;
const countdown = (mounted: Mounted) => mounted.root.querySelector('.countdown')?.textContent ?? '';

/** A provider whose calls wait until `release()`. */
function heldProvider() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const provider = scriptedProvider(async (input) => {
    await held;
    return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#357' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
  });
  return { provider, release };
}

/** Another visitor from the same address (this test machine), holding a generation. */
async function otherVisitor(url: string) {
  const client = new Imageka({ baseUrl: url });
  await client.captcha();
  return client.generate({ prompt: 'someone else', captcha: ANSWER });
}

describe('the budget and the queue, as the visitor sees them', () => {
  it("today's free images used up: says so, counts down to when more come, keeps the prompt and waits with Generate", async () => {
    // 22:00 UTC: two hours until the day's budget renews.
    const now = manualClock(Date.UTC(2026, 0, 1, 22, 0));
    const api = await startApi({ now, generationBudgetPerDay: 1, captchaTtlMs: 24 * 3600_000 });
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted, 'one');
    await untilState(mounted, 'done');
    await until(() => expect(mounted.root.querySelector('.captcha-image img')).not.toBeNull());
    await fillAndGenerate(mounted, 'a second harbour');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(["Today's free images are used up."]);
    expect(lastError(mounted)).toMatchObject({ stage: 'generate', code: 'capacity_reached', retryAfter: 2 * 3600 });
    expect(countdown(mounted)).toMatch(/^You can try again in (2 hr 0 min|1 hr 59 min)\.$/);
    expect(mounted.$<HTMLButtonElement>('button[type=submit]').getAttribute('aria-disabled')).toBe('true');
    expect(prompt(mounted)).toBe('a second harbour');
  });

  it("this hour's free images used up: its own message", async () => {
    const api = await startApi({ now: manualClock(Date.UTC(2026, 0, 1, 13, 10)), captchaTtlMs: 3600_000, generationBudgetPerHour: 1 });
    const mounted = await readyWidget(api);
    await fillAndGenerate(mounted, 'one');
    await untilState(mounted, 'done');
    await until(() => expect(mounted.root.querySelector('.captcha-image img')).not.toBeNull());
    await fillAndGenerate(mounted, 'two');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(["This hour's free images are used up."]);
    expect(countdown(mounted)).toMatch(/^You can try again in (50 min 0 sec|49 min 5\d sec)\.$/);
    expect(prompt(mounted)).toBe('two');
  });

  it('an image for the same network already being made: says so and keeps the prompt', async () => {
    const { provider, release } = heldProvider();
    const api = await startApi({ provider });
    const mounted = await readyWidget(api);
    const other = otherVisitor(api.url);
    await until(() => expect(provider.calls).toHaveLength(1));
    await fillAndGenerate(mounted, 'mine');
    await untilState(mounted, 'error');
    expect(alerts(mounted)).toEqual(['An image from your network is still being made. Try again when it is ready.']);
    expect(lastError(mounted)).toMatchObject({ code: 'concurrent_limit' });
    expect(prompt(mounted)).toBe('mine');
    release();
    await other;
  });

  it('shows its place in line, then the usual progress', async () => {
    const { provider, release } = heldProvider();
    const api = await startApi({ provider, maxInFlight: 1, maxInFlightPerClient: 2 });
    const mounted = await readyWidget(api);
    const other = otherVisitor(api.url);
    await until(() => expect(provider.calls).toHaveLength(1));
    await fillAndGenerate(mounted, 'waiting my turn');
    await untilState(mounted, 'generating');
    const status = () => mounted.root.querySelector('.progress-status')?.textContent;
    await until(() => expect(status()).toBe('Waiting: number 1 in line…'));
    release();
    await untilState(mounted, 'done');
    await other;
  });

  it('words every place in line as a number formatted for the language', () => {
    const { queued } = ENGLISH;
    expect([1, 2, 21, 1234].map(queued)).toEqual(['Waiting: number 1 in line…', 'Waiting: number 2 in line…', 'Waiting: number 21 in line…', 'Waiting: number 1,234 in line…']);
  });
});
