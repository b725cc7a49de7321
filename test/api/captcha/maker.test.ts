import { describe, expect, it } from 'vitest';
import { CAPTCHA_ALPHABET, CAPTCHA_LENGTH, defaultCaptchaMaker } from '../../../api/captcha/maker.js';

describe('defaultCaptchaMaker', () => {
  it('draws five characters taken only from CAPTCHA_ALPHABET', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const { text } = defaultCaptchaMaker();
      expect(text).toHaveLength(CAPTCHA_LENGTH);
      expect(CAPTCHA_LENGTH).toBe(5);
      for (const ch of text) {
        expect(CAPTCHA_ALPHABET).toContain(ch);
        seen.add(ch);
      }
    }
    // 1500 draws over 17 symbols: every symbol should turn up, including the alphabet's ends.
    expect([...seen].sort().join('')).toBe([...CAPTCHA_ALPHABET].sort().join(''));
  });

  it('leaves look-alikes and lower case out of the alphabet', () => {
    for (const ch of '0Oo1lIi2Zz5Ss8BVv') expect(CAPTCHA_ALPHABET).not.toContain(ch);
    expect(CAPTCHA_ALPHABET).toBe(CAPTCHA_ALPHABET.toUpperCase());
    expect(new Set(CAPTCHA_ALPHABET).size).toBe(CAPTCHA_ALPHABET.length);
  });

  it('returns svg-captcha markup with one filled path per character and stroked noise', () => {
    const { text, svg } = defaultCaptchaMaker();
    expect(svg.startsWith('<svg')).toBe(true);
    const paths = [...svg.matchAll(/<path [^>]*>/g)].map((m) => m[0]);
    expect(paths.filter((p) => !p.includes('fill="none"'))).toHaveLength(text.length);
    expect(paths.filter((p) => p.includes('fill="none"')).length).toBeGreaterThan(0);
  });

  it('gives a different answer each time', () => {
    const texts = new Set(Array.from({ length: 50 }, () => defaultCaptchaMaker().text));
    expect(texts.size).toBeGreaterThan(45);
  });
});
