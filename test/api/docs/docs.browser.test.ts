import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { API_SPEC_PATH, PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

async function contractOperations(): Promise<string[]> {
  const spec = parseYaml(await readFile(API_SPEC_PATH, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

// Debian's chromium (`.ci/run` installs it); skipped only on a machine without it.
describe.skipIf(!existsSync(CHROMIUM))('the API reference at /docs, in a browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('when /docs is opened, then every operation of the contract is listed, with nothing blocked or failing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const offOrigin: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(app.baseUrl) && !request.url().startsWith('data:')) offOrigin.push(request.url());
    });

    const response = await page.goto(`${app.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor();
    const shown = await page.locator('.opblock').evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'docs.png'), fullPage: true });

    expect(response?.status()).toBe(200);
    expect(new Set(shown)).toEqual(new Set(await contractOperations()));
    expect(problems).toEqual([]);
    expect(offOrigin).toEqual([]);
  });

  it('when an operation is expanded, then its example is shown', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/docs#/orders/placeOrder`);

    const example = page.locator('#operations-orders-placeOrder .body-param__example, #operations-orders-placeOrder .microlight').first();
    await example.waitFor();

    expect(await example.textContent()).toContain('product_id');
  });

  it('when the API is asked, then its strict CSP is unchanged; only /docs relaxes it', async () => {
    const api = await fetch(`${app.baseUrl}/healthz`);
    const docs = await fetch(`${app.baseUrl}/docs`);
    const asset = await fetch(`${app.baseUrl}/docs/assets/swagger-ui-bundle.js`);
    const notAnAsset = await fetch(`${app.baseUrl}/docs/assets/index.html`);

    expect(api.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(docs.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(notAnAsset.status).toBe(404);
  });
});
