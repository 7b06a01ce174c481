'use strict';
// The cio-relay dashboard: plain JavaScript, no libraries, talking to /dashboard/api.
(function () {
  const SERIES = ['accepted', 'delivered', 'retried', 'refused', 'dead_lettered'];
  const LABELS = { accepted: 'accepted', delivered: 'delivered', retried: 'retried', refused: 'refused at intake', dead_lettered: 'dead-lettered' };
  const WINDOW = 900;
  const state = { session: null, overview: null, rates: {}, lastSecond: 0, detail: null, section: 'overview' };
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
  function rate(v) { return v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10); }
  function mayAct() { return state.session && state.session.role === 'admin'; }

  // ------------------------------------------------------------ sections
  function show(section) {
    state.section = section;
    for (const [name, tab] of [['overview', 'tab-overview'], ['dead', 'tab-dead'], ['webhooks', 'tab-webhooks']]) {
      $(name).hidden = name !== section;
      if (name === section) $(tab).setAttribute('aria-current', 'page'); else $(tab).removeAttribute('aria-current');
    }
    if (location.hash !== '#' + section) history.replaceState(null, '', '#' + section);
    if (section === 'dead') loadPanel(panels.dl, panels.dl.after);
    if (section === 'webhooks') {
      refreshWebhookStats().then(() => { if (!$('webhook-on').hidden) loadPanel(panels.wh, panels.wh.after); });
    }
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
      const before = state.lastSecond;
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
      if (state.lastSecond !== before) drawChart();
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
      chart.append(svg('text', { x: 4, y: y(max * f) - 2, class: 'axis', text: rate(max * f) + '/s' }));
    }
    chart.append(svg('text', { x: 4, y: H - 4, class: 'axis', text: Math.round(range / 60) + ' min ago' }));
    chart.append(svg('text', { x: W - 4, y: H - 4, class: 'axis end', text: 'now' }));
    SERIES.forEach((name, k) => {
      const pts = shown.map((i) => ((h.seconds[i] - start) * W / (range - 1)).toFixed(1) + ',' + y(h.values[k][i]).toFixed(1));
      chart.append(svg('polyline', { points: pts.join(' '), class: 'line s' + k }));
    });
    const last = h.seconds.length - 1;
    chart.dataset.second = h.seconds[last];
    $('chart-summary').textContent = 'Last second in ' + ws + ': ' + SERIES.map((name, k) => LABELS[name] + ' ' + h.values[k][last]).join(', ')
      + '. Peak of any series in the ' + $('chart-range').selectedOptions[0].textContent + ': ' + max + '/s.';
  }

  function legend() {
    $('legend').replaceChildren(...SERIES.map((name, k) => el('li', {}, el('span', { class: 'swatch s' + k, 'aria-hidden': 'true' }), LABELS[name])));
  }

  // ------------------------------------------------------------ dead-letter panels
  // One panel per kind of dead letter (the delivery store's, the webhook receiver's): the same
  // filters, table, paging, selection, detail view and actions, built from a spec.
  const OPERATION_TYPES = ['identify', 'event', 'page', 'screen', 'delete', 'suppress', 'unsuppress', 'add_device',
    'delete_device', 'merge'];
  const METRICS = ['sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'dropped', 'deferred', 'spammed',
    'unsubscribed', 'failed', 'undeliverable', 'attempted'];
  const PANELS = {
    dl: { api: '/dead-letters', noun: 'dead letter', workspace: true, typeLabel: 'Operation type', nameLabel: 'Name',
      typeOptions: OPERATION_TYPES.map((t) => [t, t]).concat([['anonymous_event', 'anonymous event']]),
      search: 'person, event, reason, id', person: 'id:42',
      replayHint: ' They are delivered again with their event ids.' },
    wh: { api: '/webhooks/dead-letters', noun: 'webhook dead letter', workspace: false, typeLabel: 'Metric',
      nameLabel: 'Object', typeOptions: METRICS.map((t) => [t, t]), search: 'person, event id, reason, object',
      person: 'person-1', replayHint: ' They are forwarded again to the consumer.' }
  };
  const panels = {};

  function buildPanel(p, box) {
    const spec = PANELS[p];
    const id = (s) => p + '-' + s;
    const field = (name, label, input) => el('div', {}, el('label', { for: id('f-' + name), text: label }), input);
    const typeSelect = el('select', { id: id('f-type'), name: 'type' }, el('option', { value: '', text: 'any' }),
      ...spec.typeOptions.map(([v, t]) => el('option', { value: v, text: t })));
    const form = el('form', { id: id('filters'), class: 'filters', 'aria-label': 'Filter ' + spec.noun + 's' },
      spec.workspace ? field('workspace', 'Workspace', el('select', { id: id('f-workspace'), name: 'workspace' })) : null,
      field('q', 'Search', el('input', { id: id('f-q'), name: 'q', type: 'search', placeholder: spec.search })),
      field('person', 'Person', el('input', { id: id('f-person'), name: 'person', placeholder: spec.person })),
      field('type', spec.typeLabel, typeSelect),
      field('reason', 'Reason contains', el('input', { id: id('f-reason'), name: 'reason' })),
      field('status', 'Last HTTP status', el('input', { id: id('f-status'), name: 'status', inputmode: 'numeric',
        pattern: '[0-9]{1,3}', maxlength: '3' })),
      field('from', 'Dead-lettered from', el('input', { id: id('f-from'), name: 'from', type: 'datetime-local', step: '1' })),
      field('to', 'Dead-lettered until', el('input', { id: id('f-to'), name: 'to', type: 'datetime-local', step: '1' })),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', id: id('apply-filter'), text: 'Apply filter' }),
        el('button', { type: 'button', id: id('clear-filter'), class: 'secondary', text: 'Clear' })));
    const cols = ['Id', 'Dead-lettered', 'Person', spec.typeLabel === 'Operation type' ? 'Type' : spec.typeLabel,
      spec.nameLabel, 'Status', 'Attempts', 'Reason'];
    box.replaceChildren(form,
      el('div', { class: 'toolbar', role: 'group', 'aria-label': spec.noun.replace(/^./, (c) => c.toUpperCase()) + ' actions' },
        el('button', { type: 'button', id: id('replay-selected'), 'data-act': true, text: 'Replay selected' }),
        el('button', { type: 'button', id: id('purge-selected'), class: 'danger', 'data-act': true, text: 'Purge selected' }),
        el('button', { type: 'button', id: id('replay-matching'), 'data-act': true, text: 'Replay all matching' }),
        el('button', { type: 'button', id: id('purge-matching'), class: 'danger', 'data-act': true, text: 'Purge all matching' })),
      el('p', { id: id('result'), class: 'result', role: 'status', 'aria-live': 'polite' }),
      el('p', { id: id('count'), class: 'hint' }),
      el('div', { class: 'table-wrap' }, el('table', { id: id('table') },
        el('caption', { class: 'sr-only', text: spec.noun.replace(/^./, (c) => c.toUpperCase()) + 's matching the filter' }),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, el('input', { type: 'checkbox', id: id('select-page'),
            'aria-label': 'Select every ' + spec.noun + ' on this page' })),
          ...cols.map((c) => el('th', { scope: 'col', text: c })),
          el('th', { scope: 'col' }, el('span', { class: 'sr-only', text: 'Details' })))),
        el('tbody', {}))),
      el('div', { class: 'pager' },
        el('button', { type: 'button', id: id('first-page'), class: 'secondary', text: 'First page' }),
        el('button', { type: 'button', id: id('prev-page'), class: 'secondary', text: 'Previous page' }),
        el('button', { type: 'button', id: id('next-page'), class: 'secondary', text: 'Next page' }),
        el('span', { id: id('page-info'), class: 'hint' }),
        el('label', { for: id('per-page'), text: 'Per page' }),
        el('select', { id: id('per-page') }, ...[10, 25, 50, 100].map((n) => el('option', { value: n, text: n, selected: n === 50 })))));

    const panel = { p: p, spec: spec, filter: {}, selected: new Set(), after: 0, next: null, back: [], $: (s) => $(id(s)) };
    panels[p] = panel;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      try {
        panel.filter = readFilter(panel);
      } catch (e) {
        result(panel, 'Invalid date in the filter.', true);
        return;
      }
      panel.selected.clear();
      panel.back = [];
      loadPanel(panel, 0);
    });
    panel.$('clear-filter').addEventListener('click', () => {
      for (const name of ['q', 'person', 'type', 'reason', 'status', 'from', 'to']) panel.$('f-' + name).value = '';
      panel.filter = {};
      panel.selected.clear();
      panel.back = [];
      loadPanel(panel, 0);
    });
    if (spec.workspace) panel.$('f-workspace').addEventListener('change', () => { panel.selected.clear(); panel.back = []; loadPanel(panel, 0); });
    panel.$('next-page').addEventListener('click', () => {
      if (panel.next === null) return;
      panel.back.push(panel.after);
      loadPanel(panel, panel.next);
    });
    panel.$('prev-page').addEventListener('click', () => loadPanel(panel, panel.back.length ? panel.back.pop() : 0));
    panel.$('first-page').addEventListener('click', () => { panel.back = []; loadPanel(panel, 0); });
    panel.$('per-page').addEventListener('change', () => { panel.back = []; loadPanel(panel, 0); });
    panel.$('select-page').addEventListener('change', (ev) => {
      for (const b of panel.$('table').querySelectorAll('tbody input[type=checkbox]')) {
        b.checked = ev.target.checked;
        const n = Number(b.dataset.id);
        if (ev.target.checked) panel.selected.add(n); else panel.selected.delete(n);
      }
      updateSelection(panel);
    });
    panel.$('replay-selected').addEventListener('click', () => actOnIds(panel, [...panel.selected], true));
    panel.$('purge-selected').addEventListener('click', () => actOnIds(panel, [...panel.selected], false));
    panel.$('replay-matching').addEventListener('click', () => actOnMatching(panel, true));
    panel.$('purge-matching').addEventListener('click', () => actOnMatching(panel, false));
    return panel;
  }

  function readFilter(panel) {
    const f = {};
    for (const name of ['q', 'person', 'type', 'reason', 'status']) {
      const v = panel.$('f-' + name).value.trim();
      if (v) f[name] = v;
    }
    for (const name of ['from', 'to']) {
      const v = panel.$('f-' + name).value;
      if (v) f[name] = new Date(v).toISOString();
    }
    return f;
  }
  function panelWorkspace(panel) { return panel.spec.workspace ? panel.$('f-workspace').value : undefined; }
  function query(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
    return p.toString();
  }
  function plural(n, noun) { return n + ' ' + noun + (n === 1 ? '' : 's'); }

  async function loadPanel(panel, after) {
    const count = panel.$('count');
    const seq = panel.seq = (panel.seq || 0) + 1;
    try {
      const r = await api(panel.spec.api + '?' + query(Object.assign({ workspace: panelWorkspace(panel), after: after,
        limit: panel.$('per-page').value }, panel.filter)));
      if (seq !== panel.seq) return; // a later load (another filter or page) answers instead
      panel.after = after;
      panel.next = r.next_after;
      const body = panel.$('table').querySelector('tbody');
      body.replaceChildren(...r.dead_letters.map((d) => row(panel, d)));
      if (!r.dead_letters.length) {
        body.append(el('tr', {}, el('td', { colspan: 10, class: 'empty', text: 'No ' + panel.spec.noun + 's match.' })));
      }
      panel.$('select-page').checked = false;
      count.textContent = plural(r.total, panel.spec.noun) + ' in the store; ' + r.dead_letters.length + ' shown'
        + (Object.keys(panel.filter).length ? ' (filtered)' : '') + '.';
      panel.$('next-page').disabled = r.next_after === null;
      panel.$('first-page').disabled = panel.$('prev-page').disabled = after === 0;
      panel.$('page-info').textContent = after ? 'page ' + (panel.back.length + 1) + ', after id ' + after : 'first page';
      updateSelection(panel);
    } catch (e) {
      count.textContent = 'Could not load ' + panel.spec.noun + 's: ' + e.message;
    }
  }

  function row(panel, d) {
    const noun = panel.spec.noun;
    const box = el('input', { type: 'checkbox', 'aria-label': 'Select ' + noun + ' ' + d.id, 'data-id': d.id,
      onchange: (ev) => { if (ev.target.checked) panel.selected.add(d.id); else panel.selected.delete(d.id); updateSelection(panel); } });
    box.checked = panel.selected.has(d.id);
    return el('tr', { 'data-id': d.id },
      el('td', {}, box),
      el('td', { text: d.id }),
      el('td', { text: new Date(d.dead_at).toLocaleString() }),
      el('td', { class: 'wrap', text: d.person_key }),
      el('td', { text: d.type }),
      el('td', { class: 'wrap', text: d.name || '' }),
      el('td', { text: d.last_status }),
      el('td', { text: d.attempts }),
      el('td', { class: 'reason', text: d.reason }),
      el('td', {}, el('button', { type: 'button', class: 'secondary small', 'aria-label': 'Details of ' + noun + ' ' + d.id,
        onclick: () => openDetail(panel, d.id), text: 'Details' })));
  }

  function updateSelection(panel) {
    const n = panel.selected.size;
    panel.$('replay-selected').textContent = 'Replay selected (' + n + ')';
    panel.$('purge-selected').textContent = 'Purge selected (' + n + ')';
    if (mayAct()) {
      panel.$('replay-selected').disabled = n === 0;
      panel.$('purge-selected').disabled = n === 0;
    }
  }

  function reloadAfterAction(panel) {
    loadPanel(panel, 0);
    panel.back = [];
    if (panel.p === 'wh') refreshWebhookStats(); else refreshOverview();
  }

  async function actOnIds(panel, ids, replay) {
    const verb = replay ? 'Replay' : 'Purge';
    const noun = panel.spec.noun;
    const ok = await confirmDialog(verb + ' ' + plural(ids.length, noun) + '?'
      + (replay ? panel.spec.replayHint : ' They are deleted for good.'));
    if (!ok) return false;
    try {
      const r = await api(panel.spec.api + '/' + (replay ? 'replay' : 'purge'), { body: { workspace: panelWorkspace(panel), ids: ids } });
      const done = replay ? r.replayed : r.purged;
      result(panel, (replay ? 'Replayed ' : 'Purged ') + done + ' of ' + plural(ids.length, noun) + '.'
        + (done < ids.length ? ' The others were no longer in the store.' : ''));
      ids.forEach((n) => panel.selected.delete(n));
      reloadAfterAction(panel);
      return true;
    } catch (e) {
      result(panel, verb + ' failed: ' + e.message, true);
      return false;
    }
  }

  async function actOnMatching(panel, replay) {
    const verb = replay ? 'Replay' : 'Purge';
    const noun = panel.spec.noun;
    let c;
    try {
      c = await api(panel.spec.api + '/count?' + query(Object.assign({ workspace: panelWorkspace(panel) }, panel.filter)));
    } catch (e) {
      result(panel, 'Counting failed: ' + e.message, true);
      return;
    }
    if (c.matching === 0) {
      result(panel, 'No ' + noun + 's match the filter: nothing to ' + verb.toLowerCase() + '.');
      return;
    }
    const filtered = Object.keys(panel.filter).length > 0;
    const ok = await confirmDialog(verb + ' all ' + plural(c.matching, noun)
      + (filtered ? ' matching the filter' : ' (no filter: every one' + (panel.spec.workspace ? ' of ' + panelWorkspace(panel) : '') + ')') + '?'
      + (replay ? panel.spec.replayHint : ' They are deleted for good.'));
    if (!ok) return;
    try {
      const r = await api(panel.spec.api + '/' + (replay ? 'replay' : 'purge'),
        { body: { workspace: panelWorkspace(panel), filter: panel.filter, up_to: c.up_to, as_of: c.as_of } });
      const done = replay ? r.replayed : r.purged;
      result(panel, (replay ? 'Replayed ' : 'Purged ') + done + ' of ' + c.matching + ' matching ' + noun + '(s).'
        + (done < c.matching ? ' The others had left the store meanwhile.' : ''));
      panel.selected.clear();
      reloadAfterAction(panel);
    } catch (e) {
      result(panel, verb + ' failed: ' + e.message, true);
    }
  }

  function result(panel, text, isError) {
    const r = panel.$('result');
    r.textContent = text;
    r.classList.toggle('error', !!isError);
  }

  async function openDetail(panel, id) {
    try {
      const d = await api(panel.spec.api + '/' + id + '?' + query({ workspace: panelWorkspace(panel) }));
      state.detail = { panel: panel, id: id };
      $('detail-title').textContent = panel.spec.noun.replace(/^./, (c) => c.toUpperCase()) + ' ' + id;
      const f = [['Person', d.person_key], [panel.spec.typeLabel, d.type], [panel.spec.nameLabel, d.name || '—'],
        ['Event id', d.event_id || '—'], ['Reason', d.reason], ['Last HTTP status', d.last_status || '— (no answer)'],
        ['Attempts', d.attempts],
        [panel.p === 'wh' ? 'Received' : 'Accepted', new Date(d.received_at || d.accepted_at).toLocaleString()],
        ['Dead-lettered', new Date(d.dead_at).toLocaleString()]];
      if (d.kind) f.push(['Kind', d.kind]);
      $('detail-fields').replaceChildren(...f.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
      $('detail-payload').textContent = JSON.stringify(d.payload, null, 2);
      $('detail').showModal();
    } catch (e) {
      result(panel, 'Could not open ' + panel.spec.noun + ' ' + id + ': ' + e.message, true);
    }
  }

  // ------------------------------------------------------------ webhooks
  async function refreshWebhookStats() {
    const box = $('webhook-stats');
    try {
      const w = await api('/webhooks');
      $('webhook-off').hidden = w.enabled;
      $('webhook-on').hidden = !w.enabled;
      if (!w.enabled) return;
      const s = w.stats;
      const fields = [['Received', s.received], ['Stored', s.stored], ['Duplicates', s.duplicates], ['Rejected', s.rejected
        + (Object.keys(s.rejected_by_reason).length ? ' (' + Object.entries(s.rejected_by_reason).map(([k, v]) => k + ' ' + v).join(', ') + ')' : '')],
        ['Forwarding to', w.forwarding ? w.forward_to : 'not forwarding (stored only)'], ['Forwarded', s.forwarded],
        ['Forward failures', s.forward_failures], ['Forwarding backlog', s.backlog],
        ['Oldest pending', s.backlog ? duration(s.oldest_pending_age_seconds) : '—'], ['Dead letters', w.dead_letter_count]];
      const key = JSON.stringify(fields);
      if (box.dataset.value !== key) {
        box.dataset.value = key;
        box.replaceChildren(...fields.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
      }
      const rows = w.pending.map((e) => el('tr', {}, el('td', { text: e.seq }), el('td', { class: 'wrap', text: e.event_id }),
        el('td', { class: 'wrap', text: e.person_key }), el('td', { text: new Date(e.received_at).toLocaleString() }),
        el('td', { text: e.attempts })));
      $('webhook-pending-caption').textContent = 'Forwarding backlog: ' + s.backlog + ' waiting'
        + (s.backlog > w.pending.length ? ' (the first ' + w.pending.length + ' shown)' : '');
      $('webhook-pending').replaceChildren(...(rows.length ? rows
        : [el('tr', {}, el('td', { colspan: 5, class: 'empty', text: 'Nothing waiting.' }))]));
    } catch (e) {
      box.replaceChildren(el('dt', { text: 'Error' }), el('dd', { class: 'error', text: 'Could not load webhooks: ' + e.message }));
    }
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
    const dl = buildPanel('dl', $('dl-panel'));
    buildPanel('wh', $('wh-panel'));
    dl.$('f-workspace').replaceChildren(...state.session.workspaces.map((w) => el('option', { value: w, text: w })));
    applyRole(document);
    Object.values(panels).forEach(updateSelection);
    $('tab-overview').addEventListener('click', () => show('overview'));
    $('tab-dead').addEventListener('click', () => show('dead'));
    $('tab-webhooks').addEventListener('click', () => show('webhooks'));
    $('chart-workspace').addEventListener('change', drawChart);
    $('chart-range').addEventListener('change', drawChart);
    $('detail-close').addEventListener('click', () => $('detail').close());
    const fromDetail = async (replay) => {
      if (await actOnIds(state.detail.panel, [state.detail.id], replay)) $('detail').close();
    };
    $('detail-replay').addEventListener('click', () => fromDetail(true));
    $('detail-purge').addEventListener('click', () => fromDetail(false));
    const start = (location.hash || '#overview').slice(1);
    show(['overview', 'dead', 'webhooks'].includes(start) ? start : 'overview');
    refreshOverview();
    drawChart();
    refreshRates();
    setInterval(refreshOverview, 2000);
    // Twice a second: a new second shows within about 0.7 s of its end (the relay samples every 0.2 s).
    setInterval(refreshRates, 500);
    setInterval(() => { if (state.section === 'webhooks') refreshWebhookStats(); }, 2000);
  }

  document.addEventListener('DOMContentLoaded', init);
})();
