'use strict';
// The cio-relay dashboard: plain JavaScript, no libraries, talking to /dashboard/api.
(function () {
  const SERIES = ['accepted', 'delivered', 'retried', 'refused', 'dead_lettered'];
  const LABELS = { accepted: 'accepted', delivered: 'delivered', retried: 'retried', refused: 'refused at intake', dead_lettered: 'dead-lettered' };
  const WINDOW = 900;
  const state = { session: null, overview: null, rates: {}, lastSecond: 0, page: { after: 0, next: null, stack: [] },
    selected: new Set(), filter: {}, detailId: null, section: 'overview' };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    return e;
  }

  async function api(path, options) {
    const opts = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
    if (opts.body !== undefined) {
      opts.method = opts.method || 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(opts.body);
    }
    if (opts.method && opts.method !== 'GET' && state.session && state.session.csrf) {
      opts.headers['X-CSRF-Token'] = state.session.csrf;
    }
    const r = await fetch('/dashboard/api' + path, opts);
    if (r.status === 401) {
      location.assign('/dashboard/login');
      throw new Error('signed out');
    }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      throw new Error(body.message || ('HTTP ' + r.status));
    }
    return body;
  }

  let bannerTimer = null;
  function banner(text, isError, sticky) {
    const b = $('banner');
    b.textContent = text || '';
    b.classList.toggle('error', !!isError);
    clearTimeout(bannerTimer);
    if (text && !sticky) bannerTimer = setTimeout(() => { b.textContent = ''; }, 10000);
  }

  function fmtTime(iso) {
    if (!iso) return 'never';
    const d = new Date(iso);
    return d.toLocaleString() + ' (' + ago(d) + ')';
  }
  function ago(d) {
    const s = Math.round((Date.now() - d.getTime()) / 1000);
    if (s < 0) return 'in ' + duration(-s);
    return duration(s) + ' ago';
  }
  function duration(s) {
    s = Math.round(s);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }
  function num(n) { return Number(n).toLocaleString(); }
  function mayAct() { return state.session && state.session.role === 'admin'; }

  // ------------------------------------------------------------ sections
  function show(section) {
    state.section = section;
    for (const [name, tab] of [['overview', 'tab-overview'], ['dead', 'tab-dead'], ['webhooks', 'tab-webhooks']]) {
      $(name).hidden = name !== section;
      if (name === section) $(tab).setAttribute('aria-current', 'page'); else $(tab).removeAttribute('aria-current');
    }
    if (location.hash !== '#' + section) history.replaceState(null, '', '#' + section);
    if (section === 'dead') loadDeadLetters(state.page.after);
    if (section === 'webhooks') loadWebhooks();
  }

  // ------------------------------------------------------------ overview
  const FIELDS = [
    ['status', 'Health'], ['breaker', 'Circuit breaker'], ['backlog', 'Backlog'], ['oldest', 'Oldest pending'],
    ['dead_letters', 'Dead letters'], ['pauses429', '429 pauses'], ['rate_limited_until', 'Rate-limited until'],
    ['last_success', 'Last success'], ['last_failure', 'Last failure'], ['last_error', 'Last error'],
    ['pause', 'Delivery'], ['store', 'Store']
  ];

  function card(ws) {
    let c = document.querySelector('[data-workspace="' + CSS.escape(ws.name) + '"]');
    if (c) return c;
    const dl = el('dl', { class: 'fields' });
    for (const [key, label] of FIELDS) {
      dl.append(el('dt', { text: label }), el('dd', { 'data-field': key }));
    }
    const pauseBtn = el('button', { type: 'button', class: 'pause', 'data-act': true,
      'aria-label': 'Pause delivery of workspace ' + ws.name, onclick: () => togglePause(ws.name) });
    c = el('article', { class: 'card', 'data-workspace': ws.name, 'aria-labelledby': 'ws-' + ws.name },
      el('h3', { id: 'ws-' + ws.name }, 'Workspace ', el('span', { class: 'ws-name', text: ws.name }), ' ',
        el('span', { class: 'badge', 'data-field': 'badge' })),
      el('ul', { class: 'reasons', 'data-field': 'reasons', 'aria-label': 'Why it is not UP' }),
      dl, pauseBtn, el('div', { 'data-field': 'fleet' }));
    $('workspaces').append(c);
    applyRole(c);
    return c;
  }

  function set(c, field, text) {
    const e = c.querySelector('[data-field="' + field + '"]');
    if (e && e.textContent !== String(text)) e.textContent = text;
    return e;
  }

  function renderOverview(o) {
    state.overview = o;
    $('overview-updated').textContent = 'Updated ' + new Date(o.now).toLocaleTimeString() + ' · store: ' + o.store
      + (o.webhooks ? ' · webhook receiver on' : ' · webhook receiver off');
    for (const ws of o.workspaces) {
      const c = card(ws);
      const badge = set(c, 'badge', ws.status);
      badge.className = 'badge ' + ws.status.toLowerCase();
      set(c, 'status', ws.status + (ws.reasons.length ? ' — ' + ws.reasons.length + ' reason(s) above' : ' — delivering normally'));
      const reasons = c.querySelector('[data-field="reasons"]');
      const joined = ws.reasons.join('\n');
      if (reasons.dataset.value !== joined) {
        reasons.dataset.value = joined;
        reasons.replaceChildren(...ws.reasons.map((r) => el('li', { text: r })));
      }
      set(c, 'breaker', ws.circuit_state + (ws.consecutive_failures ? ' · ' + ws.consecutive_failures + ' failures in a row' : ''));
      set(c, 'backlog', num(ws.backlog) + ' operations (' + num(ws.backlog_bytes) + ' bytes)');
      set(c, 'oldest', ws.backlog ? duration(ws.oldest_pending_age_seconds) : '—');
      set(c, 'dead_letters', num(ws.dead_letters));
      set(c, 'pauses429', num(ws.rate_limit_pauses));
      set(c, 'rate_limited_until', ws.rate_limited_until ? fmtTime(ws.rate_limited_until) : 'not rate-limited');
      set(c, 'last_success', fmtTime(ws.last_success));
      set(c, 'last_failure', fmtTime(ws.last_failure));
      set(c, 'last_error', ws.last_error || '—');
      const p = ws.pause;
      let pauseText = p.paused ? 'PAUSED' : 'running';
      if (p.last_change) pauseText += ' · ' + p.last_change + ' by ' + p.by + ' at ' + new Date(p.at).toLocaleString();
      set(c, 'pause', pauseText);
      const btn = c.querySelector('button.pause');
      btn.textContent = p.paused ? 'Resume delivery' : 'Pause delivery';
      btn.setAttribute('aria-label', (p.paused ? 'Resume' : 'Pause') + ' delivery of workspace ' + ws.name);
      btn.dataset.paused = p.paused ? '1' : '0';
      set(c, 'store', ws.store.kind + ' · ' + ws.store.where);
      renderFleet(c.querySelector('[data-field="fleet"]'), ws.store.fleet);
    }
    const sel = $('chart-workspace');
    if (sel.options.length !== o.workspaces.length) {
      sel.replaceChildren(...o.workspaces.map((w) => el('option', { value: w.name, text: w.name })));
    }
  }

  function renderFleet(box, fleet) {
    const key = JSON.stringify(fleet || null);
    if (box.dataset.value === key) return;
    box.dataset.value = key;
    if (!fleet) { box.replaceChildren(); return; }
    if (fleet.error) { box.replaceChildren(el('p', { class: 'error', text: 'Fleet: ' + fleet.error })); return; }
    const rows = fleet.relays.map((r) => el('tr', {},
      el('td', { text: r.id + (r.this ? ' (this relay)' : '') }),
      el('td', { text: r.shards.length ? r.shards.join(', ') : 'none' }),
      el('td', { text: new Date(r.last_seen).toLocaleTimeString() })));
    box.replaceChildren(el('div', { class: 'table-wrap' }, el('table', { class: 'fleet' },
      el('caption', { text: 'Fleet on Redis: ' + fleet.relays.length + ' relay(s), ' + fleet.shards + ' shards'
        + (fleet.free_shards.length ? ', free: ' + fleet.free_shards.join(', ') : '') }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Relay' }), el('th', { scope: 'col', text: 'Shards held' }),
        el('th', { scope: 'col', text: 'Last heartbeat' }))),
      el('tbody', {}, ...rows))));
  }

  async function togglePause(ws) {
    const btn = document.querySelector('[data-workspace="' + CSS.escape(ws) + '"] button.pause');
    const resume = btn.dataset.paused === '1';
    const ok = await confirmDialog((resume ? 'Resume' : 'Pause') + ' delivery of workspace ' + ws + '?'
      + (resume ? '' : ' Accepting continues; the backlog grows until you resume.'));
    if (!ok) return;
    try {
      await api(resume ? '/resume' : '/pause', { body: { workspace: ws } });
      banner('Delivery of ' + ws + (resume ? ' resumed.' : ' paused.'));
      refreshOverview();
    } catch (e) {
      banner(e.message, true);
    }
  }

  async function refreshOverview() {
    try {
      renderOverview(await api('/overview'));
    } catch (e) {
      $('overview-updated').textContent = 'Could not load the overview: ' + e.message;
    }
  }

  // ------------------------------------------------------------ chart
  async function refreshRates() {
    try {
      const r = await api('/rates?since=' + state.lastSecond);
      for (const [ws, w] of Object.entries(r.workspaces)) {
        const h = state.rates[ws] || (state.rates[ws] = { seconds: [], values: SERIES.map(() => []) });
        w.seconds.forEach((s, i) => {
          h.seconds.push(s);
          SERIES.forEach((name, k) => h.values[k].push(w[name][i]));
          if (s > state.lastSecond) state.lastSecond = s;
        });
        const cut = h.seconds.findIndex((s) => s > state.lastSecond - WINDOW);
        if (cut > 0) {
          h.seconds.splice(0, cut);
          h.values.forEach((v) => v.splice(0, cut));
        }
      }
      drawChart();
    } catch (e) {
      // the overview reports the trouble
    }
  }

  function drawChart() {
    const ws = $('chart-workspace').value || Object.keys(state.rates)[0];
    const h = state.rates[ws];
    const chart = $('chart');
    chart.replaceChildren();
    const W = 900, H = 240, top = 10, bottom = 20;
    if (!h || !h.seconds.length) {
      chart.append(svg('text', { x: 10, y: 30, class: 'axis', text: 'collecting…' }));
      return;
    }
    let max = 1;
    h.values.forEach((v) => v.forEach((x, i) => { if (x > max && h.seconds[i] > state.lastSecond - (Number($('chart-range').value) || WINDOW)) max = x; }));
    const range = Number($('chart-range').value) || WINDOW;
    const end = state.lastSecond, start = end - range + 1;
    const shown = h.seconds.map((s, i) => i).filter((i) => h.seconds[i] >= start);
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    for (const f of [0, 0.5, 1]) {
      chart.append(svg('line', { x1: 0, x2: W, y1: y(max * f), y2: y(max * f), class: 'grid' }));
      chart.append(svg('text', { x: 4, y: y(max * f) - 2, class: 'axis', text: Math.round(max * f) + '/s' }));
    }
    chart.append(svg('text', { x: 4, y: H - 4, class: 'axis', text: Math.round(range / 60) + ' min ago' }));
    chart.append(svg('text', { x: W - 4, y: H - 4, class: 'axis end', text: 'now' }));
    SERIES.forEach((name, k) => {
      const pts = shown.map((i) => ((h.seconds[i] - start) * W / (range - 1)).toFixed(1) + ',' + y(h.values[k][i]).toFixed(1));
      chart.append(svg('polyline', { points: pts.join(' '), class: 'line s' + k }));
    });
    const last = h.seconds.length - 1;
    $('chart-summary').textContent = 'Last second in ' + ws + ': ' + SERIES.map((name, k) => LABELS[name] + ' ' + h.values[k][last]).join(', ')
      + '. Peak of any series in the ' + $('chart-range').selectedOptions[0].textContent + ': ' + max + '/s.';
  }

  function legend() {
    $('legend').replaceChildren(...SERIES.map((name, k) => el('li', {}, el('span', { class: 'swatch s' + k, 'aria-hidden': 'true' }), LABELS[name])));
  }

  // ------------------------------------------------------------ dead letters
  function readFilter() {
    const f = {};
    for (const name of ['q', 'person', 'type', 'reason', 'status']) {
      const v = $('f-' + name).value.trim();
      if (v) f[name] = v;
    }
    for (const name of ['from', 'to']) {
      const v = $('f-' + name).value;
      if (v) f[name] = new Date(v).toISOString();
    }
    return f;
  }
  function dlWorkspace() { return $('f-workspace').value; }
  function query(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
    return p.toString();
  }

  async function loadDeadLetters(after) {
    const result = $('dl-count');
    try {
      const r = await api('/dead-letters?' + query(Object.assign({ workspace: dlWorkspace(), after: after, limit: 50 }, state.filter)));
      state.page.after = after;
      state.page.next = r.next_after;
      const body = $('dl-table').querySelector('tbody');
      body.replaceChildren(...r.dead_letters.map(row));
      if (!r.dead_letters.length) {
        body.append(el('tr', {}, el('td', { colspan: 10, class: 'empty', text: 'No dead letters match.' })));
      }
      $('select-page').checked = false;
      result.textContent = r.total + ' dead letter(s) in the store; ' + r.dead_letters.length + ' shown'
        + (Object.keys(state.filter).length ? ' (filtered)' : '') + '.';
      $('next-page').disabled = r.next_after === null;
      $('first-page').disabled = after === 0;
      $('page-info').textContent = after ? 'after id ' + after : 'first page';
      updateSelectionButtons();
    } catch (e) {
      result.textContent = 'Could not load dead letters: ' + e.message;
    }
  }

  function row(d) {
    const box = el('input', { type: 'checkbox', 'aria-label': 'Select dead letter ' + d.id, 'data-id': d.id,
      onchange: (ev) => { if (ev.target.checked) state.selected.add(d.id); else state.selected.delete(d.id); updateSelectionButtons(); } });
    box.checked = state.selected.has(d.id);
    return el('tr', { 'data-id': d.id },
      el('td', {}, box),
      el('td', { text: d.id }),
      el('td', { text: new Date(d.dead_at).toLocaleString() }),
      el('td', { text: d.person_key }),
      el('td', { text: d.type }),
      el('td', { text: d.name || '' }),
      el('td', { text: d.last_status }),
      el('td', { text: d.attempts }),
      el('td', { class: 'reason', text: d.reason }),
      el('td', {}, el('button', { type: 'button', class: 'secondary small', 'aria-label': 'Details of dead letter ' + d.id,
        onclick: () => openDetail(d.id), text: 'Details' })));
  }

  function updateSelectionButtons() {
    const n = state.selected.size;
    $('replay-selected').textContent = 'Replay selected (' + n + ')';
    $('purge-selected').textContent = 'Purge selected (' + n + ')';
    if (mayAct()) {
      $('replay-selected').disabled = n === 0;
      $('purge-selected').disabled = n === 0;
    }
  }

  async function actOnIds(ids, replay) {
    const verb = replay ? 'Replay' : 'Purge';
    const ok = await confirmDialog(verb + ' ' + ids.length + ' dead letter' + (ids.length === 1 ? '' : 's') + '?'
      + (replay ? ' They are delivered again with their event ids.' : ' They are deleted for good.'));
    if (!ok) return false;
    try {
      const r = await api('/dead-letters/' + (replay ? 'replay' : 'purge'), { body: { workspace: dlWorkspace(), ids: ids } });
      const done = replay ? r.replayed : r.purged;
      result((replay ? 'Replayed ' : 'Purged ') + done + ' of ' + ids.length + ' dead letter(s).'
        + (done < ids.length ? ' The others were no longer in the store.' : ''));
      ids.forEach((id) => state.selected.delete(id));
      loadDeadLetters(0);
      refreshOverview();
      return true;
    } catch (e) {
      result(verb + ' failed: ' + e.message, true);
      return false;
    }
  }

  async function actOnMatching(replay) {
    const verb = replay ? 'Replay' : 'Purge';
    let c;
    try {
      c = await api('/dead-letters/count?' + query(Object.assign({ workspace: dlWorkspace() }, state.filter)));
    } catch (e) {
      result('Counting failed: ' + e.message, true);
      return;
    }
    if (c.matching === 0) {
      result('No dead letters match the filter: nothing to ' + verb.toLowerCase() + '.');
      return;
    }
    const filtered = Object.keys(state.filter).length > 0;
    const ok = await confirmDialog(verb + ' all ' + c.matching + ' dead letter' + (c.matching === 1 ? '' : 's')
      + (filtered ? ' matching the filter' : ' (no filter: every dead letter of ' + dlWorkspace() + ')') + '?'
      + (replay ? ' They are delivered again with their event ids.' : ' They are deleted for good.'));
    if (!ok) return;
    try {
      const r = await api('/dead-letters/' + (replay ? 'replay' : 'purge'),
        { body: { workspace: dlWorkspace(), filter: state.filter, up_to: c.up_to } });
      const done = replay ? r.replayed : r.purged;
      result((replay ? 'Replayed ' : 'Purged ') + done + ' of ' + c.matching + ' matching dead letter(s).'
        + (done < c.matching ? ' The others had left the store meanwhile.' : ''));
      state.selected.clear();
      loadDeadLetters(0);
      refreshOverview();
    } catch (e) {
      result(verb + ' failed: ' + e.message, true);
    }
  }

  function result(text, isError) {
    const r = $('dl-result');
    r.textContent = text;
    r.classList.toggle('error', !!isError);
  }

  async function openDetail(id) {
    try {
      const d = await api('/dead-letters/' + id + '?' + query({ workspace: dlWorkspace() }));
      state.detailId = id;
      $('detail-title').textContent = 'Dead letter ' + id;
      const f = [['Person', d.person_key], ['Operation type', d.type], ['Name', d.name || '—'], ['Event id', d.event_id || '—'],
        ['Reason', d.reason], ['Last HTTP status', d.last_status], ['Attempts', d.attempts],
        ['Accepted', new Date(d.accepted_at).toLocaleString()], ['Dead-lettered', new Date(d.dead_at).toLocaleString()],
        ['Kind', d.kind]];
      $('detail-fields').replaceChildren(...f.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
      $('detail-payload').textContent = JSON.stringify(d.payload, null, 2);
      $('detail').showModal();
    } catch (e) {
      result('Could not open dead letter ' + id + ': ' + e.message, true);
    }
  }

  // ------------------------------------------------------------ webhooks
  async function loadWebhooks() {
    const box = $('webhook-body');
    try {
      const w = await api('/webhooks');
      if (!w.enabled) {
        box.replaceChildren(el('p', { text: 'The webhook receiver is off. Set CIO_WEBHOOK_SIGNING_KEY to receive Customer.io reporting webhooks at /webhooks/customerio.' }));
        return;
      }
      const s = w.stats;
      const fields = [['Received', s.received], ['Stored', s.stored], ['Duplicates', s.duplicates], ['Rejected', s.rejected
        + (Object.keys(s.rejected_by_reason).length ? ' (' + Object.entries(s.rejected_by_reason).map(([k, v]) => k + ' ' + v).join(', ') + ')' : '')],
        ['Forwarding to', w.forwarding ? w.forward_to : 'not forwarding (stored only)'], ['Forwarded', s.forwarded],
        ['Forward failures', s.forward_failures], ['Forwarding backlog', s.backlog],
        ['Oldest pending', s.backlog ? duration(s.oldest_pending_age_seconds) : '—']];
      const deadRows = w.dead_letters.map((d) => {
        const replay = el('button', { type: 'button', class: 'act', 'aria-label': 'Replay webhook dead letter ' + d.id, text: 'Replay' });
        const purge = el('button', { type: 'button', class: 'act danger', 'aria-label': 'Purge webhook dead letter ' + d.id, text: 'Purge' });
        replay.disabled = purge.disabled = !mayAct();
        replay.addEventListener('click', () => actOnWebhookDeadLetters([d.id], true));
        purge.addEventListener('click', () => actOnWebhookDeadLetters([d.id], false));
        return el('tr', {}, el('td', { text: d.id }), el('td', { text: d.event_id }), el('td', { text: d.person_key }),
          el('td', { text: d.reason }), el('td', { text: d.attempts }), el('td', { text: new Date(d.dead_at).toLocaleString() }),
          el('td', {}, replay, purge));
      });
      const replayAll = el('button', { type: 'button', id: 'wh-replay-all', text: 'Replay all ' + w.dead_letter_count });
      const purgeAll = el('button', { type: 'button', id: 'wh-purge-all', class: 'danger', text: 'Purge all ' + w.dead_letter_count });
      replayAll.disabled = purgeAll.disabled = !mayAct() || w.dead_letter_count === 0;
      replayAll.addEventListener('click', () => actOnWebhookDeadLetters(null, true, w.dead_letter_count));
      purgeAll.addEventListener('click', () => actOnWebhookDeadLetters(null, false, w.dead_letter_count));
      const rows = w.pending.map((e) => el('tr', {}, el('td', { text: e.seq }), el('td', { text: e.event_id }),
        el('td', { text: e.person_key }), el('td', { text: new Date(e.received_at).toLocaleString() }), el('td', { text: e.attempts })));
      box.replaceChildren(
        el('dl', { class: 'fields' }, ...fields.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })])),
        el('div', { class: 'table-wrap' }, el('table', {},
          el('caption', { text: 'Webhook dead letters: ' + w.dead_letter_count + ' (events the consumer kept refusing, or that could not be sent)' }),
          el('thead', {}, el('tr', {}, ...['Id', 'Event id', 'Person', 'Reason', 'Attempts', 'Dead since', 'Actions'].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, ...(deadRows.length ? deadRows : [el('tr', {}, el('td', { colspan: 7, class: 'empty', text: 'No webhook dead letters.' }))])))),
        el('p', {}, replayAll, ' ', purgeAll),
        el('p', { id: 'wh-result', role: 'status', 'aria-live': 'polite' }),
        el('div', { class: 'table-wrap' }, el('table', {},
          el('caption', { text: 'Forwarding backlog (first ' + w.pending.length + ')' }),
          el('thead', {}, el('tr', {}, ...['Seq', 'Event id', 'Person', 'Received', 'Failed attempts'].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'empty', text: 'Nothing waiting.' }))])))));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'error', text: 'Could not load webhooks: ' + e.message }));
    }
  }

  async function actOnWebhookDeadLetters(ids, replay, count) {
    const verb = replay ? 'Replay' : 'Purge';
    const n = ids ? ids.length : count;
    const ok = await confirmDialog(verb + (ids ? ' ' : ' all ') + n + ' webhook dead letter' + (n === 1 ? '' : 's') + '?'
      + (replay ? ' They are forwarded again to the consumer.' : ' They are deleted for good.'));
    if (!ok) return;
    let text;
    try {
      const r = await api('/webhooks/dead-letters/' + (replay ? 'replay' : 'purge'), { body: ids ? { ids: ids } : { all: true } });
      text = (replay ? 'Replayed ' : 'Purged ') + (replay ? r.replayed : r.purged) + ' of ' + n + ' webhook dead letter(s).';
    } catch (e) {
      text = verb + ' failed: ' + e.message;
    }
    await loadWebhooks();
    const res = $('wh-result');
    if (res) res.textContent = text;
  }

  // ------------------------------------------------------------ dialogs and roles
  function confirmDialog(text) {
    return new Promise((resolve) => {
      const d = $('confirm');
      $('confirm-text').textContent = text;
      const done = (v) => { cleanup(); d.close(); resolve(v); };
      const yes = () => done(true), no = () => done(false), cancel = () => { cleanup(); resolve(false); };
      function cleanup() {
        $('confirm-yes').removeEventListener('click', yes);
        $('confirm-no').removeEventListener('click', no);
        d.removeEventListener('cancel', cancel);
      }
      $('confirm-yes').addEventListener('click', yes);
      $('confirm-no').addEventListener('click', no);
      d.addEventListener('cancel', cancel);
      d.showModal();
      $('confirm-no').focus();
    });
  }

  function applyRole(root) {
    if (mayAct()) return;
    for (const b of root.querySelectorAll('[data-act]')) {
      b.disabled = true;
      b.title = 'Signed in with the viewer token: read-only';
    }
  }

  async function init() {
    legend();
    try {
      state.session = await api('/session');
    } catch (e) {
      banner('Could not start: ' + e.message, true, true);
      return;
    }
    $('who').textContent = 'Signed in as ' + state.session.who + (mayAct() ? '' : ' · read-only');
    if (!mayAct()) banner('Viewer token: you can see everything but not replay, purge, pause or resume.', false, true);
    $('f-workspace').replaceChildren(...state.session.workspaces.map((w) => el('option', { value: w, text: w })));
    applyRole(document);
    updateSelectionButtons();
    $('tab-overview').addEventListener('click', () => show('overview'));
    $('tab-dead').addEventListener('click', () => show('dead'));
    $('tab-webhooks').addEventListener('click', () => show('webhooks'));
    $('chart-workspace').addEventListener('change', drawChart);
    $('chart-range').addEventListener('change', drawChart);
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      try {
        state.filter = readFilter();
      } catch (e) {
        result('Invalid date in the filter.', true);
        return;
      }
      state.selected.clear();
      state.page.stack = [];
      loadDeadLetters(0);
    });
    $('clear-filter').addEventListener('click', () => {
      $('filters').reset();
      state.filter = {};
      state.selected.clear();
      loadDeadLetters(0);
    });
    $('f-workspace').addEventListener('change', () => { state.selected.clear(); loadDeadLetters(0); });
    $('next-page').addEventListener('click', () => { if (state.page.next !== null) loadDeadLetters(state.page.next); });
    $('first-page').addEventListener('click', () => loadDeadLetters(0));
    $('select-page').addEventListener('change', (ev) => {
      for (const box of $('dl-table').querySelectorAll('tbody input[type=checkbox]')) {
        box.checked = ev.target.checked;
        const id = Number(box.dataset.id);
        if (ev.target.checked) state.selected.add(id); else state.selected.delete(id);
      }
      updateSelectionButtons();
    });
    $('replay-selected').addEventListener('click', () => actOnIds([...state.selected], true));
    $('purge-selected').addEventListener('click', () => actOnIds([...state.selected], false));
    $('replay-matching').addEventListener('click', () => actOnMatching(true));
    $('purge-matching').addEventListener('click', () => actOnMatching(false));
    $('detail-close').addEventListener('click', () => $('detail').close());
    $('detail-replay').addEventListener('click', async () => { if (await actOnIds([state.detailId], true)) $('detail').close(); });
    $('detail-purge').addEventListener('click', async () => { if (await actOnIds([state.detailId], false)) $('detail').close(); });
    const start = (location.hash || '#overview').slice(1);
    show(['overview', 'dead', 'webhooks'].includes(start) ? start : 'overview');
    refreshOverview();
    refreshRates();
    setInterval(refreshOverview, 2000);
    setInterval(refreshRates, 1000);
    setInterval(() => { if (state.section === 'webhooks') loadWebhooks(); }, 2000);
  }

  document.addEventListener('DOMContentLoaded', init);
})();
