import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './services.ts';

/** Real Chromium from the OS, the flags this closed network needs, and a fresh profile each launch. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
