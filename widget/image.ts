import type { Picture } from './state.js';

/** Longest side of a picture kept in history. */
const HISTORY_SIDE = 512;
/**
 * Longest `data:` URL kept per picture, in characters. Browsers give an origin about 5 million
 * characters of localStorage: 25 pictures × 180 000 plus their prompts stay under it.
 */
export const HISTORY_IMAGE_BUDGET = 180_000;
const QUALITIES = [0.82, 0.7, 0.55, 0.4];

/** Redraws a picture at most 512 px a side as WebP (JPEG where a browser cannot encode WebP). */
export async function compressImage(image: string): Promise<string> {
  const canvas = await draw(image, HISTORY_SIDE);
  let smallest = '';
  for (const quality of QUALITIES) {
    const webp = canvas.toDataURL('image/webp', quality);
    // Browsers that cannot encode WebP silently answer PNG, far too large for history.
    smallest = webp.startsWith('data:image/webp') ? webp : canvas.toDataURL('image/jpeg', quality);
    if (smallest.length <= HISTORY_IMAGE_BUDGET) return smallest;
  }
  return smallest;
}

/** Puts the picture on the clipboard as PNG, the one image type every browser's clipboard takes. */
export async function copyImage(image: string): Promise<void> {
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('no image clipboard');
  // A promised blob keeps the user activation Safari needs while the PNG is encoded.
  const png = draw(image, Infinity).then(
    (canvas) => new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png')),
  );
  // Awaiting the PNG too: a clipboard that does not wait for it would report a success.
  await Promise.all([navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]), png]);
}

export function fileName(picture: Pick<Picture, 'image' | 'seed'>): string {
  const type = /^data:image\/(\w+)/.exec(picture.image)?.[1] ?? 'webp';
  return `imageka-${picture.seed}.${type === 'jpeg' ? 'jpg' : type}`;
}

async function draw(image: string, maxSide: number): Promise<HTMLCanvasElement> {
  const source = new Image();
  source.src = image;
  await source.decode();
  const scale = Math.min(1, maxSide / Math.max(source.naturalWidth, source.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(source.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(source.naturalHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}
