/**
 * The SDK's own messages for programming mistakes and transport failures (the API's messages
 * come from the API). The widget bundle ships the short `messages.browser.ts` instead.
 */
const example = 'e.g. new Imageka({ baseUrl: "https://imageka.example" })';

export const MESSAGES = {
  options: () => `Imageka: pass an options object, ${example}.`,
  noFetch: () => 'Imageka: this runtime has no global fetch; pass one as options.fetch.',
  baseUrlMissing: () => `Imageka: options.baseUrl is required: the address where the API is hosted, ${example}.`,
  baseUrlInvalid: (value: string) => `Imageka: options.baseUrl must be an absolute http(s) URL, ${example}; got "${value}".`,
  baseUrlProtocol: () => `Imageka: options.baseUrl must use http or https, ${example}.`,
  baseUrlQuery: () => `Imageka: options.baseUrl must not have a query or fragment, ${example}.`,
  positive: (name: string, value: unknown) => `Imageka: ${name} must be a positive number of milliseconds; got ${String(value)}.`,
  count: (name: string, value: unknown) => `Imageka: ${name} must be a whole number, 0 or more; got ${String(value)}.`,
};
