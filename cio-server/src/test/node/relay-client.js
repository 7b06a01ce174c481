// Drives every Track call the relay covers with the official customerio-node client (v5), pointed
// at the relay instead of track.customer.io. Run by OfficialClientRelayIT: RELAY_TRACK_URL,
// RELAY_SITE_ID and RELAY_API_KEY come from the environment, customerio-node from NODE_PATH.
// Prints one line per call and exits non-zero if any call did not end as expected; the Java test
// then checks what the simulator behind the relay recorded.
'use strict';
const { TrackClient } = require('customerio-node');

const url = process.env.RELAY_TRACK_URL;
const site = process.env.RELAY_SITE_ID;
const key = process.env.RELAY_API_KEY;
const options = { url, timeout: 15000, retry: { maxRetries: 0 } };
const cio = new TrackClient(site, key, options);

let failures = 0;

async function expectOk(label, call) {
  try {
    const result = await call();
    console.log(`ok   ${label} ${JSON.stringify(result)}`);
    return result;
  } catch (err) {
    failures++;
    console.log(`FAIL ${label}: ${err && err.statusCode} ${err && err.message}`);
    return undefined;
  }
}

async function expectStatus(label, status, call) {
  try {
    const result = await call();
    failures++;
    console.log(`FAIL ${label}: expected HTTP ${status} but succeeded with ${JSON.stringify(result)}`);
  } catch (err) {
    if (err && err.statusCode === status) {
      console.log(`ok   ${label} -> ${status} ${err.message}`);
    } else {
      failures++;
      console.log(`FAIL ${label}: expected HTTP ${status} but got ${err && err.statusCode} ${err && err.message}`);
    }
  }
}

async function main() {
  await expectOk('identify', () => cio.identify('person-1', { email: 'p1@example.com', plan: 'pro' }));
  await expectOk('identify email path', () => cio.identify('a+b@example.com', { first_name: 'A' }));
  await expectOk('track', () => cio.track('person-1', { name: 'purchase', id: '01JRELAYNODE00000000000001', data: { sku: 'x1' } }));
  await expectOk('track duplicate id', () => cio.track('person-1', { name: 'purchase', id: '01JRELAYNODE00000000000001', data: { sku: 'x1' } }));
  await expectOk('track with timestamp', () => cio.track('person-1', { name: 'renewed', id: '01JRELAYNODE00000000000002', timestamp: 1700000000 }));
  await expectOk('trackPageView', () => cio.trackPageView('person-1', '/pricing'));
  await expectOk('trackAnonymous', () => cio.trackAnonymous('anon-1', { name: 'visited', id: '01JRELAYNODE00000000000003', data: { page: '/' } }));
  await expectOk('addDevice', () => cio.addDevice('person-1', 'tok-1', 'ios', { last_used: 1700000000, app_version: '1.2' }));
  await expectOk('deleteDevice', () => cio.deleteDevice('person-1', 'tok-1'));
  await expectOk('mergeCustomers', () => cio.mergeCustomers('id', 'person-1', 'email', 'old@example.com'));
  await expectOk('suppress', () => cio.suppress('person-2'));
  await expectOk('unsuppress', () => cio.unsuppress('person-2'));
  await expectOk('destroy', () => cio.destroy('person-2'));
  await expectOk('batch', () => cio.batch([
    { type: 'person', identifiers: { id: 'person-3' }, action: 'identify', attributes: { plan: 'free' } },
    { type: 'person', identifiers: { id: 'person-3' }, action: 'event', name: 'signed_up', id: '01JRELAYNODE00000000000004', attributes: { via: 'batch' } },
    { type: 'person', identifiers: { email: 'p3@example.com' }, action: 'page', name: '/welcome' },
  ]));
  await expectOk('entity', () => cio.entity({ type: 'person', identifiers: { id: 'person-3' }, action: 'screen', name: 'Home', id: '01JRELAYNODE00000000000005' }));
  const region = await expectOk('getAccountRegion', () => cio.getAccountRegion());
  if (!region || region.region !== 'us') {
    failures++;
    console.log(`FAIL getAccountRegion returned ${JSON.stringify(region)}`);
  }
  await expectStatus('wrong credentials', 401, () => new TrackClient(site, key + '-wrong', options).identify('person-9', {}));
  await expectStatus('over-long event name', 400, () => cio.track('person-9', { name: 'e'.repeat(101) }));

  if (failures > 0) {
    console.log(`${failures} call(s) failed`);
    process.exit(1);
  }
  console.log('all calls behaved as expected');
}

main().catch((err) => {
  console.log(`FAIL unexpected error: ${err && err.stack}`);
  process.exit(2);
});
