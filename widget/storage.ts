import type { ThemeChoice } from './events.js';

/** Every key the widget writes. Nothing else is stored anywhere. */
export const HISTORY_KEY = 'imageka:history';
export const THEME_KEY = 'imageka:theme';

export type { ThemeChoice } from './events.js';
export const THEMES: readonly ThemeChoice[] = ['auto', 'light', 'dark'];

/** `localStorage`, or `undefined` where the page may not use it (sandboxed frames, blocked storage). */
export function openStorage(): Storage | undefined {
  try {
    const storage = globalThis.localStorage;
    return storage ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether this browser keeps pictures from an earlier visit (history.ts reads them). */
export function hasHistory(storage: Storage | undefined): boolean {
  return read(storage, HISTORY_KEY) !== undefined;
}

export function readTheme(storage: Storage | undefined): ThemeChoice | undefined {
  const value = read(storage, THEME_KEY);
  return THEMES.find((theme) => theme === value);
}

export function writeTheme(storage: Storage | undefined, theme: ThemeChoice): void {
  write(storage, THEME_KEY, theme);
}

export function read(storage: Storage | undefined, key: string): string | undefined {
  try {
    return storage?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function write(storage: Storage | undefined, key: string, value: string): 'ok' | 'full' | 'failed' {
  if (!storage) return 'failed';
  try {
    storage.setItem(key, value);
    return 'ok';
  } catch (error) {
    if (isQuotaError(error)) return 'full';
    console.warn('[imageka] Could not write to localStorage; history is off for this page.', error);
    return 'failed';
  }
}

/** Browsers name it differently (Firefox once used NS_ERROR_DOM_QUOTA_REACHED, code 1014). */
function isQuotaError(error: unknown): boolean {
  if (!(error instanceof DOMException)) return false;
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED' || error.code === 22 || error.code === 1014;
}
