/** 16-bit mono PCM WAV, the only kind the captcha audio reads or writes. */

export interface Pcm {
  sampleRate: number;
  /** Floats in [-1, 1). */
  samples: Float32Array;
}

export function decodeWav(bytes: Uint8Array): Pcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRate = 0;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      const format = view.getUint16(offset + 8, true);
      const channels = view.getUint16(offset + 10, true);
      const bits = view.getUint16(offset + 22, true);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error('WAV is not 16-bit mono PCM');
      sampleRate = view.getUint32(offset + 12, true);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('WAV data before its format');
      // Streaming writers leave the size unknown (0 or huge): the file's end is the limit.
      const count = Math.floor(Math.min(size || Infinity, bytes.length - offset - 8) / 2);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i += 1) samples[i] = view.getInt16(offset + 8 + 2 * i, true) / 32768;
      return { sampleRate, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data');
}

/** Encodes with the loudest sample at `peak` of full scale. */
export function encodeWav({ sampleRate, samples }: Pcm, peak = 0.85): Buffer {
  let loudest = 0;
  for (const s of samples) loudest = Math.max(loudest, Math.abs(s));
  const scale = loudest > 0 ? (peak * 32767) / loudest : 0;
  const dataSize = samples.length * 2;
  const wav = Buffer.alloc(44 + dataSize);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataSize, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // bytes per sample frame
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataSize, 40);
  for (let i = 0; i < samples.length; i += 1) {
    wav.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * scale))), 44 + 2 * i);
  }
  return wav;
}
