import type { AspectRatio } from '../sdk/types.js';

/** Every text the widget shows or announces, in one place per language. */
const en = {
  title: 'Create an image',
  subtitle: 'Free, anonymous, no sign-up.',
  themeLegend: 'Colour theme',
  themes: { auto: 'Match system', light: 'Light', dark: 'Dark' },
  promptLabel: 'Describe your image',
  promptPlaceholder: 'A lighthouse on a cliff at dawn, soft watercolour',
  counter: (used: number, max: number) => `${used} / ${max}`,
  counterLabel: (left: number) => `${left} characters left`,
  promptMissing: 'Describe the image you want first.',
  ratioLegend: 'Aspect ratio',
  ratios: { '1:1': 'Square', '3:2': 'Landscape', '2:3': 'Portrait', '16:9': 'Wide', '9:16': 'Tall' } satisfies Record<AspectRatio, string>,
  moreOptions: 'More options',
  negativeLabel: 'Leave out (negative prompt)',
  negativePlaceholder: 'blurry, text, watermark',
  seedLabel: 'Seed',
  seedHint: 'Leave empty for a random one. The same seed and prompt give the same image.',
  captchaLegend: 'Show you are a person',
  captchaAlt: 'Captcha: distorted characters to type into the answer field, to show you are a person. Use Listen to hear them instead.',
  captchaLoading: 'Loading a captcha…',
  captchaMissing: 'No captcha yet. Load one with New captcha.',
  captchaNext: 'A new captcha follows this image.',
  reload: 'New captcha',
  listen: 'Listen',
  listenLabel: 'Listen to the captcha characters',
  answerLabel: 'Captcha answer',
  answerHint: 'Type the characters you see or hear. Not case-sensitive.',
  answerMissing: 'Type the captcha characters first.',
  generate: 'Generate',
  shortcut: 'or press Ctrl + Enter',
  generating: 'Creating your image…',
  progressLabel: 'Progress',
  elapsed: (seconds: number) => `${seconds} s`,
  cancel: 'Cancel',
  resultHeading: 'Your image',
  placeholder: 'Your image appears here.',
  resultAlt: (prompt: string) => `Generated image: ${prompt}`,
  seedUsed: (seed: number) => `Seed ${seed}`,
  download: 'Download',
  copy: 'Copy',
  copied: 'Copied to the clipboard.',
  copyFailed: 'This browser cannot copy images. Use Download instead.',
  reuse: 'Use this prompt again',
  previewBadge: 'Preview — not AI',
  previewNote: 'This server runs the offline preview: a painted landscape, not an AI image.',
  status: {
    generating: 'Creating your image. This can take a minute.',
    done: 'Your image is ready.',
    cancelled: 'Cancelled. Nothing was made.',
    newCaptcha: 'A new captcha is ready.',
  },
  problems: {
    'captcha-wrong': 'That captcha answer was not right. Here is a new one: try again.',
    'captcha-expired': 'The captcha expired. Here is a new one: try again.',
    pow: 'The captcha check expired or was used. Here is a new captcha: try again.',
    insecure: 'The captcha check needs this page over https.',
    'rate-limited': 'You have made many images in a short time.',
    busy: 'The image service is busy right now.',
    rejected: 'The image service declined this prompt. Try describing it differently.',
    provider: 'The image service failed to make this image. Try again.',
    timeout: 'The image service took too long. Try again.',
    network: 'The image service could not be reached. Check your connection and try again.',
    invalid: 'The request was not accepted.',
    config: 'This widget is not set up correctly.',
    unknown: 'Something went wrong. Try again.',
    audio: 'The audio captcha could not be played. Load a new captcha and try again.',
  },
  waitFor: (time: string) => `You can try again in ${time}.`,
  duration: (seconds: number) => {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
  },
  retry: 'Try again',
  galleryHeading: 'Your images',
  galleryNote: 'Kept only in this browser.',
  galleryEmpty: 'Images you make appear here.',
  clearAll: 'Clear all',
  confirmClear: 'Delete all',
  keep: 'Keep',
  remove: 'Delete',
  removeLabel: (prompt: string) => `Delete image: ${prompt}`,
  reuseLabel: (prompt: string) => `Use prompt again: ${prompt}`,
  evicted: (count: number) =>
    `Browser storage is full: the ${count === 1 ? 'oldest image was' : `${count} oldest images were`} removed from history.`,
  notSaved: 'Browser storage is full: this image was not added to your history.',
};

export type Strings = typeof en;
export type ProblemKind = keyof Strings['problems'];

const LANGUAGES: Record<string, Strings> = { en };

/** The strings for a BCP 47 tag (`en`, `en-GB`…), English when the language is not available. */
export function stringsFor(lang: string): Strings {
  return LANGUAGES[lang.toLowerCase().split('-')[0] ?? ''] ?? en;
}
