import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (apt-get install chromium; .ci/run installs it), headless, driven by playwright-core: no browser download. */
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

/**
 * One browser for a test file, closed at its teardown. Throws (failing the file, never skipping it) when
 * chromium cannot start, naming the package to install.
 */
export async function launchBrowser(t: { teardown(fn: () => unknown): void }): Promise<Browser> {
  let browser: Browser;
  try {
    browser = await chromium.launch(LAUNCH);
  } catch (error) {
    throw new Error(`cannot start /usr/bin/chromium (apt-get install -y chromium): ${(error as Error).message}`);
  }
  t.teardown(() => browser.close());
  return browser;
}
