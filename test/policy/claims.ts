/**
 * Every promise of the Privacy and Cookie Policy pages, with the test that proves it. `id` is the
 * `data-claim` marker on those pages (site/pages/privacy.html, cookies.html); the "How we check
 * this" page (site/pages/how-we-check.html) lists the same claims with the same tests, and
 * claims.test.ts fails when the pages, this list and the tests drift apart.
 */
export interface Claim {
  /** The number the claim's test names: `describe('Claim <number>: …')`. */
  number: number;
  /** The page marker: `<li data-claim="<id>">`. */
  id: string;
  text: string;
  /** The test file, from the repository root. */
  test: string;
}

export const CLAIMS: readonly Claim[] = [
  { number: 1, id: 'no-account', text: 'No account exists. The only inputs are the prompt, its options, the captcha answer and its proof of work (the server\'s puzzle and the number your browser found).', test: 'test/policy/no-account.test.ts' },
  { number: 2, id: 'access-logs', text: 'Access logs hold only time, client address, method, path without query string, status, duration and user agent, and are deleted after 30 days.', test: 'test/policy/access-logs.test.ts' },
  { number: 3, id: 'no-prompt-in-logs', text: 'A canary prompt and captcha answer, sent through every path, appear in 0 bytes of the log folder, stdout and stderr.', test: 'test/policy/no-prompt-in-logs.test.ts' },
  { number: 4, id: 'captcha-single-use', text: 'The captcha answer exists only server-side and is deleted on first use. Session data expires within a bounded time. The cookie is a browser-session cookie.', test: 'test/policy/captcha-single-use.test.ts' },
  { number: 5, id: 'cookie-only-session', text: 'imageka_session is the only cookie, on every route, including errors, static files and 404s, and it is HttpOnly.', test: 'test/policy/cookie-only-session.test.ts' },
  { number: 6, id: 'prompts-not-stored', text: 'Prompts are never stored. Nothing is written to disk during a generation except the access-log line, and the prompt goes only to the configured provider.', test: 'test/policy/prompts-not-stored.test.ts' },
  { number: 7, id: 'rate-limit-48h', text: 'Rate-limit records are gone within 48 hours.', test: 'test/policy/rate-limit-48h.test.ts' },
  { number: 8, id: 'browser-storage-only', text: "Generated images and the theme choice live only in the browser's Web Storage. The widget persists nothing else and contacts nothing but the API.", test: 'test/policy/browser-storage-only.test.ts' },
  { number: 9, id: 'no-third-party-requests', text: 'Our pages make no third-party requests.', test: 'test/policy/no-third-party-requests.test.ts' },
  { number: 10, id: 'images-no-metadata', text: 'Images leave the server without metadata.', test: 'test/policy/images-no-metadata.test.ts' },
];
