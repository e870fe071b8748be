import { chromium } from 'playwright-core';
const [file, out, w] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
const page = await browser.newPage({ viewport: { width: Number(w ?? 1250), height: 900 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto(`file://${file}`);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
