import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../../api/captcha/wav.js';

describe('wav', () => {
  it('round-trips samples, scaled so the loudest one sits at the requested peak', () => {
    const samples = Float32Array.from([0, 0.25, -0.5, 0.125]);
    const decoded = decodeWav(encodeWav({ sampleRate: 16000, samples }, 0.5));
    expect(decoded.sampleRate).toBe(16000);
    expect([...decoded.samples].map((s) => Number(s.toFixed(3)))).toEqual([0, 0.25, -0.5, 0.125]);
  });

  it('writes silence as zeros instead of dividing by zero', () => {
    const decoded = decodeWav(encodeWav({ sampleRate: 22050, samples: new Float32Array(8) }));
    expect([...decoded.samples]).toEqual(new Array(8).fill(0));
  });

  it('reads a data chunk whose size a streaming writer left unknown', () => {
    const wav = encodeWav({ sampleRate: 22050, samples: Float32Array.from([0.5, -0.5]) });
    wav.writeUInt32LE(0xffffffff, 40);
    expect(decodeWav(wav).samples).toHaveLength(2);
  });

  it('refuses what is not 16-bit mono PCM WAV', () => {
    const stereo = encodeWav({ sampleRate: 22050, samples: new Float32Array(4) });
    stereo.writeUInt16LE(2, 22);
    expect(() => decodeWav(stereo)).toThrow(/16-bit mono PCM/);
    expect(() => decodeWav(Buffer.from('RIFF....WAVEjunk'))).toThrow(/no data/);
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(/not a WAV/);
  });
});
