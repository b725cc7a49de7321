/**
 * The SDK's own messages, for programming mistakes and for failures the API did not word itself
 * (its own messages come in its error bodies). The widget bundle ships the short
 * `messages.browser.ts` instead: it shows visitors its own strings, never these.
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
  status: (status: number, statusText = '') => `The API answered ${status}${statusText ? ` ${statusText}` : ''}.`,
  notJson: () => 'The API answered with a body that is not JSON.',
  unreachable: () => 'The API could not be reached, or the connection broke.',
  noAnswer: (ms: number) => `No answer within ${ms} ms.`,
  timeout: (ms: number) => `The request took longer than ${ms} ms and was cancelled.`,
  aborted: () => 'The request was aborted.',
  streamEnded: () => 'The progress stream ended without a result.',
  badResult: () => 'The API sent a result that could not be read.',
  badErrorEvent: () => 'The API sent an error event that could not be read.',
  powAlgorithm: (name: string) => `Imageka: this SDK cannot solve a proof of work of algorithm "${name}"; update the SDK.`,
  powUnsolved: () => 'No number solves this proof of work: load a new captcha.',
};
