// Drives the relay dashboard in headless Chromium (playwright-core) through the scenarios of
// DashboardBrowserIT. It talks to the Java test over stdio: it prints "STEP <name>" and waits for a
// line back once the test has done its part (an outage, traffic, refused operations).
'use strict';
const { chromium } = require('playwright-core');
const readline = require('readline');
const path = require('path');

const RELAY = process.env.RELAY_URL;
const SIM = process.env.SIM_URL;
const ADMIN = process.env.ADMIN_TOKEN;
const VIEWER = process.env.VIEWER_TOKEN;
const SHOTS = process.env.SCREENSHOT_DIR;
const OUTAGE_OPS = Number(process.env.OUTAGE_OPS);
const REFUSED_EVENTS = Number(process.env.REFUSED_EVENTS);
const CLICKED = Number(process.env.CLICKED_WEBHOOKS);
const BOUNCED = Number(process.env.BOUNCED_WEBHOOKS);

const lines = readline.createInterface({ input: process.stdin });
const waiting = [];
const buffered = [];
lines.on('line', (l) => { if (waiting.length) waiting.shift()(l); else buffered.push(l); });
function step(name) {
  console.log('STEP ' + name);
  return new Promise((resolve) => { if (buffered.length) resolve(buffered.shift()); else waiting.push(resolve); });
}
function log(msg) { console.log('  ' + msg); }
function check(cond, msg) { if (!cond) throw new Error('check failed: ' + msg); }

const problems = [];
// Requests the script makes fail on purpose (forged or viewer actions).
const expectedFailures = new Set([RELAY + '/dashboard/api/dead-letters/purge', RELAY + '/dashboard/api/dead-letters/replay']);
function watch(page, label) {
  page.on('console', (m) => {
    const expected = m.text().startsWith('Failed to load resource') && expectedFailures.has(m.location().url);
    if (m.type() === 'error' && !expected) problems.push(label + ' console error: ' + m.text() + ' at ' + m.location().url);
  });
  page.on('pageerror', (e) => problems.push(label + ' page error: ' + e.message));
  page.on('response', (r) => { if (r.status() >= 400 && !expectedFailures.has(r.url())) problems.push(label + ' HTTP ' + r.status() + ' for ' + r.request().method() + ' ' + r.url()
); });
}

// The whole page, or only the viewport when a modal dialog is open (its backdrop covers only that).
async function shot(page, name) {
  const modal = await page.evaluate(() => !!document.querySelector('dialog[open]'));
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: !modal });
  log('screenshot ' + name);
}

