// Ballast dashboard: one page, no build step. Live data comes from the node's event stream
// (/api/v1/stream, server-sent events read with fetch so a bearer token can be sent); actions go
// through the admin API. The token, when the node needs one, lives only in sessionStorage.
'use strict';

(() => {
  const API = new URL('../api/v1/', window.location.href);
  const TOKEN_KEY = 'ballast.admin.token';
  const MAX_POINTS = 15 * 60;
  const PALETTE = ['#2457c5', '#d9480f', '#2b8a3e', '#ae3ec9', '#0b7285', '#e67700', '#c2255c',
    '#5f3dc4', '#087f5b', '#862e9c', '#1864ab', '#a61e4d'];

  const $ = (id) => document.getElementById(id);
  const state = { view: null, points: [], charts: null, colors: new Map(), rows: new Map(), layout: '' };

  // ------------------------------------------------------------------ helpers

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '\u2013';
    return Number(v).toFixed(digits);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  function color(key) {
    if (!state.colors.has(key)) state.colors.set(key, PALETTE[state.colors.size % PALETTE.length]);
    return state.colors.get(key);
  }

  let toastTimer = null;
  function toast(message, isError) {
    const t = $('toast');
    t.textContent = message;
    t.className = 'toast' + (isError ? ' error' : '');
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, isError ? 8000 : 3000);
  }

  function setConn(kind, text) {
    const c = $('conn');
    c.className = 'conn conn-' + kind;
    c.textContent = text;
  }

  // ------------------------------------------------------------------ token

  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY);
  }

  function authHeaders(extra) {
    const h = Object.assign({}, extra || {});
    const t = token();
    if (t) h.Authorization = 'Bearer ' + t;
    return h;
  }

  let tokenPrompt = null;
  function askToken() {
    if (tokenPrompt) return tokenPrompt;
    const dialog = $('token-dialog');
    const input = $('token-input');
    tokenPrompt = new Promise((resolve) => {
      const done = (ok) => {
        $('token-form').onsubmit = null;
        $('token-cancel').onclick = null;
        dialog.close();
        tokenPrompt = null;
        resolve(ok);
      };
      $('token-form').onsubmit = (ev) => {
        ev.preventDefault();
        const v = input.value.trim();
        if (!v) return;
        window.sessionStorage.setItem(TOKEN_KEY, v);
        input.value = '';
        done(true);
      };
      $('token-cancel').onclick = () => done(false);
      dialog.showModal();
      input.focus();
    });
    return tokenPrompt;
  }

  // ------------------------------------------------------------------ the event stream

  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }

  async function stream() {
    let delay = 1000;
    for (;;) {
      try {
        const resp = await fetch(new URL('stream', API), {
          headers: authHeaders({ Accept: 'text/event-stream' }),
          cache: 'no-store',
        });
        if (resp.status === 401) {
          setConn('down', 'token needed');
          if (!(await askToken())) await sleep(5000);
          continue;
        }
        if (!resp.ok) throw new Error('HTTP ' + resp.status);
        setConn('live', 'live');
        delay = 1000;
        await readEvents(resp.body, onEvent);
        throw new Error('the stream ended');
      } catch (e) {
        setConn('down', 'reconnecting\u2026');
        await sleep(delay);
        delay = Math.min(delay * 2, 10000);
      }
    }
  }

  function onEvent(name, data) {
    if (name === 'history') {
      state.points = data.points || [];
      $('node').textContent = data.node || '';
      updateCharts();
    } else if (name === 'view') {
      state.view = data;
      if (data.point) {
        const last = state.points[state.points.length - 1];
        if (!last || last.t !== data.point.t) state.points.push(data.point);
        while (state.points.length > MAX_POINTS) state.points.shift();
      }
      render(data);
      updateCharts();
    }
  }

  // ------------------------------------------------------------------ actions

  async function patchBackend(pool, id, body, what) {
    const url = new URL('pools/' + encodeURIComponent(pool) + '/backends/' + encodeURIComponent(id), API);
    for (let attempt = 0; attempt < 3; attempt++) {
      let resp;
      try {
        resp = await fetch(url, {
          method: 'PATCH',
          headers: authHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
          body: JSON.stringify(body),
        });
      } catch (e) {
        toast('Cannot reach the admin API: ' + e.message, true);
        return;
      }
      if (resp.status === 401) {
        if (!(await askToken())) {
          toast('Not changed: the admin API needs its token.', true);
          return;
        }
        continue;
      }
      const json = await resp.json().catch(() => null);
      if (!resp.ok) {
        toast((json && json.error) || ('HTTP ' + resp.status), true);
        return;
      }
      toast(pool + '/' + id + ': ' + what, false);
      return;
    }
  }

  function askWeight(b) {
    const dialog = $('weight-dialog');
    const input = $('weight-input');
    $('weight-target').textContent = b.pool + '/' + b.id;
    input.value = b.weight;
    $('weight-form').onsubmit = (ev) => {
      ev.preventDefault();
      const w = Number(input.value);
      dialog.close();
      if (Number.isInteger(w) && w >= 0 && w <= 10000) {
        patchBackend(b.pool, b.id, { weight: w }, 'weight ' + w);
      } else {
        toast('A weight is a whole number from 0 to 10000.', true);
      }
    };
    $('weight-cancel').onclick = () => dialog.close();
    dialog.showModal();
    input.select();
  }

  // ------------------------------------------------------------------ tables

  const COLUMNS = [
    ['id', 'Backend', ''], ['address', 'Address', ''], ['where', 'Host / VM', ''],
    ['state', 'State', ''], ['health', 'Health', ''], ['weight', 'Weight', 'num'],
    ['effectiveWeight', 'Effective', 'num'], ['rps', 'Req/s', 'num'], ['p50', 'p50 ms', 'num'],
    ['p99', 'p99 ms', 'num'], ['errors', 'Errors/s', 'num'], ['inflight', 'In flight', 'num'],
    ['connections', 'Conns', 'num'], ['actions', 'Actions', ''],
  ];

  function layoutKey(view) {
    return view.pools.map((p) => p.name + ':' + p.backends.map((b) => b.key).join(',')).join(';');
  }

  function buildPools(view) {
    const root = $('pools');
    root.replaceChildren();
    state.rows.clear();
    for (const p of view.pools) {
      const head = el('div', { class: 'pool-head' },
        el('span', { class: 'name', text: p.name }),
        el('span', { class: 'muted', text: p.algorithm }),
        el('span', { 'data-pool-field': 'summary', 'data-pool': p.name }));
      const thead = el('thead', {}, el('tr', {}, ...COLUMNS.map(([, title, cls]) => el('th', { class: cls, text: title }))));
      const tbody = el('tbody');
      for (const b of p.backends) {
        const tr = el('tr', { 'data-backend': b.key });
        const cells = {};
        for (const [field, , cls] of COLUMNS) {
          const td = el('td', { class: cls, 'data-field': field });
          cells[field] = td;
          tr.append(td);
        }
        const actions = el('div', { class: 'actions' });
        const button = (action, label, title, onclick) => {
          const btn = el('button', { type: 'button', text: label, title, 'data-action': action });
          btn.addEventListener('click', onclick);
          actions.append(btn);
          return btn;
        };
        const current = () => state.rows.get(b.key).data;
        const buttons = {
          drain: button('drain', 'Drain', 'No new sessions; persisted ones finish',
            () => patchBackend(b.pool, b.id, { state: 'draining' }, 'draining')),
          enable: button('enable', 'Enable', 'Back in service',
            () => patchBackend(b.pool, b.id, { state: 'active' }, 'active')),
          maintenance: button('maintenance', 'Maint.', 'No traffic at all',
            () => patchBackend(b.pool, b.id, { state: 'maintenance' }, 'maintenance')),
          weight: button('weight', 'Weight\u2026', 'Change the weight', () => askWeight(current())),
        };
        cells.actions.append(actions);
        tbody.append(tr);
        state.rows.set(b.key, { tr, cells, buttons, data: b });
      }
      root.append(el('div', { class: 'pool', 'data-pool': p.name }, head,
        el('table', { class: 'grid' }, thead, tbody)));
    }
  }

  function badge(td, cls, text) {
    let span = td.firstChild;
    if (!span) {
      span = el('span');
      td.append(span);
    }
    span.className = 'badge ' + cls;
    span.textContent = text;
  }

  function render(view) {
    $('node').textContent = view.node;
    $('clock').textContent = new Date(view.t).toLocaleTimeString();
    $('window-note').textContent = '(rates and latency over the last ' + view.windowSeconds + ' s)';
    const t = view.totals;
    $('sum-rps').textContent = fmt(t.rps, 1);
    $('sum-errors').textContent = fmt(t.errors, 1);
    $('sum-latency').textContent = fmt(t.p50, 2) + ' / ' + fmt(t.p99, 2) + ' ms';
    $('sum-connections').textContent = String(t.connections);
    $('sum-health').textContent = t.up + ' up / ' + t.down + ' down';
    $('sum-health').className = 'value' + (t.down > 0 ? ' health-down' : '');

    const key = layoutKey(view);
    if (key !== state.layout) {
      buildPools(view);
      state.layout = key;
    }
    for (const p of view.pools) {
      const s = document.querySelector('[data-pool-field="summary"][data-pool="' + CSS.escape(p.name) + '"]');
      if (s) {
        s.textContent = p.eligible + ' of ' + p.size + ' eligible \u00b7 ' + fmt(p.rps, 1) + ' req/s \u00b7 p50 ' +
          fmt(p.p50, 2) + ' ms \u00b7 p99 ' + fmt(p.p99, 2) + ' ms \u00b7 ' + fmt(p.errors, 1) + ' errors/s';
      }
      for (const b of p.backends) {
        const row = state.rows.get(b.key);
        if (!row) continue;
        row.data = b;
        const c = row.cells;
        c.id.textContent = b.id;
        c.address.textContent = b.address;
        c.where.textContent = [b.host, b.vm].filter((x) => x).join(' / ') || '\u2013';
        badge(c.state, 'state-' + b.state, b.state);
        badge(c.health, b.healthy ? 'health-up' : 'health-down', b.healthy ? 'UP' : 'DOWN');
        c.weight.textContent = String(b.weight);
        c.effectiveWeight.textContent = String(b.effectiveWeight);
        c.rps.textContent = fmt(b.rps, 1);
        c.p50.textContent = fmt(b.p50, 2);
        c.p99.textContent = fmt(b.p99, 2);
        c.errors.textContent = fmt(b.errors, 1);
        c.inflight.textContent = String(b.inflight);
        c.connections.textContent = String(b.connections);
        row.tr.classList.toggle('is-down', !b.healthy);
        row.buttons.drain.disabled = b.state === 'draining';
        row.buttons.enable.disabled = b.state === 'active';
        row.buttons.maintenance.disabled = b.state === 'maintenance';
      }
    }
    renderListeners(view);
    renderHosts(view);
  }

  // Lists are rebuilt only when what they show changed (less churn for readers and selections).
  const rendered = {};
  function changed(name, data) {
    const sig = JSON.stringify(data);
    if (rendered[name] === sig) return false;
    rendered[name] = sig;
    return true;
  }

  function renderListeners(view) {
    if (!changed('listeners', view.listeners)) return;
    const tbody = $('listeners').tBodies[0];
    tbody.replaceChildren(...view.listeners.map((l) => el('tr', { 'data-listener': l.name },
      el('td', { text: l.name }),
      el('td', { text: l.port === null ? l.listen : l.listen.replace(/:0$/, ':' + l.port) }),
      el('td', { text: l.protocol }),
      el('td', { text: l.pool }),
      el('td', { class: 'num', text: String(l.connections) }),
      el('td', { class: 'num', text: fmt(l.rps, 1) }),
      el('td', { class: 'num', text: fmt(l.p50, 2) }),
      el('td', { class: 'num', text: fmt(l.p99, 2) }),
      el('td', { class: 'num', text: fmt(l.errors, 1) }))));
  }

  function renderHosts(view) {
    const byKey = new Map();
    for (const p of view.pools) for (const b of p.backends) byKey.set(b.key, b);
    const health = view.pools.flatMap((p) => p.backends.map((b) => b.healthy));
    if (!changed('hosts', [view.hosts, health])) return;
    const describe = (key) => {
      const b = byKey.get(key);
      return b ? key + ' ' + (b.healthy ? '(UP)' : '(DOWN)') : key;
    };
    $('hosts').replaceChildren(...view.hosts.map((h) => {
      const card = el('div', { class: 'host', 'data-host': h.name || '' },
        el('div', { class: 'title', text: h.name ? 'Host ' + h.name : 'Host not known' }),
        el('div', { class: 'small-text' },
          el('span', { class: 'badge ' + (h.down > 0 ? 'health-down' : 'health-up'), text: h.up + ' up / ' + h.down + ' down' }),
          ' ' + fmt(h.rps, 1) + ' req/s'));
      const list = el('ul');
      for (const vm of h.vms) list.append(el('li', { text: 'VM ' + vm.name + ': ' + vm.backends.map(describe).join(', ') }));
      const bare = h.backends.filter((k) => !h.vms.some((vm) => vm.backends.includes(k)));
      for (const k of bare) list.append(el('li', { text: describe(k) }));
      card.append(list);
      return card;
    }));
  }

  // ------------------------------------------------------------------ charts

  function makeChart(id, yTitle) {
    return new window.Chart($(id), {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        normalized: true,
        spanGaps: true,
        interaction: { mode: 'index', intersect: false },
        elements: { point: { radius: 0 }, line: { borderWidth: 1.5, tension: 0.2 } },
        scales: {
          x: { ticks: { maxTicksLimit: 6, maxRotation: 0, autoSkip: true } },
          y: { beginAtZero: true, title: { display: true, text: yTitle } },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 11 } } } },
      },
    });
  }

  function dataset(label, data, c, dash) {
    return { label, data, borderColor: c, backgroundColor: c, borderDash: dash || [] };
  }

  function setData(chart, labels, datasets) {
    chart.data.labels = labels;
    // Keep dataset objects (and so legend toggles) when the set of lines is unchanged.
    const same = chart.data.datasets.length === datasets.length &&
      chart.data.datasets.every((d, i) => d.label === datasets[i].label);
    if (same) chart.data.datasets.forEach((d, i) => { d.data = datasets[i].data; });
    else chart.data.datasets = datasets;
    chart.update('none');
  }

  function updateCharts() {
    if (!window.Chart) return;
    if (!state.charts) {
      state.charts = {
        rps: makeChart('chart-rps', 'req/s'),
        latency: makeChart('chart-latency', 'ms'),
        errors: makeChart('chart-errors', 'errors/s'),
      };
    }
    const pts = state.points;
    const labels = pts.map((p) => new Date(p.t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }));
    const keys = [];
    const seen = new Set();
    const addKey = (k) => { if (!seen.has(k)) { seen.add(k); keys.push(k); } };
    if (state.view) for (const p of state.view.pools) for (const b of p.backends) addKey(b.key);
    for (const p of pts) for (const k of Object.keys(p.b || {})) addKey(k);
    const series = (k, i) => pts.map((p) => (p.b && p.b[k] ? p.b[k][i] : null));
    setData(state.charts.rps, labels, keys.map((k) => dataset(k, series(k, 0), color(k))));
    setData(state.charts.latency, labels, [
      dataset('p50', pts.map((p) => p.p50), '#2b8a3e'),
      dataset('p90', pts.map((p) => p.p90), '#e67700'),
      dataset('p99', pts.map((p) => p.p99), '#c92a2a'),
    ]);
    setData(state.charts.errors, labels, [
      ...keys.map((k) => dataset(k + ' 5xx', series(k, 1), color(k))),
      dataset('4xx (all)', pts.map((p) => p.err4), '#868e96', [4, 3]),
    ]);
  }

  // ------------------------------------------------------------------ start

  $('token-button').addEventListener('click', async () => {
    if (await askToken()) toast('Token set for this tab.', false);
  });
  stream();
})();
