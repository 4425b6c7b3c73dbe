// test_pages.mjs - the pages as a browser sees them: Debian's Chromium driven
// by playwright-core, axe-core for WCAG 2.1 A/AA, against the real binary
// serving a copy of the test database (lib.mjs: the real open data of
// ../shared/data, or data/demo when it is absent).
//
// For every page: no console error (CSP violations are console errors), no
// failed request, no axe violation, document + CSS under 50 KB transferred,
// no horizontal scrolling at 390 px (WCAG 1.4.10), full-page screenshots in
// build/screenshots/<name>.png (1280 wide) and <name>-mobile.png (390 wide).
// Then: keyboard-only search from the home page, search with JavaScript
// disabled, place page (h1, hours in words, accessible SVG map), territory
// pages (map with a text alternative).
//
// Run from the project root: node tests/browser/test_pages.mjs
// Prints one line per check and "check: N passed, M failed"; exit status 1
// when anything failed. Never downloads a browser: /usr/bin/chromium only,
// loopback only. PASSERELLE_TEST_DEMO=1 forces the demo data.
import fs from 'node:fs';
import path from 'node:path';
import {
  SHOTS, BIN, CHROMIUM, TMP, check, summary, fixtureDb, startServer, stopServer, serverRunning, launchBrowser,
  httpGet, watch, openPage, axNode, auditPage, reportViolations, desktop, mobile, realData,
} from './lib.mjs';

const WATCHDOG_MS = 240000;
const maps = realData(); // the demo data has no contours, so no SVG maps

