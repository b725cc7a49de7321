/**
 * The parts of the widget a visitor needs only once they act: generating (the SDK's progress
 * stream, the progress and result views), listening, and history (its gallery, the larger view,
 * saving). The first download stays the form; this file follows on first interaction, or at once
 * when this browser has history to show.
 */
export { runGeneration } from './generation.js';
export { CaptchaAudio } from './audio.js';
export { Gallery } from './components/gallery.js';
export { MoreOptions } from './components/more-options.js';
export { Progress } from './components/progress.js';
export { Result } from './components/result.js';
export { compressImage, copyImage } from './image.js';
export { EN_ON_DEMAND } from './on-demand-strings.js';
export { ON_DEMAND_STYLES } from './on-demand-styles.js';
