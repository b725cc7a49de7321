import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import type { create } from 'svg-captcha';

export interface CaptchaChallenge {
  /** The answer as drawn (upper case); the caller stores it lower-cased. */
  text: string;
  /** svg-captcha's raw SVG. Server-side only: its glyph paths are the font's outlines, readable by template matching. */
  svg: string;
}

export type CaptchaMaker = () => CaptchaChallenge;

/**
 * Upper case only: answers are compared case-insensitively, and lower-case forms add
 * look-alikes (t/f, g/q/9, n/h) without adding entropy. Left out because they were misread
 * in svg-captcha's font once rotated, skewed and crossed by noise: 0 O Q, 1 I L J, 2 Z, 5 S,
 * 8 B, G (6, C), V (U, Y), K (R, X, Y), F (E with a noise line at its foot), 4 (A), 7 (T).
 */
export const CAPTCHA_ALPHABET = 'ACDEHMNPRTUWXY369';

export const CAPTCHA_LENGTH = 5;
const SVG_WIDTH = 220;
const SVG_HEIGHT = 70;

type SvgCaptchaOptions = NonNullable<Parameters<typeof create>[0]>;

// svg-captcha's module value is its drawing function, the one create() calls after picking
// text with Math.random (predictable, and biased against the alphabet's ends); its typings omit it.
const drawCaptchaSvg = createRequire(import.meta.url)('svg-captcha') as (
  text: string,
  options: SvgCaptchaOptions,
) => string;

function randomAnswer(): string {
  let text = '';
  for (let i = 0; i < CAPTCHA_LENGTH; i += 1) {
    text += CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)];
  }
  return text;
}

export const defaultCaptchaMaker: CaptchaMaker = () => {
  const text = randomAnswer();
  const svg = drawCaptchaSvg(text, {
    width: SVG_WIDTH,
    height: SVG_HEIGHT,
    fontSize: 54,
    noise: 1,
    color: false,
  });
  return { text, svg };
};
