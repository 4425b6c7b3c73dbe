// test_tableaux.mjs - the dashboards of the territorial diagnostic as a
// browser sees them: Debian's Chromium driven by playwright-core, axe-core
// for WCAG 2.1 A/AA, against the real binary serving a copy of the test
// database (lib.mjs) with La Mednum's IFN imported (../shared/data/ifn).
//
// For every dashboard level (nation, région, département, EPCI, commune),
// each map (index, density, distance) on some of them, and the printable
// report: no console error, no failed request, no axe violation, document +
// CSS under 50 KB (the report, meant for printing, under 200 KB), no
// horizontal scrolling at 390 px, screenshots in build/screenshots/.
// Then: the maps and charts' accessible names (Chromium's accessibility
// tree), the map tabs by keyboard and without JavaScript, the report in
// print media (no navigation, tables not hidden in <details>).
//
// Run from the project root: node tests/browser/test_tableaux.mjs
// Prints one line per check and "check: N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import {
  SHOTS, BIN, CHROMIUM, TMP, DATA, check, summary, fixtureDb, startServer, stopServer, serverRunning, launchBrowser,
  run, watch, openPage, axNode, auditPage, reportViolations, desktop, mobile, realData,
} from './lib.mjs';

const WATCHDOG_MS = 240000;
const IFN = path.join(DATA, 'ifn', 'ifn-communes.csv');

async function accessibleNames(page, base) {
  await page.goto(`${base}/tableau/departement/04`);
  const map = await axNode(page, 'svg.svgmap');
  check(map && /Carte des intercommunalités de : Alpes-de-Haute-Provence/.test(map.name),
    `dashboard map: accessible name "${map?.name}" (${map?.role})`);
  const shape = await axNode(page, 'svg.svgmap a');
  check(shape && /sur 10/.test(shape.name) && shape.role === 'link', `map shape: a link named "${shape?.name}"`);
  const chart = await axNode(page, 'svg.graphe');
  check(chart && ['img', 'image'].includes(chart.role) && /^Sous-indices de fragilité numérique : [^;]*$/.test(chart.name),
    `bar chart: an image named "${chart?.name}"`);
  const desc = await page.evaluate(() => document.querySelector('svg.graphe desc')?.textContent || '');
  check(/Très haut débit : \d+,\d \(France : \d+,\d\)/.test(desc), `bar chart: its description gives every value ("${desc.slice(0, 60)}…")`);
  const h = await page.evaluate(() => [...document.querySelectorAll('main h1, main h2')].map((e) => e.tagName + ' ' + e.textContent.trim()));
  check(h[0]?.startsWith('H1 Diagnostic numérique') && h.filter((x) => x.startsWith('H1')).length === 1 && h.length >= 8,
    `one h1 then sections: ${h.slice(0, 9).join(' | ')}`);
}

async function keyboardTabs(page, base) {
  await page.goto(`${base}/tableau/departement/04`);
  let tabs = 0, label = '';
  while (label !== "Distance à l'aide" && tabs < 80) {
    await page.keyboard.press('Tab');
    tabs++;
    label = await page.evaluate(() => document.activeElement?.textContent?.trim() || '');
  }
  if (!check(label === "Distance à l'aide", `keyboard: Tab reaches the "Distance à l'aide" map tab (${tabs} Tab)`)) return;
  await Promise.all([page.waitForURL(/carte=distance/), page.keyboard.press('Enter')]);
  const cur = await page.evaluate(() => document.querySelector('.onglets a[aria-current]')?.textContent?.trim());
  const legend = await page.evaluate(() => document.querySelector('#carte figcaption')?.textContent?.trim());
  check(cur === "Distance à l'aide" && /Distance moyenne/.test(legend || ''),
    `keyboard: Enter shows the distance map (current tab "${cur}", legend "${legend}")`);
}

async function noJs(browser, base) {
  const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    const w = watch(page, 'no-JS');
    await page.goto(`${base}/tableau/region/93`);
    await page.click('.onglets a:has-text("Lieux pour")');
    await page.waitForURL(/carte=densite/);
    const n = await page.locator('svg.svgmap path').count();
    check(n >= 6 && w.problems.length === 0, `no JavaScript: the density map of a région by a plain link (${n} shapes)`);
  } finally {
    await ctx.close();
  }
}

