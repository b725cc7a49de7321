import type { AspectRatio } from '../sdk/types.js';

/** Every text the widget shows or announces, in one place per language. */
const en = {
  /** The BCP 47 tag of this table: the widget's `lang`, and the locale of its dates. */
  lang: 'en',
  title: 'Create an image',
  subtitle: 'Free, anonymous, no sign-up.',
  themeLegend: 'Colour theme',
  themes: { auto: 'Match system', light: 'Light', dark: 'Dark' },
  promptLabel: 'Describe your image',
  promptPlaceholder: 'A lighthouse on a cliff at dawn, soft watercolour',
  counter: (used: number, max: number) => `${used} / ${max}`,
  counterLabel: (left: number) => `${left} characters left`,
  promptMissing: 'Describe the image you want first.',
  examplesLabel: 'Try',
  /** Each example's short name, and the prompt it fills in. */
  examples: [
    ['Fox librarian', 'A fox reading in a cosy library, warm lamp light'],
    ['Rainy neon street', 'A neon-lit city street in the rain at night'],
    ['Moon garden', 'A tiny astronaut tending a garden on the moon'],
  ] as [string, string][],
  stylesLabel: 'Style',
  /** Each style's name, and the words it adds to the end of the prompt. */
  styles: [
    ['Photo', 'photograph, natural light'],
    ['Illustration', 'digital illustration'],
    ['Watercolour', 'soft watercolour painting'],
    ['3D render', '3D render'],
    ['Pixel art', 'pixel art'],
  ] as [string, string][],
  styleLabel: (name: string) => `Add style: ${name}`,
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
  stop: 'Stop',
  listenLabel: 'Listen to the captcha characters',
  answerLabel: 'Captcha answer',
  answerHint: (characters: string) => `Type what you see or hear: ${characters}. Any case.`,
  answerMissing: 'Type the captcha characters first.',
  generate: 'Generate',
  shortcut: 'or press Ctrl + Enter',
  generating: 'Creating your image…',
  queued: (position: number) => `You are ${ordinal(position)} in line…`,
  progressLabel: 'Progress',
  elapsed: (seconds: number) => `${seconds} s`,
  typical: (seconds: number) => `usually about ${seconds} s`,
  left: (count: number) => (count === 1 ? '1 image left for now' : `${count} images left for now`),
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
  previewShort: 'Preview',
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
    'rate-limited': 'Your network has made as many images as allowed for now.',
    'captcha-limited': 'Many captchas were loaded from your network in the last minute.',
    concurrent: 'An image from your network is still being made. Try again when it is ready.',
    'capacity-hour': "This hour's free images are used up.",
    'capacity-day': "Today's free images are used up.",
    pow: 'The captcha check expired or was used. Here is a new captcha: try again.',
    insecure: 'The captcha check needs this page over https.',
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
  remove: 'Delete',
  open: (prompt: string) => `Open image: ${prompt}`,
  close: 'Close',
  size: 'Size',
  seed: 'Seed',
  date: 'Made',
  removed: 'Deleted.',
  undo: 'Undo',
  evicted: (count: number) =>
    `Browser storage is full: the ${count === 1 ? 'oldest image was' : `${count} oldest images were`} removed from history.`,
  notSaved: 'Browser storage is full: this image was not added to your history.',
};

/** 1st, 2nd, 3rd, 4th… 11th, 12th, 13th… 21st. */
function ordinal(n: number): string {
  const suffixes = ['th', 'st', 'nd', 'rd'];
  return n + (suffixes[((n % 100) - 20) % 10] ?? suffixes[n % 100] ?? 'th');
}

export type Strings = typeof en;
export type ProblemKind = keyof Strings['problems'];

const LANGUAGES: Record<string, Strings> = { en };

/** The strings for a BCP 47 tag (`en`, `en-GB`…), English when the language is not available. */
export function stringsFor(lang: string): Strings {
  return LANGUAGES[lang.toLowerCase().split('-')[0] ?? ''] ?? en;
}
