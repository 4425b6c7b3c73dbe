// test_comptes.mjs - the pages of accounts, structures, tokens, the journal
// and the place edit form, as a browser sees them (Debian's Chromium,
// playwright-core, axe-core), signed in as an administrator: no console
// error, no axe WCAG 2.1 A/AA violation, document + CSS under 50 KB, no
// horizontal scrolling at 390 px, screenshots in build/screenshots/. Then:
// signing in with the keyboard alone, and without JavaScript; the edit
// form's errors (summary with links to the fields, messages tied to the
// fields); the invitation page from a real invitation link.
//
// Run from the project root: node tests/browser/test_comptes.mjs
import path from 'node:path';
import {
  TMP, check, summary, fixtureDb, startServer, stopServer, serverRunning, launchBrowser, openPage,
  auditPage, reportViolations, desktop, mobile, cliSync, makeAccount, signIn, axNode,
} from './lib.mjs';
import { spawnSync } from 'node:child_process';

const WATCHDOG_MS = 240000;

function sql(db, q) { // Debian's sqlite3 command, JSON output
  const r = spawnSync('sqlite3', ['-json', db, q], { encoding: 'utf8' });
  return JSON.parse(r.stdout || '[]');
}

async function keyboardLogin(page, base) {
  try {
    await page.goto(`${base}/connexion`);
    const active = () => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
    let tabs = 0;
    while ((await active()) !== 'email' && tabs < 30) { await page.keyboard.press('Tab'); tabs++; }
    check((await active()) === 'email', `keyboard: Tab reaches the e-mail field (${tabs} Tab)`);
    await page.keyboard.type('admin@example.fr');
    await page.keyboard.press('Tab');
    check((await active()) === 'mot_de_passe', 'keyboard: the next Tab is the password');
    await page.keyboard.type('mot de passe de test 123');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    check(new URL(page.url()).pathname === '/espace', `keyboard: Enter signs in (${page.url()})`);
  } catch (e) {
    check(false, `keyboard login: ${e.message.split('\n')[0]}`);
  }
}