async function printReport(browser, base) {
  const ctx = await browser.newContext(desktop);
  try {
    const page = await ctx.newPage();
    await page.goto(`${base}/tableau/departement/04/rapport`);
    await page.emulateMedia({ media: 'print' });
    const r = await page.evaluate(() => ({
      nav: getComputedStyle(document.querySelector('.entete nav')).display,
      details: document.querySelectorAll('main details').length,
      maps: document.querySelectorAll('main svg.svgmap').length,
      roadmap: !!document.getElementById('feuille-de-route'),
    }));
    check(r.nav === 'none' && r.details === 0 && r.maps === 3 && r.roadmap,
      `report in print: no navigation (${r.nav}), tables shown (${r.details} <details>), ${r.maps} maps, roadmap section`);
    await page.screenshot({ path: path.join(SHOTS, 'tableau-rapport-impression.png'), fullPage: true });
  } finally {
    await ctx.close();
  }
}

async function main() {
  if (!fs.existsSync(BIN)) { check(false, `${BIN} exists (run make first)`); return; }
  if (!fs.existsSync(CHROMIUM)) { check(false, `${CHROMIUM} exists`); return; }
  if (!realData() || !fs.existsSync(IFN)) { console.log('skip: test_tableaux needs ../shared/data (lieux, ifn)'); return; }
  fs.mkdirSync(SHOTS, { recursive: true });
  const launching = launchBrowser();
  let browser = null;
  try {
    const db = path.join(TMP, 'passerelle.db');
    if (!fixtureDb(db)) return;
    const imp = await run(['--db', db, 'ifn', 'import', IFN, '--populations', path.join(DATA, 'communes', 'communes.csv')]);
    if (!check(imp.code === 0 && /communes=\d+/.test(imp.stdout), `ifn import (${imp.stdout.trim()})`, [imp.stderr.slice(-300)])) return;
    const base = await startServer(db);
    if (!check(!!base, 'server: started on a free loopback port')) return;
    try {
      browser = await launching;
    } catch (e) {
      check(false, `chromium: launched (${e.message.split('\n')[0]})`);
      return;
    }
    const D = await openPage(browser, desktop, 'desktop');
    const M = await openPage(browser, mobile, 'mobile');
    const pages = [
      ['tableau-france', '/tableau'],
      ['tableau-france-densite', '/tableau?carte=densite'],
      ['tableau-france-distance', '/tableau?carte=distance'],
      ['tableau-region', '/tableau/region/93'],
      ['tableau-departement', '/tableau/departement/04'],
      ['tableau-departement-13', '/tableau/departement/13?carte=distance'],
      ['tableau-epci', '/tableau/epci/200054807'],
      ['tableau-epci-grand', '/tableau/epci/200067106?carte=densite'],
      ['tableau-commune', '/tableau/commune/04120'],
      ['tableau-commune-ville', '/tableau/commune/13001'],
      ['tableau-outre-mer', '/tableau/departement/973'],
    ];
    for (const [name, url] of pages) await auditPage(D, M, base, name, url);
    await auditPage(D, M, base, 'tableau-rapport', '/tableau/departement/04/rapport', 200 * 1024);
    await M.ctx.close();
    await accessibleNames(D.page, base);
    await keyboardTabs(D.page, base);
    await noJs(browser, base);
    await printReport(browser, base);
    check(serverRunning(), 'server: still running after the browser tests');
  } finally {
    if (!browser) browser = await launching.catch(() => null);
    if (browser) await browser.close();
  }
}

const watchdog = setTimeout(() => {
  check(false, `whole run under ${WATCHDOG_MS / 1000} s`);
  summary();
  process.exit(1);
}, WATCHDOG_MS);

const started = Date.now();
try {
  await main();
} catch (e) {
  check(false, `unexpected error: ${e.stack || e}`);
} finally {
  await stopServer();
  clearTimeout(watchdog);
  fs.rmSync(TMP, { recursive: true, force: true });
}
reportViolations();
console.log(`       (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in build/screenshots/)`);
summary();