// Step 5: keyboard only, from the top of the home page to a place.
async function keyboardTest(page, base) {
  try {
    await page.goto(base + '/');
    const active = () => page.evaluate(() => {
      const e = document.activeElement;
      const r = e.getBoundingClientRect();
      const cs = getComputedStyle(e);
      return { tag: e.tagName.toLowerCase(), id: e.id, text: (e.textContent || '').trim(), href: e.getAttribute('href') || '',
        visible: r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
        outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0, shadow: cs.boxShadow !== 'none' };
    });
    await page.keyboard.press('Tab');
    let a = await active();
    check(a.tag === 'a' && a.text === 'Aller au contenu' && a.href === '#contenu',
      `keyboard: first Tab focuses the skip link "Aller au contenu" (got <${a.tag}> "${a.text.slice(0, 40)}")`);
    check(a.visible && (a.outline || a.shadow), 'keyboard: the focused skip link is visible with a focus indicator');
    await page.screenshot({ path: path.join(SHOTS, 'accueil-focus-evitement.png') });
    await page.keyboard.press('Enter');
    a = await active();
    check(a.tag === 'main' && a.id === 'contenu', `keyboard: Enter on the skip link moves focus to <main> (got <${a.tag}#${a.id}>)`);
    let tabs = 0;
    while (a.id !== 'ou' && tabs < 40) { await page.keyboard.press('Tab'); tabs++; a = await active(); }
    check(a.id === 'ou', `keyboard: Tab reaches the commune field #ou (${tabs} Tab after the skip link)`);
    check(a.outline || a.shadow, 'keyboard: the commune field shows a focus indicator');
    await page.keyboard.type('Marseille');
    await Promise.all([page.waitForURL(/\/recherche\?/), page.keyboard.press('Enter')]);
    const u = new URL(page.url());
    const h1 = (await page.textContent('h1'))?.trim() || '';
    const links = await page.locator('main a[href^="/lieu/"]').count();
    check(u.searchParams.get('ou') === 'Marseille' && /lieux?/.test(h1) && links > 0,
      `keyboard: Enter submits the search, results page "${h1}" with ${links} links to /lieu/`);
    tabs = 0;
    a = await active();
    while (!a.href.startsWith('/lieu/') && tabs < 80) { await page.keyboard.press('Tab'); tabs++; a = await active(); }
    if (check(a.href.startsWith('/lieu/'), `keyboard: Tab reaches the first result link (${tabs} Tab)`)) {
      await Promise.all([page.waitForURL(/\/lieu\//), page.keyboard.press('Enter')]);
      const h = (await page.textContent('h1'))?.trim() || '';
      check(h.length > 0, `keyboard: Enter opens the place page "${h}"`);
    }
  } catch (e) {
    check(false, `keyboard: ${e.message.split('\n')[0]}`);
  }
}

// Step 6: the search without JavaScript.
async function noJsTest(browser, base) {
  const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    const w = watch(page, 'no-JS');
    await page.goto(base + '/');
    const scripts = await page.locator('script').count();
    check(scripts === 0, `no JavaScript: the home page has no <script> (${scripts})`);
    await page.fill('#ou', 'Marseille');
    await Promise.all([page.waitForURL(/\/recherche\?/),
      page.click('form[action="/recherche"] button[type="submit"], form[action="/recherche"] input[type="submit"]')]);
    const h1 = (await page.textContent('h1'))?.trim() || '';
    const links = await page.locator('main a[href^="/lieu/"]').count();
    check(/lieux?/.test(h1) && links > 0, `no JavaScript: submitting the form gives results ("${h1}", ${links} links)`);
    check(w.problems.length === 0, 'no JavaScript: no console error, no failed request', w.problems);
  } catch (e) {
    check(false, `no JavaScript: ${e.message.split('\n')[0]}`);
  } finally {
    await ctx.close();
  }
}

const DAYS = /\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b/i;
const NO_HOURS = /horaires non renseignés|horaires ne sont pas renseignés/i;

// Step 7a: a place page.
async function placeTest(page, base, id, idNoHours) {
  try {
    await page.goto(`${base}/lieu/${id}`);
    const h1s = await page.locator('h1').allTextContents();
    check(h1s.length === 1 && h1s[0].trim().length > 0, `lieu ${id}: one non-empty h1 ("${(h1s[0] || '').trim()}")`);
    const text = await page.locator('main').innerText();
    const hours = text.split('\n').find((l) => DAYS.test(l) && /\d{1,2} h/.test(l)) || text.split('\n').find((l) => NO_HOURS.test(l));
    check(!!hours, `lieu ${id}: hours in words or "Horaires non renseignés" ("${(hours || '').trim().slice(0, 80)}")`);
    if (maps) {
      const svg = await axNode(page, 'main svg');
      check(svg && svg.role === 'image' && !svg.ignored && svg.name.length > 0,
        `lieu ${id}: SVG map has role img and an accessible name (${svg ? `role=${svg.role} name="${svg.name}"` : 'no svg'})`);
      check(await page.locator('main svg[role="img"]').count() > 0, `lieu ${id}: the map element carries role="img"`);
    } else {
      console.log(`skip lieu ${id}: SVG map (demo data has no contours)`);
    }
    if (idNoHours) {
      await page.goto(`${base}/lieu/${idNoHours}`);
      const t = await page.locator('main').innerText();
      check(NO_HOURS.test(t), `lieu ${idNoHours} (no hours in the data): the page says the hours are not given`);
    }
  } catch (e) {
    check(false, `lieu: ${e.message.split('\n')[0]}`);
  }
}

// Step 7b: territory pages: the map has a name and a text alternative
// (a table of figures; for a commune, the list of its places).
async function territoryTest(page, base, url) {
  try {
    await page.goto(base + url);
    // A map whose regions are links is a named group (role="group": an img
    // may not contain links, axe nested-interactive); otherwise an img.
    if (maps) {
      const svg = await axNode(page, 'main svg');
      check(svg && ['image', 'group'].includes(svg.role) && !svg.ignored && svg.name.length > 0,
        `${url}: map has an accessible name (${svg ? `role=${svg.role} "${svg.name}"` : 'no svg'})`);
    } else {
      console.log(`skip ${url}: SVG map (demo data has no contours)`);
    }
    if (url.includes('/commune/')) {
      const n = await page.locator('main ul a[href^="/lieu/"]').count();
      check(n > 0, `${url}: map's text alternative: a list of ${n} places`);
    } else {
      const t = await page.evaluate(() => {
        const tb = document.querySelector('main table');
        if (!tb) return null;
        const svgEl = document.querySelector('main svg');
        return { caption: tb.caption ? tb.caption.textContent.trim() : '', rows: tb.tBodies[0] ? tb.tBodies[0].rows.length : 0,
          colHeaders: tb.querySelectorAll('thead th[scope="col"]').length, rowHeaders: tb.querySelectorAll('tbody th[scope="row"]').length,
          after: !svgEl || !!(svgEl.compareDocumentPosition(tb) & Node.DOCUMENT_POSITION_FOLLOWING) };
      });
      check(t && t.caption && t.rows > 0 && t.colHeaders > 0 && t.rowHeaders === t.rows && t.after,
        `${url}: map's text alternative: a table after the map (${t ? `"${t.caption}", ${t.rows} rows, ${t.colHeaders} column headers` : 'no table'})`);
    }
  } catch (e) {
    check(false, `${url}: ${e.message.split('\n')[0]}`);
  }
}

async function main() {
  if (!fs.existsSync(BIN)) { check(false, `${BIN} exists (run make first)`); return; }
  if (!fs.existsSync(CHROMIUM)) { check(false, `${CHROMIUM} exists`); return; }
  fs.mkdirSync(SHOTS, { recursive: true });

  // Playwright creates its own fresh temporary profile (--user-data-dir) for
  // launch() (passing one in args is refused); we make it land in our temp
  // dir through TMPDIR, so it is removed at exit whatever happens. Chromium
  // starts while the database loads.
  const launching = launchBrowser();
  let browser = null;
  try {
    const db = path.join(TMP, 'passerelle.db');
    const t0 = Date.now();
    if (!fixtureDb(db)) return;
    console.log(`       (database ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const base = await startServer(db);
    if (!check(!!base, 'server: started on a free loopback port')) return;

    // Real ids from the API.
    const api = JSON.parse((await httpGet(`${base}/api/v1/lieux?ou=Marseille&limite=50`)).body);
    const id = api.resultats?.[0]?.passerelle_id;
    if (!check(Number.isInteger(id), `api: a place near Marseille (passerelle_id ${id})`)) return;
    const noHours = api.resultats.find((r) => !r.horaires)?.passerelle_id;

    try {
      browser = await launching;
    } catch (e) {
      check(false, `chromium: launched (${e.message.split('\n')[0]})`);
      return;
    }
    const D = await openPage(browser, desktop, 'desktop');
    const M = await openPage(browser, mobile, 'mobile');

    // Territory pages of the first place, from its own page's links.
    await D.page.goto(`${base}/lieu/${id}`);
    const links = await D.page.evaluate(() => Object.fromEntries(['commune', 'departement', 'region'].map((n) =>
      [n, document.querySelector(`main a[href^="/territoire/${n}/"]`)?.getAttribute('href')])));
    check(links.commune && links.departement,
      `lieu ${id}: links to its territories (${Object.values(links).filter(Boolean).join(', ')})`);
    const pages = [
      ['accueil', '/'],
      ['recherche', '/recherche?ou=Marseille'],
      ['lieu', `/lieu/${id}`],
      ...['commune', 'departement', 'region'].filter((n) => links[n]).map((n) => [`territoire-${n}`, links[n]]),
      ['carte', '/carte'],
      ['doublons', '/doublons'],
      ['imports', '/imports'],
    ];
    for (const [name, url] of pages) await auditPage(D, M, base, name, url);
    await M.ctx.close();
    await keyboardTest(D.page, base);
    await noJsTest(browser, base);
    await placeTest(D.page, base, id, noHours);
    for (const n of ['commune', 'departement', 'region']) if (links[n]) await territoryTest(D.page, base, links[n]);
    check(serverRunning(), 'server: still running after the browser tests');
  } finally {
    if (!browser) browser = await launching.catch(() => null);
    if (browser) await browser.close();
  }
}

const watchdog = setTimeout(() => {
  check(false, `whole run under ${WATCHDOG_MS / 1000} s`);
  summary();
  process.exit(1); // the exit handler kills the server and removes the temp dir
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
