// Debian's chromium driven by playwright-core, as a person would use the
// site on a phone and on a desktop.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const base = process.env.BEAUBELLE_TEST_URL || 'http://127.0.0.1:8080';
const varDir = process.env.BEAUBELLE_VAR || path.resolve(__dirname, '../../../var');
const shots = path.join(varDir, 'screenshots');

const viewports = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function screenshot(page, name) {
  fs.mkdirSync(shots, { recursive: true });
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// True when the page is wider than its viewport (sideways scrolling).
async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

module.exports = { base, viewports, launch, screenshot, scrollsSideways };
