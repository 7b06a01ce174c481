// Drives a Segment-spec Node client (CLIENT=cdp: @customerio/cdp-analytics-node, CLIENT=segment:
// @segment/analytics-node) against HOST with WRITE_KEY. For each of PERSONS people it sends, in
// order: an identify, STEPS track events (properties.seq = 1..STEPS), a page, a screen and a group;
// plus one anonymous track per person. Every call's outcome is appended to OUT as one JSON line:
// {"ok":true|false,"type","messageId","timestamp","userId","anonymousId","seq","error"}, so a test
// can watch progress while the run goes on. Calls go in rounds (one step for every person); a round
// starts once every call of the previous one has its outcome, so each person's calls are sent in order.
const fs = require('fs')

const pkg = process.env.CLIENT === 'segment' ? '@segment/analytics-node' : '@customerio/cdp-analytics-node'
const { Analytics } = require(pkg)
const out = process.env.OUT
const persons = parseInt(process.env.PERSONS || '5', 10)
const steps = parseInt(process.env.STEPS || '10', 10)
const prefix = process.env.PREFIX || 'pc'

const settings = { writeKey: process.env.WRITE_KEY, host: process.env.HOST, flushInterval: 100 }
if (process.env.CLIENT === 'segment') {
  settings.flushAt = 15
} else {
  settings.maxEventsInBatch = 15
}
const analytics = new Analytics(settings)
analytics.on('error', () => {}) // outcomes are reported per call below

let pending = 0
function report(type, call, seq, done) {
  pending++
  return (err, ctx) => {
    pending--
    const e = ctx && ctx.event ? ctx.event : {}
    const ts = e.timestamp instanceof Date ? e.timestamp.toISOString() : e.timestamp
    fs.appendFileSync(out, JSON.stringify({
      ok: !err, type, messageId: e.messageId, timestamp: ts, userId: call.userId, anonymousId: call.anonymousId, seq,
      error: err ? String(err && err.message ? err.message : err) : undefined
    }) + '\n')
    done()
  }
}

let round = []
function send(type, call, seq) {
  round.push(new Promise((resolve) => analytics[type](call, report(type, call, seq, resolve))))
}

async function main() {
  for (let s = 0; s <= steps + 3; s++) {
    for (let p = 0; p < persons; p++) {
      const userId = `${prefix}-p${p}`
      if (s === 0) {
        send('identify', { userId, traits: { plan: 'pro', email: `${userId}@example.com` } }, 0)
        send('track', { anonymousId: `${prefix}-anon-${p}`, event: 'browsed', properties: { seq: 0 } }, 0)
      } else if (s <= steps) {
        send('track', { userId, event: 'step', properties: { seq: s } }, s)
      } else if (s === steps + 1) {
        send('page', { userId, name: 'Pricing', properties: { url: 'https://example.test/pricing', seq: s } }, s)
      } else if (s === steps + 2) {
        send('screen', { userId, name: 'Home', properties: { seq: s } }, s)
      } else {
        send('group', { userId, groupId: `${prefix}-g${p % 3}`, traits: { name: `Group ${p % 3}` } }, s)
      }
    }
    await Promise.all(round)
    round = []
  }
  await analytics.closeAndFlush({ timeout: 60000 })
  fs.appendFileSync(out, JSON.stringify({ done: true, pending }) + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
