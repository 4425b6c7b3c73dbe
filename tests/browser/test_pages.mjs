// test_pages.mjs - the pages as a browser sees them: Debian's Chromium driven
// by playwright-core, axe-core for WCAG 2.1 A/AA, against the real binary
// serving a temporary database loaded with the real open data of
// ../shared/data (or data/demo when it is absent).
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
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'build', 'passerelle');
const DATA = path.join(ROOT, '..', 'shared', 'data');
const SHOTS = path.join(ROOT, 'build', 'screenshots');
const AXE_SRC = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MAX_BYTES = 50 * 1024; // same limit as tests/http/test_http.py
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// "now" = Tuesday 24 November 2026, 10:30 local time (as tests/http), so that
// "open now" is reproducible.
const NOW = Math.floor(new Date(2026, 10, 24, 10, 30, 0).getTime() / 1000);
const WATCHDOG_MS = 240000;

let passed = 0, failed = 0;
let maps = true; // false with the demo data: no contours, so no SVG maps
function check(ok, what, details = []) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) for (const d of details) console.log(`       ${d}`);
  return ok;
}

// ---- temp dir, child processes, cleanup in all cases ----

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-browser-'));
let server = null;      // the running `serve` process
let child = null;       // a running import command
function cleanupSync() {
  for (const p of [child, server])
    if (p && p.exitCode === null && p.signalCode === null) {
      try { p.kill('SIGKILL'); } catch { /* already gone */ }
    }
  fs.rmSync(TMP, { recursive: true, force: true });
}
process.on('exit', cleanupSync);
for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]])
  process.on(sig, () => { console.log(`interrupted (${sig})`); process.exit(128 + n); });

