import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import type { create } from 'svg-captcha';
import { CAPTCHA_ALPHABET } from '../../sdk/types.js';

export interface CaptchaChallenge {
  /** The answer as drawn (upper case); the caller stores it lower-cased. */
  text: string;
  /** svg-captcha's raw SVG. Server-side only: its glyph paths are the font's outlines, readable by template matching. */
  svg: string;
}

export type CaptchaMaker = () => CaptchaChallenge;

// The alphabet lives with the wire types: clients (the widget's answer hint) name it too.
export { CAPTCHA_ALPHABET };

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
