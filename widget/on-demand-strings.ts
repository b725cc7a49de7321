import type { Plural } from './strings.js';

/**
 * The English texts only the on-demand parts show (more options, listening, progress, result,
 * history): loaded with them, and added to the English table then (languages.ts). Other
 * languages keep every text in one file.
 */
export const EN_ON_DEMAND = {
  negativeLabel: 'Leave out (negative prompt)',
  negativePlaceholder: 'blurry, text, watermark',
  seedLabel: 'Seed',
  seedHint: 'Leave empty for a random one. The same seed and prompt give the same image.',
  stop: 'Stop',
  /** Shown when the server had no voice for the widget's language. */
  audioInEnglish: 'The spoken captcha is in English: there is no voice for this language yet.',
  queued: 'Waiting: number {position} in line…',
  progressLabel: 'Progress',
  /** `{time}` is a duration such as "8 sec", worded by `Intl` for the language. */
  typical: 'usually about {time}',
  cancel: 'Cancel',
  resultAlt: 'Generated image: {prompt}',
  seedUsed: 'Seed {seed}',
  download: 'Download',
  copy: 'Copy',
  copyFailed: 'This browser cannot copy images. Use Download instead.',
  reuse: 'Use this prompt again',
  previewBadge: 'Preview — not AI',
  previewShort: 'Preview',
  previewNote: 'This server runs the offline preview: a painted landscape, not an AI image.',
  clearAll: 'Clear all',
  remove: 'Delete',
  close: 'Close',
  size: 'Size',
  seed: 'Seed',
  date: 'Made',
  removed: 'Deleted.',
  undo: 'Undo',
  evicted: {
    one: 'Browser storage is full: the oldest image was removed from history.',
    other: 'Browser storage is full: the {count} oldest images were removed from history.',
  } as Plural,
  notSaved: 'Browser storage is full: this image was not added to your history.',
};
