/**
 * Misuse the SDK's types must refuse. Every line marked `// error TSnnnn` must fail with that
 * code, and no other line may fail (test/sdk/types.test.ts). Excluded from the main tsconfig.
 */
import { Imageka, isAPIError, isCaptchaError, type ErrorCode, type GenerateResponse } from '../../../sdk/index.js';

const client = new Imageka({ baseUrl: 'https://imageka.example' });

export const noBaseUrl = new Imageka({}); // error TS2345
export const urlOnly = new Imageka('https://imageka.example'); // error TS2345
export const stringTimeout = new Imageka({ baseUrl: 'https://imageka.example', timeout: '10s' }); // error TS2322
export const unknownOption = new Imageka({ baseUrl: 'https://imageka.example', retries: 3 }); // error TS2353

export async function misuse(error: unknown): Promise<void> {
  await client.generate({ prompt: 'a fox' }); // error TS2345
  await client.generate({ prompt: 42, captcha: 'abcde' }); // error TS2322
  await client.generate({ prompt: 'a fox', captcha: 'abcde', size: '1:1' }); // error TS2353
  await client.generate({ prompt: 'a fox', captcha: 'abcde', width: 999, height: 1024 }); // error TS2322
  await client.generate({ prompt: 'a fox', captcha: 'abcde', width: 1024 }); // error TS2345
  await client.generate({ prompt: 'a fox', captcha: 'abcde', width: 720, height: 720 }); // error TS2345
  await client.generate({ prompt: 'a fox', captcha: 'abcde' }, { onProgress: (progress: string) => progress }); // error TS2322
  const wrong: GenerateResponse = await client.captcha(); // error TS2739
  const svg = (await client.captcha()).svg; // error TS2339
  for await (const event of client.generateStream({ prompt: 'a fox', captcha: 'abcde' })) {
    void event.data.seed; // error TS2339
  }
  client.baseUrl = 'https://elsewhere.example'; // error TS2540
  const code: ErrorCode = 'made_up'; // error TS2322
  if (isAPIError(error)) void error.retryAfter; // error TS2339
  if (isCaptchaError(error) && error.reason === 'timeout') void error; // error TS2367
  void wrong;
  void svg;
  void code;
}