async function signIn(context, token, name, label) {
  const page = await context.newPage();
  watch(page, label);
  await page.goto(RELAY + '/dashboard');
  check(page.url().endsWith('/dashboard/login'), 'an unsigned visitor is sent to the sign-in page, got ' + page.url());
  await page.getByLabel('Token').fill(token);
  if (name) await page.getByLabel(/Your name/).fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard(#[a-z]+)?$/);
  await page.locator('[data-workspace] [data-field="badge"]').first().waitFor();
  return page;
}

async function field(page, f) {
  return (await page.locator('[data-workspace] [data-field="' + f + '"]').first().textContent()) || '';
}
async function waitField(page, f, predicate, what, timeout) {
  const deadline = Date.now() + (timeout || 60000);
  let last;
  while (Date.now() < deadline) {
    last = await field(page, f);
    if (predicate(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error('timed out waiting for ' + what + '; "' + f + '" shows "' + last + '"');
}
// The role and accessible name of the focused element, from Chromium's accessibility tree (CDP).
const sessions = new WeakMap();
async function cdpOf(page) {
  if (!sessions.has(page)) sessions.set(page, await page.context().newCDPSession(page));
  return sessions.get(page);
}
async function focused(page) {
  const cdp = await cdpOf(page);
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
  await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
  const n = nodes.find((x) => !x.ignored) || nodes[0] || {};
  return { role: n.role ? n.role.value : '', name: n.name ? String(n.name.value || '') : '' };
}
// Presses Tab until the focused control's accessible name matches, as a keyboard user would.
async function tabTo(page, name) {
  const seen = [];
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (typeof name === 'string' ? f.name === name : name.test(f.name)) return f.name;
    seen.push(f.role + ':' + f.name);
  }
  throw new Error('could not reach "' + name + '" with Tab; focus went through ' + seen.slice(0, 60).join(' | '));
}
// Every control in view that has no accessible name (from Chromium's accessibility tree).
const CONTROL_ROLES = new Set(['button', 'checkbox', 'textbox', 'searchbox', 'combobox', 'listbox', 'link', 'spinbutton',
  'radio', 'slider', 'switch', 'tab', 'menuitem', 'PopUpButton']);
async function unnamedControls(page) {
  const { nodes } = await (await cdpOf(page)).send('Accessibility.getFullAXTree');
  return nodes.filter((n) => !n.ignored && n.role && CONTROL_ROLES.has(n.role.value)
    && !(n.name && String(n.name.value || '').trim())).map((n) => n.role.value + ' #' + n.backendDOMNodeId);
}
async function overflowX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
async function rows(page, panel, n) {
  await page.waitForFunction(([p, k]) => document.querySelectorAll('#' + p + '-table tbody tr[data-id]').length === k, [panel, n]);
}
async function confirmWith(page, text) {
  await page.locator('#confirm[open] #confirm-text').filter({ hasText: text }).waitFor();
  return page.locator('#confirm-text').textContent();
}

const backlogOf = (t) => Number((t.match(/^([\d,.\s]+) operations/) || [null, '-1'])[1].replace(/[^\d]/g, ''));

// MODE=fleet: two relays on one Redis; the overview shows both and the shards each holds.
async function fleet(browser) {
  const seen = [];
  for (const [label, viewport] of [['fleet', { width: 1280, height: 900 }], ['fleet-phone', { width: 390, height: 844 }]]) {
    const context = await browser.newContext({ viewport: viewport, isMobile: viewport.width < 600 });
    const page = await signIn(context, ADMIN, '', label);
    const table = page.locator('[data-workspace] [data-field="fleet"] table');
    await table.locator('tbody tr').nth(1).waitFor();
    const caption = await table.locator('caption').textContent();
    check(/2 relay\(s\), 4 shards/.test(caption), 'the fleet caption names the relays and shards: ' + caption);
    const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    check(cells.filter((c) => c[0].endsWith('(this relay)')).length === 1, 'one relay is this one: ' + JSON.stringify(cells));
    const held = cells.flatMap((c) => c[1].split(', ').map(Number)).sort();
    check(JSON.stringify(held) === '[0,1,2,3]', 'each shard held by one relay: ' + JSON.stringify(cells));
    check((await field(page, 'store')).startsWith('redis'), 'the store is Redis: ' + await field(page, 'store'));
    check(await overflowX(page) <= 1, label + ': the overview does not scroll sideways');
    const unnamed = await unnamedControls(page);
    check(unnamed.length === 0, 'every control has an accessible name: ' + unnamed.join(', '));
    if (label === 'fleet') await shot(page, 'overview-fleet.png');
    seen.push(cells.map((c) => c[0] + ': ' + c[1]).join('; '));
    await context.close();
  }
  log('fleet: ' + seen[0]);
  check(problems.length === 0, 'no JavaScript errors:\n' + problems.join('\n'));
  console.log('DONE');
}

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    if (process.env.MODE === 'fleet') {
      await fleet(browser);
      return;
    }
    // ---- sign in (a wrong token first)
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await admin.newPage();
    watch(login, 'login');
    await login.goto(RELAY + '/dashboard/login');
    await login.getByLabel('Token').fill('not-the-token');
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.getByRole('alert').waitFor();
    check((await login.getByRole('alert').textContent()).includes('neither'), 'a wrong token is refused with a message');
    await login.getByLabel('Token').fill('');
    await shot(login, 'sign-in.png');
    const unnamedLogin = await unnamedControls(login);
    check(unnamedLogin.length === 0, 'every control of the sign-in page has an accessible name: ' + unnamedLogin.join(', '));
    await login.getByLabel('Token').focus();
    check((await focused(login)).name === 'Token', 'the token field is named Token');
    await tabTo(login, /^Your name/);
    await tabTo(login, 'Sign in');
    await login.close();

    const page = await signIn(admin, ADMIN, 'Ops Alice', 'admin');
    const cookies = await admin.cookies();
    const session = cookies.find((c) => c.name === 'cio_dashboard');
    check(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict: ' + JSON.stringify(session));
    await waitField(page, 'badge', (t) => t === 'UP', 'health UP');
    log('signed in; health UP');

    // ---- pause and resume, with who and when
    await page.getByRole('button', { name: /Pause delivery of workspace/ }).click();
    await page.locator('#confirm[open] #confirm-text').filter({ hasText: 'Pause delivery' }).waitFor();
    check((await page.locator('#confirm-text').textContent()).includes('Pause delivery'), 'pause asks first');
    await page.getByRole('button', { name: 'Yes' }).click();
    await waitField(page, 'pause', (t) => t.startsWith('PAUSED') && t.includes('paused by Ops Alice (admin token)'), 'the pause with who');
    await waitField(page, 'badge', (t) => t === 'DOWN', 'health DOWN while paused');
    check((await field(page, 'reasons')).includes('paused by an operator'), 'the reason says paused');
    await shot(page, 'overview-paused.png');
    await page.getByRole('button', { name: /Resume delivery of workspace/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Yes' }).focus();
    await page.keyboard.press('Enter');
    await waitField(page, 'pause', (t) => t.startsWith('running') && t.includes('resumed by Ops Alice'), 'the resume with who (keyboard only)');
    await waitField(page, 'badge', (t) => t === 'UP', 'health UP after resume');

    // ---- the backlog grows during an outage and falls after it
    await step('outage');
    const peak = await waitField(page, 'backlog', (t) => backlogOf(t) >= OUTAGE_OPS, 'the backlog to reach ' + OUTAGE_OPS);
    await waitField(page, 'badge', (t) => t !== 'UP', 'health not UP during the outage');
    await waitField(page, 'last_error', (t) => t !== '—', 'the last error');
    log('backlog during the outage: ' + peak);
    await page.getByLabel('Time range').selectOption('60'); // a short run: show the last minute
    await page.waitForTimeout(2500); // let the chart show a few seconds of retries
    await shot(page, 'overview-outage.png');
    await step('end-outage');
    await waitField(page, 'backlog', (t) => backlogOf(t) === 0, 'the backlog to drain', 90000);
    await waitField(page, 'badge', (t) => t === 'UP', 'health UP after the outage', 90000);
    const points = await page.locator('#chart polyline.s1').getAttribute('points');
    check(points && points.split(' ').length >= 5, 'the delivered line has points: ' + points);
    const summary = await page.locator('#chart-summary').textContent();
    check(/delivered \d+/.test(summary), 'the chart summary names the delivered rate: ' + summary);
    // the chart moves on by itself at least every 2 s: three advances in a row, each within 2 s (a
    // second round only if the loaded machine stalled the first)
    for (let round = 1; ; round++) {
      try {
        for (let i = 0; i < 3; i++) {
          const before = await page.locator('#chart').getAttribute('data-second');
          const t0 = Date.now();
          await page.waitForFunction((b) => document.getElementById('chart').dataset.second !== b, before, { timeout: 2000 });
          log('chart advanced from second ' + before + ' after ' + (Date.now() - t0) + ' ms');
        }
        break;
      } catch (e) {
        if (round === 2) throw new Error('the chart did not advance within 2 s: ' + e.message);
        log('chart: round ' + round + ' stalled, measuring again');
      }
    }
    await shot(page, 'overview.png');
    check(await overflowX(page) <= 1, 'the overview does not scroll sideways at 1280 px');
    log('backlog drained; chart: ' + summary);

    // ---- dead letters: filter the refused events, replay that set
    const refusedStatus = (await step('refuse')).split(' ')[1];
    await waitField(page, 'dead_letters', (t) => Number(t.replace(/[^\d]/g, '')) >= REFUSED_EVENTS + 3, 'the dead letters to appear');
    await page.getByRole('button', { name: 'Dead letters' }).click();
    const dead = page.locator('#dead');
    await page.locator('#dl-table tbody tr[data-id]').first().waitFor();
    const allRows = await page.locator('#dl-table tbody tr[data-id]').count();
    check(allRows === REFUSED_EVENTS + 3, 'every dead letter listed unfiltered, got ' + allRows);
    await dead.getByLabel('Operation type').selectOption('event');
    await dead.getByLabel('Person').fill('refused-');
    await dead.getByLabel('Last HTTP status').fill(refusedStatus);
    await dead.getByRole('button', { name: 'Apply filter' }).click();
    await rows(page, 'dl', REFUSED_EVENTS);
    const types = await page.locator('#dl-table tbody tr[data-id] td:nth-child(5)').allTextContents();
    check(types.every((t) => t === 'event'), 'only events after the filter: ' + types);
    await shot(page, 'dead-letters.png');
    check(await overflowX(page) <= 1, 'the dead letters do not scroll sideways at 1280 px');
    await dead.getByRole('button', { name: /^Details of dead letter/ }).first().click();
    await page.locator('#detail[open]').waitFor();
    const payload = await page.locator('#detail-payload').textContent();
    check(payload.includes('bad_field') && payload.includes('refused_event'), 'the detail shows the payload: ' + payload);
    check((await page.locator('#detail-fields').textContent()).includes('Reason'), 'the detail shows the reason');
    await shot(page, 'dead-letter-detail.png');
    const inDialog = await unnamedControls(page);
    check(inDialog.length === 0, 'every control of the detail view has an accessible name: ' + inDialog.join(', '));
    await page.keyboard.press('Escape');
    await page.locator('#detail[open]').waitFor({ state: 'detached' }).catch(() => {});
    check(!(await page.locator('#detail').evaluate((d) => d.open)), 'Escape closes the detail');

    // a forged cross-site style request (no CSRF token) is refused
    const forged = await page.evaluate(async () => {
      const r = await fetch('/dashboard/api/dead-letters/purge', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ filter: {}, up_to: 1e9 }) });
      return r.status;
    });
    check(forged === 403, 'a POST without the CSRF token is refused, got ' + forged);

    await dead.getByRole('button', { name: 'Replay all matching' }).click();
    const confirmText = await confirmWith(page, 'Replay all');
    check(confirmText.includes('Replay all ' + REFUSED_EVENTS + ' dead letters matching the filter'), 'the confirmation states how many: ' + confirmText);
    await shot(page, 'dead-letters-confirm.png');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.locator('#dl-result').filter({ hasText: 'Replayed' }).waitFor();
    const done = await page.locator('#dl-result').textContent();
    check(done.includes('Replayed ' + REFUSED_EVENTS + ' of ' + REFUSED_EVENTS), 'the result is shown: ' + done);
    await shot(page, 'dead-letters-replayed.png');
    await step('replayed');
    const records = await (await fetch(SIM + '/__control/records')).text();
    for (let i = 1; i <= REFUSED_EVENTS; i++) {
      check(records.includes('refused-' + i), 'the simulator recorded the replayed event of refused-' + i);
    }
    await dead.getByRole('button', { name: 'Clear' }).click();
    await rows(page, 'dl', 3);
    log('replayed ' + REFUSED_EVENTS + ' filtered dead letters; 3 others left');

    // ---- keyboard only: tabs, filter, select one and replay it, purge one from its detail view
    await page.locator('#tab-overview').focus();
    await page.keyboard.press('Enter');
    await page.locator('#overview:not([hidden])').waitFor();
    await tabTo(page, 'Dead letters');
    await page.keyboard.press('Enter');
    await page.locator('#dead:not([hidden])').waitFor();
    await rows(page, 'dl', 3);
    await tabTo(page, 'Person');
    await page.keyboard.type('kept-1');
    await tabTo(page, 'Apply filter');
    await page.keyboard.press('Enter');
    await rows(page, 'dl', 1);
    await tabTo(page, /^Select dead letter \d+$/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Replay selected (1)');
    await page.keyboard.press('Enter');
    const one = await confirmWith(page, 'Replay 1 dead letter?');
    check((await focused(page)).name === 'Cancel', 'the confirmation starts on Cancel: ' + one);
    await tabTo(page, 'Yes');
    await page.keyboard.press('Enter');
    await page.locator('#dl-result').filter({ hasText: 'Replayed 1 of 1 dead letter.' }).waitFor();
    await step('keyboard-replayed');
    await tabTo(page, 'Clear');
    await page.keyboard.press('Enter');
    await rows(page, 'dl', 2);
    await tabTo(page, /^Details of dead letter \d+$/);
    await page.keyboard.press('Enter');
    await page.locator('#detail[open]').waitFor();
    await tabTo(page, 'Purge');
    await page.keyboard.press('Enter');
    await confirmWith(page, 'Purge 1 dead letter?');
    await tabTo(page, 'Yes');
    await page.keyboard.press('Enter');
    await page.locator('#dl-result').filter({ hasText: 'Purged 1 of 1 dead letter.' }).waitFor();
    await rows(page, 'dl', 1);
    check(!(await page.locator('#detail').evaluate((d) => d.open)), 'the detail view closes after its purge');
    log('by keyboard: replayed kept-1, purged one from its detail view');

    // ---- webhooks: receipts, forwarding backlog, and the dead letters with the same actions
    await page.getByRole('button', { name: 'Webhooks' }).click();
    const hooks = page.locator('#webhooks');
    await rows(page, 'wh', CLICKED + BOUNCED);
    await page.locator('#webhook-stats').filter({ hasText: 'Forwarded' }).waitFor();
    const stats = await page.locator('#webhook-stats').textContent();
    check(stats.includes('Received') && stats.includes('Dead letters' + (CLICKED + BOUNCED)),
      'the receipts, forwarding and dead-letter count are shown: ' + stats);
    check((await page.locator('#webhook-pending').textContent()).includes('Nothing waiting'), 'nothing is waiting to be forwarded');
    await shot(page, 'webhooks.png');
    check(await overflowX(page) <= 1, 'the webhooks do not scroll sideways at 1280 px');
    // a late answer to an older request does not overwrite a newer one: the first page request
    // after "Per page" is held until the filtered one has been shown
    let release;
    const held = new Promise((r) => { release = r; });
    let heldOne = false;
    const slow = /\/dashboard\/api\/webhooks\/dead-letters\?.*limit=25/;
    await page.route(slow, async (route) => {
      if (!heldOne) {
        heldOne = true;
        await held;
      }
      await route.continue();
    });
    await hooks.getByLabel('Per page').selectOption('25');
    await hooks.getByLabel('Metric').selectOption('bounced');
    await hooks.getByRole('button', { name: 'Apply filter' }).click();
    await rows(page, 'wh', BOUNCED);
    const late = page.waitForResponse(slow);
    release();
    await late;
    await page.waitForTimeout(300);
    const afterLate = await page.locator('#wh-table tbody tr[data-id]').count();
    check(afterLate === BOUNCED, 'the filtered rows stay after a late unfiltered answer, got ' + afterLate);
    await page.unroute(slow);
    await hooks.getByRole('button', { name: 'Clear' }).click();
    await rows(page, 'wh', CLICKED + BOUNCED);
    await hooks.getByLabel('Metric').selectOption('clicked');
    await hooks.getByLabel('Last HTTP status').fill('500');
    await hooks.getByLabel('Per page').selectOption('10');
    await rows(page, 'wh', 10);
    await hooks.getByRole('button', { name: 'Apply filter' }).click();
    await rows(page, 'wh', 10);
    check(await hooks.getByRole('button', { name: 'Next page' }).isEnabled(), 'a second page is offered');
    await hooks.getByRole('button', { name: 'Next page' }).click();
    await rows(page, 'wh', CLICKED - 10);
    check((await page.locator('#wh-page-info').textContent()).startsWith('page 2'), 'the second page says so');
    await hooks.getByRole('button', { name: 'Previous page' }).click();
    await rows(page, 'wh', 10);
    const metrics = await page.locator('#wh-table tbody tr[data-id] td:nth-child(5)').allTextContents();
    check(metrics.every((t) => t === 'clicked'), 'only clicked events after the filter: ' + metrics);
    await shot(page, 'webhook-dead-letters.png');
    // one, from its detail view
    await hooks.getByRole('button', { name: /^Details of webhook dead letter/ }).first().click();
    await page.locator('#detail[open]').waitFor();
    const whPayload = await page.locator('#detail-payload').textContent();
    check(whPayload.includes('"clicked-1"') && whPayload.includes('clicker-1'), 'the detail shows the event: ' + whPayload);
    check((await page.locator('#detail-fields').textContent()).includes('HTTP 500'), 'the detail shows the reason');
    await shot(page, 'webhook-dead-letter-detail.png');
    await page.locator('#detail').getByRole('button', { name: 'Purge' }).click();
    await confirmWith(page, 'Purge 1 webhook dead letter?');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.locator('#wh-result').filter({ hasText: 'Purged 1 of 1 webhook dead letter.' }).waitFor();
    await rows(page, 'wh', 10);
    // a selection
    await hooks.getByRole('checkbox', { name: /^Select webhook dead letter/ }).nth(0).check();
    await hooks.getByRole('checkbox', { name: /^Select webhook dead letter/ }).nth(1).check();
    await hooks.getByRole('button', { name: 'Replay selected (2)' }).click();
    await confirmWith(page, 'Replay 2 webhook dead letters?');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.locator('#wh-result').filter({ hasText: 'Replayed 2 of 2 webhook dead letters.' }).waitFor();
    // everything matching the filter
    await hooks.getByRole('button', { name: 'Replay all matching' }).click();
    const whConfirm = await confirmWith(page, 'Replay all');
    check(whConfirm.includes('Replay all ' + (CLICKED - 3) + ' webhook dead letters matching the filter'),
      'the confirmation states how many: ' + whConfirm);
    await shot(page, 'webhook-dead-letters-confirm.png');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.locator('#wh-result').filter({ hasText: 'Replayed ' + (CLICKED - 3) + ' of ' + (CLICKED - 3) }).waitFor();
    await step('webhooks-replayed');
    await hooks.getByRole('button', { name: 'Clear' }).click();
    await rows(page, 'wh', BOUNCED);
    await shot(page, 'webhook-dead-letters-replayed.png');
    await hooks.getByLabel('Metric').selectOption('bounced');
    await hooks.getByRole('button', { name: 'Apply filter' }).click();
    await rows(page, 'wh', BOUNCED);
    await hooks.getByRole('button', { name: 'Purge all matching' }).click();
    await confirmWith(page, 'Purge all ' + BOUNCED + ' webhook dead letters matching the filter');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.locator('#wh-result').filter({ hasText: 'Purged ' + BOUNCED + ' of ' + BOUNCED }).waitFor();
    await page.locator('#wh-table td.empty').waitFor();
    log('webhook dead letters: filtered and paged, purged one, replayed 2 selected and ' + (CLICKED - 3) + ' matching, purged ' + BOUNCED);

    // ---- every control in each section has an accessible name
    for (const tab of ['Overview', 'Dead letters', 'Webhooks']) {
      await page.getByRole('button', { name: tab }).click();
      await page.waitForTimeout(300);
      const unnamed = await unnamedControls(page);
      check(unnamed.length === 0, 'every control of ' + tab + ' has an accessible name: ' + unnamed.join(', '));
    }
    await page.getByRole('button', { name: 'Dead letters' }).click();

    // ---- a viewer sees but cannot replay
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await signIn(viewerContext, VIEWER, '', 'viewer');
    check((await viewer.locator('#who').textContent()).includes('read-only'), 'the viewer is told it is read-only');
    check(await viewer.getByRole('button', { name: /Pause delivery/ }).isDisabled(), 'pause is disabled for the viewer');
    await viewer.getByRole('button', { name: 'Dead letters' }).click();
    await rows(viewer, 'dl', 1);
    check(await viewer.getByRole('button', { name: 'Replay all matching' }).isDisabled(), 'replay is disabled for the viewer');
    check(await viewer.getByRole('button', { name: /Purge selected/ }).isDisabled(), 'purge is disabled for the viewer');
    const viewerTry = await viewer.evaluate(async () => {
      const s = await (await fetch('/dashboard/api/session')).json();
      const r = await fetch('/dashboard/api/dead-letters/replay', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: JSON.stringify({ filter: {}, up_to: 1e9 }) });
      return { status: r.status, body: await r.json() };
    });
    check(viewerTry.status === 403 && viewerTry.body.error === 'read_only', 'the API refuses the viewer: ' + JSON.stringify(viewerTry));
    await shot(viewer, 'viewer.png');
    await viewer.getByRole('button', { name: 'Webhooks' }).click();
    await viewer.locator('#wh-table td.empty').waitFor();
    check(await viewer.locator('#webhooks').getByRole('button', { name: 'Purge all matching' }).isDisabled(),
      'the webhook actions are disabled for the viewer');

    // ---- a phone
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const mobile = await signIn(phone, ADMIN, '', 'phone');
    await mobile.waitForTimeout(1500);
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, 'the phone page does not scroll sideways (overflow ' + overflow + ' px)');
    await shot(mobile, 'phone.png');
    await mobile.getByRole('button', { name: 'Dead letters' }).click();
    await rows(mobile, 'dl', 1);
    const overflowDl = await overflowX(mobile);
    check(overflowDl <= 1, 'the dead-letter page does not scroll sideways on a phone (the table scrolls in its box): ' + overflowDl);
    await mobile.getByRole('button', { name: 'Webhooks' }).click();
    await mobile.locator('#wh-table td.empty').waitFor();
    const overflowWh = await overflowX(mobile);
    check(overflowWh <= 1, 'the webhooks page does not scroll sideways on a phone: ' + overflowWh);

    check(problems.length === 0, 'no JavaScript errors:\n' + problems.join('\n'));
    console.log('DONE');
  } finally {
    await browser.close();
    lines.close();
  }
})().then(() => process.exit(0), (e) => {
  console.log('FAILED ' + (e && e.stack || e));
  if (problems.length) console.log(problems.join('\n'));
  process.exit(1);
});
