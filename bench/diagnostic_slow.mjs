// diagnostic_slow.mjs - the diagnostic's pages on an emulated slow connection:
// Debian's Chromium (playwright-core), network throttled by the DevTools
// protocol to 400 kbit/s down and up with 400 ms of latency, cache empty at
// each visit (a first visit). For each page: bytes transferred (document,
// CSS, script), DOMContentLoaded, load, and "usable": for the start page the
// moment the on-device runner is ready (main[data-pret]), for the others
// the load event (server-rendered: usable once the stylesheet is there).
// Side by side: the static files as served (gzip) and without compression
// (Accept-Encoding: identity), RUNS times each, medians.
//
// Usage: node bench/diagnostic_slow.mjs   (RUNS=3). Needs build/passerelle and
// the real data (bench/lib.sh real_db, built by bench/diagnostic.sh).
// Output: bench/out/diagnostic-slow.txt. Not part of the tests.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'build', 'passerelle');
const OUT = path.join(ROOT, 'bench', 'out');
const RUNS = Number(process.env.RUNS || 3);
const THROTTLE = { offline: false, latency: 400, downloadThroughput: 400000 / 8, uploadThroughput: 400000 / 8 };
const tmp = fs.mkdtempSync('/tmp/passerelle-slow-');
let server = null;
process.on('exit', () => { if (server) server.kill('SIGKILL'); fs.rmSync(tmp, { recursive: true, force: true }); });

const src = spawnSync('bash', ['-c', '. bench/lib.sh && real_db'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
if (!src) throw new Error('no bench database (bench/lib.sh real_db)');
const db = path.join(tmp, 'slow.db');
fs.copyFileSync(src, db);
const port = 18190 + Math.floor(Math.random() * 500);
server = spawn(BIN, ['--db', db, 'serve', '--port', String(port), '--rate', '0'], { cwd: ROOT, stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) { try { if ((await fetch(base + '/sante')).ok) break; } catch { /* not yet */ } await new Promise((r) => setTimeout(r, 100)); }

// A finished session and a question page to measure (made without throttling).
async function makeUrls(browser) {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${base}/diagnostic`);
  await Promise.all([page.waitForURL(/\/diagnostic\/s\//), page.click('#diag-debut button')]);
  for (let i = 0; i < 25 && await page.locator('input[name=o]').count(); i++) {
    await page.locator('input[name=o]').first().check();
    await Promise.all([page.waitForNavigation(), page.click('form.diag-question button[type=submit]:not([value])')]);
  }
  await page.fill('#ou', 'Marseille');
  await Promise.all([page.waitForURL(/resultat$/), page.click('button[value=terminer]')]);
  const result = page.url();
  // another session left at its first skills question
  await page.goto(`${base}/diagnostic`);
  await Promise.all([page.waitForURL(/\/diagnostic\/s\//), page.click('#diag-debut button')]);
  for (let i = 0; i < 3; i++) {
    await page.locator('input[name=o]').first().check();
    await Promise.all([page.waitForNavigation(), page.click('form.diag-question button[type=submit]:not([value])')]);
  }
  const question = page.url();
  await ctx.close();
  return { question, result };
}

async function measure(browser, url, usableSelector, gzip) {
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  if (!gzip) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  if (usableSelector) await page.waitForSelector(usableSelector, { timeout: 60000 });
  const usable = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
  });
  await page.waitForTimeout(200);
  await ctx.close();
  return { bytes, dcl: nav.dcl, load: nav.load, usable };
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox'] });
const urls = await makeUrls(browser);
const cases = [
  ['start page (runner ready)', `${base}/diagnostic`, 'main[data-pret="1"]'],
  ['question page (no JS flow)', urls.question, null],
  ['result page (5 places)', urls.result, null],
];
const lines = [`diagnostic on a slow connection - Chromium, ${THROTTLE.downloadThroughput * 8 / 1000} kbit/s, ${THROTTLE.latency} ms latency, cold cache; median of ${RUNS}`,
  `${'page'.padEnd(30)} ${'static files'.padEnd(14)} ${'bytes'.padStart(7)} ${'DCL ms'.padStart(8)} ${'load ms'.padStart(8)} ${'usable ms'.padStart(10)}`];
for (const [name, url, sel] of cases)
  for (const gzip of [true, false]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url, sel, gzip));
    lines.push(`${name.padEnd(30)} ${(gzip ? 'gzip' : 'uncompressed').padEnd(14)} ${String(median(runs.map((r) => r.bytes))).padStart(7)} ` +
      `${String(median(runs.map((r) => r.dcl))).padStart(8)} ${String(median(runs.map((r) => r.load))).padStart(8)} ${String(median(runs.map((r) => r.usable))).padStart(10)}`);
    console.log(lines[lines.length - 1]);
  }
await browser.close();
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'diagnostic-slow.txt'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
server.kill('SIGTERM');
server = null;
