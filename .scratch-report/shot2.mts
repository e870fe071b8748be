import { chromium } from 'playwright-core';
const [file, outPrefix, ...sels] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
const page = await browser.newPage({ viewport: { width: 1250, height: 900 } });
await page.goto(`file://${file}`);
let i = 0;
for (const s of sels) { await page.locator(s).first().screenshot({ path: `${outPrefix}-${i++}.png` }); }
await browser.close();
