/**
 * Each route's one-line summary, written once: the route's hapi `description` and its OpenAPI
 * `summary` both come from here, so the document and the server cannot drift apart.
 */
export const ROUTE_SUMMARIES = {
  captcha: 'Issue a captcha, replacing any earlier one in this session',
  captchaAudio: 'The pending captcha, spoken (audio/wav) in the language asked for, or English',
  generate: 'Spend the captcha answer and generate one image',
  health: 'Readiness, for load balancers',
  live: 'Liveness: the process is up (never touches Redis)',
  openapi: 'The OpenAPI 3.1 document of this API',
} as const;
