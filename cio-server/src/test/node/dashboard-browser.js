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

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
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
const backlogOf = (t) => Number((t.match(/^([\d,.\s]+) operations/) || [null, '-1'])[1].replace(/[^\d]/g, ''));

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
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
    await page.waitForTimeout(1500);
    await shot(page, 'overview.png');
    log('backlog drained; chart: ' + summary);

    // ---- dead letters: filter the refused events, replay that set
    const refusedStatus = (await step('refuse')).split(' ')[1];
    await waitField(page, 'dead_letters', (t) => Number(t.replace(/[^\d]/g, '')) >= REFUSED_EVENTS + 3, 'the dead letters to appear');
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page.locator('#dl-table tbody tr[data-id]').first().waitFor();
    const allRows = await page.locator('#dl-table tbody tr[data-id]').count();
    check(allRows === REFUSED_EVENTS + 3, 'every dead letter listed unfiltered, got ' + allRows);
    await page.getByLabel('Operation type').selectOption('event');
    await page.getByLabel('Person').fill('refused-');
    await page.getByLabel('Last HTTP status').fill(refusedStatus);
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#dl-table tbody tr[data-id]').length === n, REFUSED_EVENTS);
    const types = await page.locator('#dl-table tbody tr[data-id] td:nth-child(5)').allTextContents();
    check(types.every((t) => t === 'event'), 'only events after the filter: ' + types);
    await shot(page, 'dead-letters.png');
    await page.getByRole('button', { name: /^Details of dead letter/ }).first().click();
    await page.locator('#detail[open]').waitFor();
    const payload = await page.locator('#detail-payload').textContent();
    check(payload.includes('bad_field') && payload.includes('refused_event'), 'the detail shows the payload: ' + payload);
    check((await page.locator('#detail-fields').textContent()).includes('Reason'), 'the detail shows the reason');
    await shot(page, 'dead-letter-detail.png');
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

    await page.getByRole('button', { name: 'Replay all matching' }).click();
    await page.locator('#confirm[open] #confirm-text').filter({ hasText: 'Replay all' }).waitFor();
    const confirmText = await page.locator('#confirm-text').textContent();
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
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#dl-table tbody tr[data-id]').length === 3);
    log('replayed ' + REFUSED_EVENTS + ' filtered dead letters; 3 others left');

    // ---- webhooks: receipts and the forwarding backlog
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.locator('#webhook-body table tbody tr').first().waitFor();
    const hooks = await page.locator('#webhook-body').textContent();
    check(hooks.includes('Received') && hooks.includes('01JWEBHOOK0000000000000001') && hooks.includes('person-3'),
      'the receipts and the pending webhooks are listed: ' + hooks);
    check(hooks.includes('Webhook dead letters: 0') && hooks.includes('No webhook dead letters.'),
      'the webhook dead letters are listed (none here): ' + hooks);
    check(await page.locator('#wh-replay-all').isDisabled(), 'nothing to replay: the bulk replay is off');
    await shot(page, 'webhooks.png');
    await page.getByRole('button', { name: 'Dead letters' }).click();

    // ---- every control has a label; nothing overflows at 1280 px
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('button, input, select')].filter((e) => {
      if (e.closest('[hidden]') && !e.closest('section')) return false;
      const aria = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
      return !(aria || (e.labels && e.labels.length) || (e.textContent || '').trim() || e.type === 'hidden');
    }).map((e) => e.outerHTML.slice(0, 80)));
    check(unlabelled.length === 0, 'every control is labelled: ' + unlabelled.join(' | '));

    // ---- a viewer sees but cannot replay
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await signIn(viewerContext, VIEWER, '', 'viewer');
    check((await viewer.locator('#who').textContent()).includes('read-only'), 'the viewer is told it is read-only');
    check(await viewer.getByRole('button', { name: /Pause delivery/ }).isDisabled(), 'pause is disabled for the viewer');
    await viewer.getByRole('button', { name: 'Dead letters' }).click();
    await viewer.waitForFunction(() => document.querySelectorAll('#dl-table tbody tr[data-id]').length === 3);
    check(await viewer.getByRole('button', { name: 'Replay all matching' }).isDisabled(), 'replay is disabled for the viewer');
    const viewerTry = await viewer.evaluate(async () => {
      const s = await (await fetch('/dashboard/api/session')).json();
      const r = await fetch('/dashboard/api/dead-letters/replay', { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: JSON.stringify({ filter: {}, up_to: 1e9 }) });
      return { status: r.status, body: await r.json() };
    });
    check(viewerTry.status === 403 && viewerTry.body.error === 'read_only', 'the API refuses the viewer: ' + JSON.stringify(viewerTry));
    await shot(viewer, 'viewer.png');

    // ---- a phone
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const mobile = await signIn(phone, ADMIN, '', 'phone');
    await mobile.waitForTimeout(1500);
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, 'the phone page does not scroll sideways (overflow ' + overflow + ' px)');
    await shot(mobile, 'phone.png');
    await mobile.getByRole('button', { name: 'Dead letters' }).click();
    await mobile.waitForFunction(() => document.querySelectorAll('#dl-table tbody tr[data-id]').length === 3);
    const overflowDl = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflowDl <= 1, 'the dead-letter page does not scroll sideways on a phone (the table scrolls in its box): ' + overflowDl);

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
