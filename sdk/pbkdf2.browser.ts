import type { pbkdf2Sha256 as Full } from './pbkdf2.js';

/**
 * The widget bundle's stand-in (widget/rollup-plugins.js, `browserSdk`): without Web Crypto
 * (a host page on plain http) the widget says it needs https rather than carry a slow
 * plain-JavaScript PBKDF2 in every visitor's download. The SDK's npm build keeps the full one.
 */
export const pbkdf2Sha256: typeof Full = () => Promise.reject(new Error(INSECURE_CONTEXT));

/** The message the widget recognises. */
export const INSECURE_CONTEXT = 'Web Crypto unavailable: the page is not a secure context (https)';
