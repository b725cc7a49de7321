/** What the browser suites share: servers on real ports, and a person's way through the widget. */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@hapi/hapi';
import type { Page } from 'playwright-core';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { fixedCaptcha } from '../helpers/server.js';

export const CAPTCHA_ANSWER = 'ACDEH';

/** IMAGEKA (site and API) listening on 127.0.0.1 with a captcha whose answer we know. */
export async function startImageka(options: CreateServerOptions): Promise<Server> {
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    captcha: fixedCaptcha(CAPTCHA_ANSWER),
    maxEventLoopDelayMs: 0,
    ...options,
  });
  await server.start();
  return server;
}

/** A stranger's website: one HTML page, with the headers it chooses. */
export async function startHostPage(html: string, headers: Record<string, string> = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: HttpServer = createHttpServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The browser keeps idle connections open, which close() would wait for.
        server.closeAllConnections();
      }),
  };
}

/** What a site with a strict policy sends: no inline anything, the widget's origin allowed by name. */
export function strictCsp(api: string): string {
  return [
    "default-src 'none'",
    `script-src ${api}`,
    `connect-src ${api}`,
    'img-src data: blob:',
    'media-src blob:',
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Resolves once the widget shows a captcha, that is, once a person could start. */
export async function widgetReady(page: Page): Promise<void> {
  await page.getByAltText(/^Captcha:/).waitFor({ timeout: 15_000 });
}

/**
 * Does what a person does: describe, answer the captcha, press Generate. Resolves with the size of
 * the image the browser decoded.
 */
export async function makeImage(page: Page, prompt: string): Promise<{ width: number; height: number }> {
  await widgetReady(page);
  await page.getByLabel('Describe your image', { exact: true }).fill(prompt);
  await page.getByLabel('Captcha answer', { exact: true }).fill(CAPTCHA_ANSWER);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const image = page.getByAltText(`Generated image: ${prompt}`, { exact: true });
  await image.waitFor({ timeout: 30_000 });
  return image.evaluate(async (element: HTMLImageElement) => {
    await element.decode();
    return { width: element.naturalWidth, height: element.naturalHeight };
  });
}

/** Console errors and uncaught exceptions, CSP violations included. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
