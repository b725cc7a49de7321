/** Debian's Chromium, or CHROME_PATH. */
export declare const CHROMIUM: string;
/** The headless flags that work on this machine (no sandbox, no background networking). */
export declare const CHROMIUM_FLAGS: readonly string[];