function run(args, env = {}) { // run build/passerelle; resolves {code, stdout, stderr}
  return new Promise((resolve) => {
    let stdout = '', stderr = '';
    child = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { stderr += String(e); });
    child.on('close', (code) => { child = null; resolve({ code, stdout, stderr }); });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function httpGet(url) { // loopback only; resolves {status, body}
  return new Promise((resolve, reject) => {
    const rq = http.get(url, (rs) => {
      let body = '';
      rs.setEncoding('utf8');
      rs.on('data', (d) => { body += d; });
      rs.on('end', () => resolve({ status: rs.statusCode, body }));
    });
    rq.on('error', reject);
    rq.setTimeout(10000, () => rq.destroy(new Error('timeout')));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadDatabase(db) {
  const real = !process.env.PASSERELLE_TEST_DEMO && fs.existsSync(path.join(DATA, 'lieux'));
  maps = real;
  // Contours are needed for the maps: imported once per run, here.
  const terr = real
    ? ['territoires', 'import', '--coords', path.join(DATA, 'communes', 'communes.csv'),
      '--contours', path.join(DATA, 'boundaries')]
    : ['territoires', 'import', '--coords', path.join(ROOT, 'data', 'demo', 'communes-demo.csv')];
  let r = await run(['--db', db, ...terr]);
  if (!check(r.code === 0, `database: territoires import (${real ? 'real data with contours' : 'demo data'})`,
    r.stderr.trim().split('\n').slice(-5))) return false;
  const files = real
    ? fs.readdirSync(path.join(DATA, 'lieux')).sort().map((f) => path.join(DATA, 'lieux', f))
    : [path.join(ROOT, 'data', 'demo', 'lieux-demo.csv')];
  let ok = true;
  for (const f of files) {
    r = await run(['--db', db, 'lieux', 'import', f]);
    if (r.code !== 0) { ok = false; console.log(`       ${path.basename(f)}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`); }
  }
  r = await run(['--db', db, 'lieux', 'dedup']);
  if (r.code !== 0) ok = false;
  return check(ok, `database: ${files.length} lieux file(s) imported and deduplicated`, [r.stderr.trim().slice(-300)]);
}

async function startServer(db) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let log = '';
    server = spawn(BIN, ['--db', db, 'serve', '--port', String(port)],
      { cwd: ROOT, env: { ...process.env, PASSERELLE_NOW: String(NOW) }, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr.on('data', (d) => { log += d; if (log.length > 20000) log = log.slice(-10000); });
    server.on('error', (e) => { log += String(e); });
    for (let i = 0; i < 100 && server.exitCode === null; i++) {
      try {
        if ((await httpGet(`http://127.0.0.1:${port}/sante`)).status === 200) return `http://127.0.0.1:${port}`;
      } catch { /* not yet listening */ }
      await sleep(100);
    }
    console.log(`       server did not start on port ${port}: ${log.slice(-500)}`);
    server.kill('SIGKILL');
  }
  return null;
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const gone = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  if (await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]) === false) server.kill('SIGKILL');
}

// ---- browser helpers ----

// Watches a page for console errors, uncaught exceptions, failed requests
// and HTTP errors, and records the requests for document + CSS (to weigh
// them). The page is reused from URL to URL: reset() starts a new record.
function watch(page, tag) {
  const w = { problems: [], weighed: [] };
  w.reset = () => { w.problems = []; w.weighed = []; };
  page.on('console', (m) => {
    if (m.type() === 'error') {
      const loc = m.location();
      w.problems.push(`${tag} console error: ${m.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
    }
  });
  page.on('pageerror', (e) => w.problems.push(`${tag} page error: ${e.message}`));
  page.on('requestfailed', (rq) => w.problems.push(`${tag} request failed: ${rq.url()} ${rq.failure()?.errorText || ''}`));
  page.on('response', (rs) => { if (rs.status() >= 400) w.problems.push(`${tag} HTTP ${rs.status()}: ${rs.url()}`); });
  page.on('requestfinished', (rq) => {
    const type = rq.resourceType();
    if (type === 'document' || type === 'stylesheet') w.weighed.push(rq);
  });
  return w;
}

// A page reused for every URL, with the HTTP cache off so that each visit
// transfers (and weighs) the document and the stylesheet.
async function openPage(browser, options, tag) {
  const ctx = await browser.newContext(options);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return { ctx, page, w: watch(page, tag) };
}

async function transferred(w) { // bytes on the wire for document + CSS
  let total = 0;
  const parts = [];
  for (const rq of w.weighed) {
    const s = await rq.sizes();
    const n = s.responseBodySize + s.responseHeadersSize;
    total += n;
    parts.push(`${new URL(rq.url()).pathname} ${n}`);
  }
  return { total, parts };
}

// axe-core injection: the page CSP (script-src 'self') forbids inline
// <script>, so page.addScriptTag({content}) would be refused. We inject the
// source with page.evaluate(string), which goes through the DevTools
// protocol (Runtime.evaluate) and is not subject to the page CSP. No
// bypassCSP anywhere: the CSP stays enforced, so the console check also
// catches CSP violations of the page itself.
async function runAxe(page) {
  // Open every <details> so the hidden parts (tables, extra criteria) are
  // checked too; the screenshots are taken before, in the default state.
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SRC);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' | '),
        summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim() })),
    }));
  }, AXE_TAGS);
}

// Role and accessible name as computed by Chromium's accessibility tree.
async function axNode(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) return null;
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const n = nodes[0] || {};
    return { role: n.role?.value, name: (n.name?.value || '').trim(), ignored: !!n.ignored };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

const desktop = { viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' };
const mobile = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
  locale: 'fr-FR', timezoneId: 'Europe/Paris' };

const violations = []; // every axe violation, for the summary at the end

// Steps 1-4 for one page: console/requests, axe, weight, screenshots,
// reflow. The desktop and the mobile visits run side by side.
async function auditPage(D, M, base, name, url) {
  const desk = (async () => {
    const r = { problems: [], status: 0, weight: null, axe: null };
    D.w.reset();
    try {
      const rs = await D.page.goto(base + url, { waitUntil: 'load' });
      r.status = rs ? rs.status() : 0;
      r.weight = await transferred(D.w);
      await D.page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
      r.axe = await runAxe(D.page);
      await sleep(150); // late console messages (favicon, CSP reports)
    } catch (e) {
      r.problems.push(`desktop: ${e.message.split('\n')[0]}`);
    }
    r.problems.push(...D.w.problems);
    return r;
  })();
  const mob = (async () => {
    const r = { problems: [], width: null, overflow: '' };
    M.w.reset();
    try {
      await M.page.goto(base + url, { waitUntil: 'load' });
      r.width = await M.page.evaluate(() => document.documentElement.scrollWidth);
      if (r.width > mobile.viewport.width) r.overflow = await widestElements(M.page);
      await M.page.screenshot({ path: path.join(SHOTS, `${name}-mobile.png`), fullPage: true });
      await sleep(150);
    } catch (e) {
      r.problems.push(`mobile: ${e.message.split('\n')[0]}`);
    }
    r.problems.push(...M.w.problems);
    return r;
  })();
  const [d, m] = await Promise.all([desk, mob]);
  check(d.status === 200, `${name}: GET ${url} is 200 (${d.status})`);
  if (d.weight)
    check(d.weight.total > 0 && d.weight.total < MAX_BYTES, `${name}: document + CSS ${d.weight.total} bytes < ${MAX_BYTES}`,
      d.weight.parts);
  check(m.width !== null && m.width <= mobile.viewport.width,
    `${name}: no horizontal scrolling at ${mobile.viewport.width} px (content width ${m.width})`, [m.overflow]);
  const problems = d.problems.concat(m.problems);
  check(problems.length === 0, `${name}: no console error, no failed request`, problems);
  if (d.axe === null) {
    check(false, `${name}: axe-core ran`);
  } else if (d.axe.length === 0) {
    check(true, `${name}: axe-core WCAG 2.1 A/AA, no violation`);
  } else {
    for (const v of d.axe) {
      violations.push({ page: name, url, ...v });
      check(false, `${name}: axe ${v.id} (${v.impact}): ${v.help}`,
        v.nodes.map((n) => `${n.target} — ${n.summary}`).concat([v.helpUrl]));
    }
  }
}

async function widestElements(page) { // for the reflow failure message
  return page.evaluate((vw) => {
    // Elements past the right edge that no scrolling container clips: in
    // flow with no overflow ancestor, or absolutely positioned (an overflow
    // ancestor that is not positioned does not clip those).
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 1 || r.width === 0) continue;
      const pos = getComputedStyle(el).position;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body && !clipped; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX !== 'visible' && (pos === 'static' || pos === 'relative' || cs.position !== 'static')) clipped = true;
      }
      if (clipped) continue;
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      out.push(`<${el.tagName.toLowerCase()}${cls}> position:${pos} right=${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 40)}"`);
      if (out.length >= 5) break;
    }
    return out.length ? `overflowing: ${out.join('; ')}` : '';
  }, mobile.viewport.width);
}

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
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = TMP;
  const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  if (savedTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp;
  launching.catch(() => {}); // reported below
  let browser = null;
  try {
    const db = path.join(TMP, 'passerelle.db');
    const t0 = Date.now();
    if (!(await loadDatabase(db))) return;
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
    check(server.exitCode === null, 'server: still running after the browser tests');
  } finally {
    if (!browser) browser = await launching.catch(() => null);
    if (browser) await browser.close();
  }
}

const watchdog = setTimeout(() => {
  check(false, `whole run under ${WATCHDOG_MS / 1000} s`);
  console.log(`check: ${passed} passed, ${failed} failed`);
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
if (violations.length) {
  console.log(`axe violations (${violations.length}):`);
  for (const v of violations)
    for (const n of v.nodes) console.log(`  ${v.page} ${v.url} | ${v.id} (${v.impact}) | ${n.target} | ${v.help}`);
}
console.log(`       (${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in build/screenshots/)`);
console.log(`check: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
