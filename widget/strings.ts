import type { AspectRatio } from '../sdk/types.js';
import type { EN_ON_DEMAND } from './on-demand-strings.js';

/** A text that depends on a number: one form per CLDR plural category the language uses. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * The texts the widget's first load shows or announces, in English; on-demand-strings.ts has the
 * rest, which only the on-demand parts show. Together they are the table each file in
 * widget/locales/ translates, key for key (in one file per language). `{name}` is a placeholder the widget fills (numbers formatted for the
 * language); a `Plural` picks its form by `Intl.PluralRules`.
 */
export const en = {
  title: 'Create an image',
  subtitle: 'Free, anonymous, no sign-up.',
  themeLegend: 'Colour theme',
  themes: { auto: 'Match system', light: 'Light', dark: 'Dark' },
  promptLabel: 'Describe your image',
  promptPlaceholder: 'A lighthouse on a cliff at dawn, soft watercolour',
  counter: '{used} / {max}',
  counterLabel: { one: '{count} character left', other: '{count} characters left' } as Plural,
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
  styleLabel: 'Add style: {name}',
  ratioLegend: 'Aspect ratio',
  ratios: { '1:1': 'Square', '3:2': 'Landscape', '2:3': 'Portrait', '16:9': 'Wide', '9:16': 'Tall' } as Record<AspectRatio, string>,
  moreOptions: 'More options',
  captchaLegend: 'Show you are a person',
  captchaAlt: 'Captcha: distorted characters to type into the answer field, to show you are a person. Use Listen to hear them instead.',
  captchaLoading: 'Loading a captcha…',
  captchaMissing: 'No captcha yet. Load one with New captcha.',
  captchaNext: 'A new captcha follows this image.',
  reload: 'New captcha',
  listen: 'Listen',
  listenLabel: 'Listen to the captcha characters',
  answerLabel: 'Captcha answer',
  answerHint: 'Type what you see or hear: {characters}. Any case.',
  answerMissing: 'Type the captcha characters first.',
  generate: 'Generate',
  shortcut: 'or press Ctrl + Enter',
  generating: 'Creating your image…',
  left: { one: '{count} image left for now', other: '{count} images left for now' } as Plural,
  resultHeading: 'Your image',
  placeholder: 'Your image appears here.',
  copied: 'Copied to the clipboard.',
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
  /** `{time}` is a duration such as "1 min 5 sec", worded by `Intl` for the language. */
  waitFor: 'You can try again in {time}.',
  retry: 'Try again',
  galleryHeading: 'Your images',
  galleryNote: 'Kept only in this browser.',
  galleryEmpty: 'Images you make appear here.',
};

/** The shape every language's table has: both English parts. */
export type Messages = typeof en & typeof EN_ON_DEMAND;
export type ProblemKind = keyof Messages['problems'];