// A structure's edit with the keyboard alone: Tab to the phone field, type,
// Enter submits; the place page then shows the new number.
async function keyboardEdit(page, base, pid) {
  try {
    await page.goto(`${base}/lieu/${pid}/modifier`);
    let tabs = 0;
    const id = () => page.evaluate(() => document.activeElement.id);
    while ((await id()) !== 'telephone' && tabs < 60) { await page.keyboard.press('Tab'); tabs++; }
    check((await id()) === 'telephone', `keyboard edit: Tab reaches the phone field (${tabs} Tab)`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('05 61 65 43 21');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const u = new URL(page.url());
    const text = await page.locator('main').innerText();
    check(u.pathname === `/lieu/${pid}` && u.searchParams.get('fait') === 'enregistre' && /05\s61\s65\s43\s21/.test(text),
      `keyboard edit: Enter saves and the place shows the new phone (${u.pathname}${u.search})`);
  } catch (e) {
    check(false, `keyboard edit: ${e.message.split('\n')[0]}`);
  }
}

async function noJsLogin(browser, base) {
  const ctx = await browser.newContext({ ...desktop, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    check(await signIn(page, base, 'admin@example.fr'), 'no JavaScript: the sign-in form works');
    check((await page.locator('script').count()) === 0, 'no JavaScript: no <script> on /espace');
  } finally {
    await ctx.close();
  }
}

async function editErrors(page, base, pid) {
  try {
    await page.goto(`${base}/lieu/${pid}/modifier`);
    await page.fill('#horaires', 'tous les jours');
    await page.fill('#code_postal', '123');
    await Promise.all([page.waitForNavigation(), page.click('form.formulaire button[type="submit"]')]);
    const links = await page.locator('.erreurs a').allTextContents();
    check(links.length >= 2, `edit form: an error summary with a link per field (${links.length})`);
    const hours = await page.evaluate(() => {
      const i = document.getElementById('horaires');
      const ids = (i.getAttribute('aria-describedby') || '').split(' ');
      return { invalid: i.getAttribute('aria-invalid'), said: ids.map((x) => document.getElementById(x)?.textContent || '').join(' ') };
    });
    check(hours.invalid === 'true' && /horaires illisibles/.test(hours.said),
      `edit form: the hours field is marked invalid and tied to its message ("${hours.said.slice(0, 60)}")`);
    const ax = await axNode(page, '#horaires');
    check(ax && ax.name.length > 0, `edit form: the hours field has an accessible name ("${ax && ax.name}")`);
    await page.click('.erreurs a[href="#horaires"]');
    check(await page.evaluate(() => location.hash === '#horaires'), 'edit form: a summary link leads to its field');
  } catch (e) {
    check(false, `edit errors: ${e.message.split('\n')[0]}`);
  }
}

async function main() {
  const launching = launchBrowser();
  let browser = null;
  try {
    const db = path.join(TMP, 'comptes.db');
    if (!fixtureDb(db)) return;
    makeAccount(db, 'admin@example.fr', 'admin:nation:');
    const s = cliSync(['--db', db, 'structures', 'creer', '--nom', 'Espace numérique de Foix', '--commune', '09122']);
    const sid = /structure=(\d+)/.exec(s.stdout)[1];
    // a place in Foix on the real data, in Mende in the demo places
    const rec = sql(db, "SELECT l.pid, s.source_name, s.source_id FROM lieu l JOIN lieu_membre m ON m.lieu_id = l.pid " +
      "JOIN lieu_source s ON s.rowid = m.source_rowid WHERE l.commune_code IN ('09122', '48095') " +
      "ORDER BY l.commune_code = '09122' DESC, l.pid LIMIT 1")[0];
    cliSync(['--db', db, 'structures', 'lier', sid, `${rec.source_name}:${rec.source_id}`]);
    const inv = cliSync(['--db', db, 'comptes', 'inviter', 'nouvelle@example.fr', '--role', `mediateur:structure:${sid}`,
      '--profil', 'conseiller_numerique']);
    const link = /lien=http:\/\/[^/]+(\/invitation\/\S+)/.exec(inv.stdout)[1];
    const base = await startServer(db);
    if (!check(!!base, 'server: started')) return;
    try { browser = await launching; } catch (e) { check(false, `chromium: ${e.message}`); return; }

    const anon = await openPage(browser, desktop, 'anonymous');
    const anonM = await openPage(browser, mobile, 'anonymous-mobile');
    for (const [name, url] of [['connexion', '/connexion'], ['mot-de-passe-oublie', '/mot-de-passe-oublie'],
      ['invitation', link]])
      await auditPage(anon, anonM, base, name, url);
    await anonM.ctx.close();

    const D = await openPage(browser, desktop, 'desktop');
    const M = await openPage(browser, mobile, 'mobile');
    check(await signIn(D.page, base, 'admin@example.fr'), 'desktop: signed in as administrator');
    check(await signIn(M.page, base, 'admin@example.fr'), 'mobile: signed in as administrator');
    const pages = [
      ['espace', '/espace'], ['compte', '/compte'], ['second-facteur', '/compte/second-facteur'],
      ['admin-comptes', '/admin/comptes'], ['admin-structures', '/admin/structures'],
      ['admin-structure', `/admin/structures/${sid}`], ['admin-jetons', '/admin/jetons'],
      ['journal', '/journal'], ['lieu-modifier', `/lieu/${rec.pid}/modifier`], ['doublons-connecte', '/doublons'],
    ];
    for (const [name, url] of pages) await auditPage(D, M, base, name, url);
    await M.ctx.close();
    await editErrors(D.page, base, rec.pid);
    await D.ctx.close();
    const K = await openPage(browser, desktop, 'keyboard');
    await keyboardLogin(K.page, base);
    await keyboardEdit(K.page, base, rec.pid);
    await K.ctx.close();
    await noJsLogin(browser, base);
    check(serverRunning(), 'server: still running');
  } finally {
    if (!browser) browser = await launching.catch(() => null);
    if (browser) await browser.close();
  }
}

const watchdog = setTimeout(() => { check(false, `whole run under ${WATCHDOG_MS / 1000} s`); summary(); process.exit(1); },
  WATCHDOG_MS);
try {
  await main();
} catch (e) {
  check(false, `unexpected error: ${e.stack || e}`);
} finally {
  await stopServer();
  clearTimeout(watchdog);
}
reportViolations();
summary();
