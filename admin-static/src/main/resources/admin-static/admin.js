'use strict';
/*
 * LLM Gateway admin page. Plain JavaScript, no libraries, no build step.
 *
 * Rules kept throughout:
 * - Data from the server is only ever rendered with textContent / DOM properties (see el()); never
 *   innerHTML, so a model named "<script>" is text.
 * - State-changing calls are POSTs with Content-Type: application/json (the server refuses anything
 *   else, which is part of its CSRF protection); the session cookie is HttpOnly and never seen here.
 * - Config edits name the config version they were made on; a stale page gets 409 and reloads.
 * - The page polls every 2 s; tables are rebuilt only when the configuration changes, otherwise their
 *   cells are updated in place (so focus, hover and clicks are not disturbed).
 */
(function () {
  const POLL_MS = 2000;
  const MAX_TAIL = 60;

  const state = {
    status: null,
    config: null,
    configVersion: null,
    modelsKey: null,
    providersKey: null,
    routeRefs: new Map(),
    providerRefs: new Map(),
    usage: null,
    cache: null,
    usageAt: 0,
    spendKey: null,
    spendRefs: new Map(),
    requestSeq: 0,
    errorSeq: 0,
    lastOk: 0,
    busy: false,
  };

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  /** Creates an element. props: class, text, title, data (dataset), attrs, on (events), and DOM properties. */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k === 'data') Object.entries(v).forEach(([dk, dv]) => { e.dataset[dk] = dv; });
        else if (k === 'attrs') Object.entries(v).forEach(([ak, av]) => e.setAttribute(ak, av));
        else if (k === 'on') Object.entries(v).forEach(([ev, fn]) => e.addEventListener(ev, fn));
        else e[k] = v;
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function setText(node, text) {
    const t = text === null || text === undefined ? '' : String(text);
    if (node.textContent !== t) node.textContent = t;
  }

  const NUM = new Intl.NumberFormat('en-US');
  function fmtNum(n) { return n === null || n === undefined ? '–' : NUM.format(n); }
  function fmtCompact(n) {
    if (n === null || n === undefined) return '∞';
    if (n >= 1e9) return (n / 1e9).toFixed(n >= 1e10 ? 0 : 1).replace(/\.0$/, '') + 'B';
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1).replace(/\.0$/, '') + 'M';
    if (n >= 1e4) return (n / 1e3).toFixed(0) + 'k';
    if (n >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
    return String(n);
  }
  function fmtMs(ms) {
    if (ms === null || ms === undefined || ms < 0) return '–';
    if (ms >= 10000) return (ms / 1000).toFixed(0) + ' s';
    if (ms >= 1000) return (ms / 1000).toFixed(1) + ' s';
    return ms + ' ms';
  }
  function fmtPct(x) {
    if (x === null || x === undefined) return '–';
    const p = x * 100;
    return (p === 0 ? '0' : p < 1 ? p.toFixed(2) : p < 10 ? p.toFixed(1) : p.toFixed(0)) + '%';
  }
  function fmtTime(ms) {
    const d = new Date(ms);
    return d.toLocaleTimeString('en-GB', { hour12: false });
  }
  function fmtDuration(ms) {
    const s = Math.ceil(ms / 1000);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  }

  // ---------------------------------------------------------------- API

  async function api(method, path, body) {
    const init = {
      method,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
    };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    const r = await fetch(path, init);
    if (r.status === 401) {
      window.location.replace('/admin'); // the server shows the sign-in page
      throw new Error('signed out');
    }
    let data = null;
    if (r.status !== 204) {
      try { data = await r.json(); } catch (e) { data = null; }
    }
    return { status: r.status, ok: r.ok, data };
  }

  function errorText(res) {
    if (res && res.data && res.data.error && res.data.error.message) return res.data.error.message;
    return 'Request failed (HTTP ' + (res ? res.status : '?') + ').';
  }

  /** Sends config changes; returns {ok, message, problems}. Refreshes the page's view either way. */
  async function edit(changes) {
    const res = await api('POST', '/api/config/edit', { version: state.configVersion, changes });
    const result = { ok: res.ok, message: res.ok ? null : errorText(res), problems: (res.data && res.data.problems) || [] };
    if (res.ok) {
      const saved = res.data.persisted ? 'Saved to ' + (state.status && state.status.config.file || 'the config file') + '.'
        : 'Applied (not saved to a file).';
      toast(saved + (res.data.warnings.length ? ' ' + res.data.warnings.join('; ') : ''), 'ok');
    }
    if (res.status === 409) {
      toast(result.message, 'error');
    }
    await refresh(true);
    return result;
  }

  /** Runs a change from a control that has no dialog of its own; shows a rejection as a toast. */
  async function editOrToast(changes, control) {
    if (control) control.disabled = true;
    try {
      const r = await edit(changes);
      if (!r.ok && r.problems.length) toast(r.message, 'error', r.problems);
      else if (!r.ok && r.message && !/changed/.test(r.message)) toast(r.message, 'error');
      return r.ok;
    } catch (e) {
      return false;
    } finally {
      if (control) control.disabled = false;
    }
  }

  // ---------------------------------------------------------------- toasts, dialogs

  function toast(message, kind, problems) {
    const t = el('div', { class: 'toast' + (kind ? ' toast-' + kind : ''), attrs: { role: kind === 'error' ? 'alert' : 'status' } },
      message);
    if (problems && problems.length) {
      t.appendChild(el('ul', null, ...problems.map((p) => el('li', { text: p }))));
    }
    $('toasts').appendChild(t);
    setTimeout(() => t.remove(), kind === 'error' ? 9000 : 4000);
  }

  function confirmDialog(title, text, okLabel) {
    const d = $('confirm-dialog');
    setText($('confirm-title'), title);
    setText($('confirm-text'), text);
    setText($('confirm-ok'), okLabel || 'Confirm');
    return new Promise((resolve) => {
      const done = (value) => {
        $('confirm-ok').onclick = null;
        $('confirm-cancel').onclick = null;
        d.onclose = null;
        if (d.open) d.close();
        resolve(value);
      };
      $('confirm-ok').onclick = () => done(true);
      $('confirm-cancel').onclick = () => done(false);
      d.onclose = () => done(false);
      d.showModal();
    });
  }

  /**
   * A form dialog. fields: [{name, label, value, type, placeholder, help, options, half, when}].
   * when: {field, is: [values]} shows the row only while that select has one of those values.
   * onSubmit(values) returns {ok, message, problems}; the dialog stays open on a rejection.
   */
  function formDialog(title, fields, submitLabel, onSubmit) {
    const d = $('form-dialog');
    const box = $('form-fields');
    const errorBox = $('form-error');
    setText($('form-title'), title);
    setText($('form-submit'), submitLabel || 'Save');
    box.replaceChildren();
    errorBox.hidden = true;
    const inputs = {};
    let grid = null;
    for (const f of fields) {
      let input;
      if (f.type === 'select') {
        input = el('select', { id: 'f-' + f.name, name: f.name },
          ...f.options.map((o) => el('option', { value: o, text: o, selected: o === f.value })));
      } else if (f.type === 'checkbox') {
        input = el('input', { type: 'checkbox', id: 'f-' + f.name, name: f.name, checked: !!f.value });
        inputs[f.name] = input;
        box.appendChild(el('label', { class: 'form-check' }, input, f.label));
        continue;
      } else {
        input = el('input', {
          type: f.type || 'text', id: 'f-' + f.name, name: f.name, value: f.value == null ? '' : f.value,
          placeholder: f.placeholder || '', autocomplete: f.type === 'password' ? 'new-password' : 'off',
        });
      }
      inputs[f.name] = input;
      const row = el('div', { class: 'form-row' }, el('label', { htmlFor: 'f-' + f.name, text: f.label }), input,
        f.help ? el('div', { class: 'help', text: f.help }) : null);
      if (f.when) {
        const show = () => { row.hidden = !f.when.is.includes(inputs[f.when.field].value); };
        inputs[f.when.field].addEventListener('change', show);
        show();
      }
      if (f.half) {
        if (!grid) { grid = el('div', { class: 'form-grid' }); box.appendChild(grid); }
        grid.appendChild(row);
      } else {
        grid = null;
        box.appendChild(row);
      }
    }
    const form = $('form');
    form.onsubmit = async (event) => {
      event.preventDefault();
      const values = {};
      for (const [k, input] of Object.entries(inputs)) values[k] = input.type === 'checkbox' ? input.checked : input.value;
      $('form-submit').disabled = true;
      try {
        const r = await onSubmit(values);
        if (r.ok) {
          d.close();
        } else {
          errorBox.replaceChildren(el('div', { text: r.message || 'Rejected.' }));
          if (r.problems && r.problems.length) errorBox.appendChild(el('ul', null, ...r.problems.map((p) => el('li', { text: p }))));
          errorBox.hidden = false;
        }
      } finally {
        $('form-submit').disabled = false;
      }
    };
    $('form-cancel').onclick = () => d.close();
    d.showModal();
    const first = box.querySelector('input, select');
    if (first) first.focus();
  }

  // ---------------------------------------------------------------- small widgets

  function bar(kind) {
    const fill = el('div', { class: 'bar-fill' });
    const label = el('span', { class: 'bar-label' });
    const root = el('div', { class: 'bar', data: { kind } }, fill, label);
    return { root, fill, label };
  }

  function updateBar(b, current, limit) {
    const c = current || 0;
    if (limit === null || limit === undefined) {
      b.fill.style.width = '0%';
      setText(b.label, fmtCompact(c) + ' / ∞');
      b.root.title = fmtNum(c) + ' (no limit)';
      return;
    }
    const f = limit > 0 ? Math.min(1, c / limit) : 1;
    b.fill.style.width = (f * 100).toFixed(1) + '%';
    b.fill.className = 'bar-fill' + (f >= 0.9 ? ' bad' : f >= 0.7 ? ' warn' : '');
    setText(b.label, fmtCompact(c) + ' / ' + fmtCompact(limit));
    b.root.title = fmtNum(c) + ' of ' + fmtNum(limit);
  }

  function circuitBadge(p) {
    if (!p || !p.circuit) return { text: '–', cls: 'badge badge-muted', title: '' };
    if (p.circuit === 'closed') return { text: 'closed', cls: 'badge badge-ok', title: 'Requests flow' };
    if (p.key_rejected) return { text: 'key rejected', cls: 'badge badge-bad', title: 'The provider refused the key; retry in ' + fmtDuration(p.retry_in_ms) };
    if (p.circuit === 'half_open') return { text: 'half-open', cls: 'badge badge-warn', title: 'One trial request is deciding' };
    return { text: 'open' + (p.retry_in_ms > 0 ? ' · ' + fmtDuration(p.retry_in_ms) : ''), cls: 'badge badge-bad', title: 'Skipped until the cooldown ends' };
  }

  function updateBadge(node, b) {
    setText(node, b.text);
    if (node.className !== b.cls) node.className = b.cls;
    node.title = b.title;
  }

  function headroomCell() {
    const meter = el('span', { class: 'meter' }, el('span'));
    const text = el('span');
    return { root: el('span', { class: 'headroom' }, meter, text), meter, text };
  }

  function updateHeadroom(h, p) {
    const v = p && typeof p.headroom === 'number' ? p.headroom : null;
    h.meter.firstChild.style.width = v === null ? '0%' : (v * 100).toFixed(0) + '%';
    h.meter.firstChild.style.background = v === null ? '' : v < 0.1 ? 'var(--bad)' : v < 0.3 ? 'var(--warn)' : 'var(--ok)';
    setText(h.text, v === null ? '–' : fmtPct(v));
  }

  function learnedText(p) {
    const l = p && p.learned;
    if (!l) return '–';
    const parts = [];
    if (l.remaining_requests !== null) parts.push(fmtCompact(l.remaining_requests) + (l.limit_requests !== null ? '/' + fmtCompact(l.limit_requests) : '') + ' req');
    if (l.remaining_tokens !== null) parts.push(fmtCompact(l.remaining_tokens) + (l.limit_tokens !== null ? '/' + fmtCompact(l.limit_tokens) : '') + ' tok');
    return parts.length ? 'upstream ' + parts.join(' · ') : 'upstream: not reported';
  }

  function healthCell(onCheck) {
    const button = el('button', { type: 'button', class: 'btn btn-small', text: 'Check', data: { action: 'check' } });
    const result = el('span', { class: 'health-result', data: { role: 'health-result' } });
    button.addEventListener('click', async () => {
      button.disabled = true;
      setText(result, 'checking…');
      result.className = 'health-result';
      try {
        await onCheck();
      } finally {
        button.disabled = false;
      }
    });
    return { root: el('span', { class: 'health' }, button, result), button, result };
  }

  function updateHealth(h, r) {
    if (h.button.disabled) return; // a check is running; its answer will show
    if (!r) {
      setText(h.result, '');
      h.result.className = 'health-result';
      h.result.title = '';
      return;
    }
    setText(h.result, (r.ok ? '✓ ' : '✗ ') + (r.status ? r.status : r.outcome) + ' · ' + fmtMs(r.latency_ms));
    h.result.className = 'health-result ' + (r.ok ? 'ok' : 'bad');
    h.result.title = (r.message || 'OK') + ' — ' + fmtTime(r.at) + (r.alias ? ' (model ' + r.alias + ')' : '');
  }

  async function runCheck(provider, model) {
    const res = await api('POST', '/api/health-check', model ? { provider, model } : { provider });
    if (!res.ok) {
      toast(errorText(res), 'error');
    } else if (!res.data.ok) {
      toast('Health check of ' + provider + ' failed: ' + (res.data.message || res.data.outcome), 'error');
    }
    await refresh(false);
  }

  function statsText(s) {
    if (!s || !s.requests) return { latency: '–', errors: '–', errTitle: 'No requests in the last 5 minutes' };
    return {
      latency: fmtMs(s.p50_ms) + ' / ' + fmtMs(s.p95_ms),
      errors: fmtPct(s.error_rate),
      errTitle: fmtNum(s.errors) + ' of ' + fmtNum(s.requests) + ' attempts failed in the last 5 minutes',
    };
  }

  // ---------------------------------------------------------------- models

  function providerStatus(name) {
    return (state.status.providers || []).find((p) => p.name === name) || null;
  }

  function configModel(name) {
    return state.config ? state.config.models.find((m) => m.name === name) : null;
  }

  function renderModels() {
    const s = state.status;
    const key = JSON.stringify([state.configVersion, s.models.map((m) => [m.name, m.strategy, m.routes.map((r) => [r.provider, r.alias, r.enabled, r.weight])]),
      s.providers.map((p) => p.name), s.auto]);
    if (key !== state.modelsKey) {
      state.modelsKey = key;
      buildModels();
    }
    for (const m of s.models) {
      for (const r of m.routes) {
        const refs = state.routeRefs.get(m.name + '\n' + r.provider);
        if (!refs) continue;
        const p = providerStatus(r.provider);
        updateBadge(refs.circuit, circuitBadge(p));
        if (p) {
          updateBar(refs.rpm, p.usage && p.usage.rpm, p.limits.rpm);
          updateBar(refs.tpm, p.usage && p.usage.tpm, p.limits.tpm);
          updateBar(refs.rpd, p.usage && p.usage.rpd, p.limits.rpd);
          updateHeadroom(refs.headroom, p);
        }
        const st = statsText(r.stats);
        setText(refs.latency, st.latency);
        setText(refs.errors, st.errors);
        refs.errors.title = st.errTitle;
        updateHealth(refs.health, r.health);
      }
    }
  }

  function buildModels() {
    const s = state.status;
    const box = $('models');
    state.routeRefs = new Map();
    const nodes = [];
    for (const m of s.models) {
      nodes.push(buildModel(m, s));
    }
    if (!nodes.length) nodes.push(el('p', { class: 'empty', text: 'No models configured.' }));
    box.replaceChildren(...nodes);
  }

  function buildModel(m, s) {
    const inAuto = s.auto.includes(m.name);
    const head = el('div', { class: 'model-head' },
      el('span', { class: 'model-name', text: m.name, data: { role: 'model-name' } }),
      el('span', { class: 'tag', text: m.strategy, title: 'Routing strategy' }),
      inAuto ? el('span', { class: 'tag', text: 'auto', title: 'Part of the "auto" model' }) : null,
      el('span', { class: 'spacer' }),
      el('button', {
        type: 'button', class: 'btn btn-small btn-danger-outline', text: 'Remove model', data: { action: 'remove-model' },
        on: { click: async (e) => {
          if (await confirmDialog('Remove model ' + m.name + '?', 'Clients asking for "' + m.name + '" will get 404 afterwards.', 'Remove')) {
            editOrToast([{ op: 'remove_model', model: m.name }], e.target);
          }
        } },
      }));

    const tbody = el('tbody');
    m.routes.forEach((r, i) => tbody.appendChild(buildRoute(m, r, i)));
    const cols = ['handle', 'prio', 'route', 'enabled', 'circuit', 'bar', 'bar', 'bar', 'headroom', 'latency', 'errors', 'health', 'actions'];
    const table = el('table', { class: 'grid routes' },
      el('colgroup', null, ...cols.map((c) => el('col', { class: 'c-' + c }))),
      el('thead', null, el('tr', null,
        el('th'), el('th', { text: '#' }), el('th', { text: 'Route (alias@provider)' }), el('th', { text: 'Enabled' }),
        el('th', { text: 'Circuit' }), el('th', { class: 'col-bar', text: 'RPM' }), el('th', { class: 'col-bar', text: 'TPM' }),
        el('th', { class: 'col-bar', text: 'RPD' }), el('th', { text: 'Headroom' }), el('th', { text: 'p50 / p95' }),
        el('th', { text: 'Errors' }), el('th', { text: 'Health' }), el('th'))),
      tbody);
    enableDrag(tbody, m);

    const unused = s.providers.map((p) => p.name).filter((n) => !m.routes.some((r) => r.provider === n));
    let add;
    if (unused.length === 0) {
      add = el('div', { class: 'model-add' }, el('span', { class: 'muted', text: 'Every configured provider serves this model.' }));
    } else {
      const select = el('select', { data: { role: 'add-route-provider' } }, ...unused.map((n) => el('option', { value: n, text: n })));
      const alias = el('input', { type: 'text', placeholder: 'alias (optional)', data: { role: 'add-route-alias' } });
      add = el('div', { class: 'model-add' },
        el('span', { class: 'muted', text: 'Add provider' }), select, alias,
        el('button', {
          type: 'button', class: 'btn btn-small', text: 'Add', data: { action: 'add-route' },
          on: { click: (e) => {
            const change = { op: 'add_route', model: m.name, provider: select.value };
            if (alias.value.trim()) change.alias = alias.value.trim();
            editOrToast([change], e.target);
          } },
        }));
    }
    return el('div', { class: 'model', data: { model: m.name } }, head, el('div', { class: 'table-wrap' }, table), add);
  }

  function buildRoute(m, r, index) {
    const refs = {
      circuit: el('span', { class: 'badge badge-muted', data: { role: 'circuit' } }),
      rpm: bar('rpm'), tpm: bar('tpm'), rpd: bar('rpd'),
      headroom: headroomCell(),
      latency: el('span'),
      errors: el('span'),
      health: healthCell(() => runCheck(r.provider, m.name)),
    };
    state.routeRefs.set(m.name + '\n' + r.provider, refs);
    const toggle = el('input', {
      type: 'checkbox', class: 'switch', checked: r.enabled, attrs: { role: 'switch', 'aria-label': 'Enabled' },
      data: { action: 'toggle' },
      on: { change: (e) => editOrToast([{ op: 'set_route', model: m.name, provider: r.provider, enable: e.target.checked }], e.target) },
    });
    const move = (delta) => async (e) => {
      const order = m.routes.map((x) => x.provider);
      const j = index + delta;
      if (j < 0 || j >= order.length) return;
      [order[index], order[j]] = [order[j], order[index]];
      editOrToast([{ op: 'order_routes', model: m.name, providers: order }], e.currentTarget);
    };
    const row = el('tr', { class: r.enabled ? '' : 'disabled', data: { route: r.alias + '@' + r.provider, provider: r.provider } },
      el('td', { class: 'handle', text: '⠿', title: 'Drag to reorder' }),
      el('td', { class: 'prio', text: String(index + 1) }),
      el('td', null, el('span', { class: 'route-name', data: { role: 'route-name' }, title: r.alias + '@' + r.provider },
        r.alias, el('span', { class: 'at', text: '@' }), r.provider),
        r.weight !== 1 ? el('span', { class: 'tag', text: 'weight ' + r.weight }) : null),
      el('td', null, toggle),
      el('td', null, refs.circuit),
      el('td', null, refs.rpm.root), el('td', null, refs.tpm.root), el('td', null, refs.rpd.root),
      el('td', null, refs.headroom.root),
      el('td', null, refs.latency),
      el('td', null, refs.errors),
      el('td', null, refs.health.root),
      el('td', null, el('span', { class: 'actions' },
        el('button', { type: 'button', class: 'btn btn-icon', text: '↑', title: 'Move up', disabled: index === 0, data: { action: 'up' }, on: { click: move(-1) } }),
        el('button', { type: 'button', class: 'btn btn-icon', text: '↓', title: 'Move down', disabled: index === m.routes.length - 1, data: { action: 'down' }, on: { click: move(1) } }),
        el('button', { type: 'button', class: 'btn btn-icon', text: 'Edit', title: 'Alias and weight', data: { action: 'edit-route' }, on: { click: () => editRoute(m, r) } }),
        el('button', {
          type: 'button', class: 'btn btn-icon', text: '✕', title: 'Remove this provider from the model', attrs: { 'aria-label': 'Remove' }, data: { action: 'remove-route' },
          on: { click: async (e) => {
            if (await confirmDialog('Remove ' + r.provider + ' from ' + m.name + '?', 'The provider stays configured; it just stops serving this model.', 'Remove')) {
              editOrToast([{ op: 'remove_route', model: m.name, provider: r.provider }], e.target);
            }
          } },
        }))));
    row.draggable = true;
    row.dataset.key = r.provider;
    return row;
  }

  function editRoute(m, r) {
    const raw = (configModel(m.name) || { routes: [] }).routes.find((x) => x.provider === r.provider) || {};
    formDialog('Route ' + r.provider + ' for ' + m.name, [
      { name: 'alias', label: 'Alias (model name sent to ' + r.provider + ')', value: raw.alias || '', placeholder: m.name, help: 'Empty: the model name clients send.' },
      { name: 'weight', label: 'Weight', value: raw.weight || '', placeholder: '1', help: 'Share of traffic with the weighted strategy.' },
    ], 'Save', (v) => {
      const change = { op: 'set_route', model: m.name, provider: r.provider };
      if (v.alias.trim() !== (raw.alias || '')) change.alias = v.alias.trim() || null;
      if (v.weight.trim() !== (raw.weight || '')) change.weight = v.weight.trim() || null;
      if (Object.keys(change).length === 3) return Promise.resolve({ ok: true });
      return edit([change]);
    });
  }

  function enableDrag(tbody, m) {
    let dragged = null;
    tbody.addEventListener('dragstart', (e) => {
      dragged = e.target.closest('tr');
      if (!dragged) return;
      dragged.classList.add('dragging');
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', dragged.dataset.key);
    });
    tbody.addEventListener('dragover', (e) => {
      if (!dragged) return;
      e.preventDefault();
      const over = e.target.closest('tr');
      tbody.querySelectorAll('.drop-target').forEach((x) => x.classList.remove('drop-target'));
      if (over && over !== dragged) over.classList.add('drop-target');
    });
    tbody.addEventListener('dragend', () => {
      if (dragged) dragged.classList.remove('dragging');
      tbody.querySelectorAll('.drop-target').forEach((x) => x.classList.remove('drop-target'));
      dragged = null;
    });
    tbody.addEventListener('drop', (e) => {
      e.preventDefault();
      const target = e.target.closest('tr');
      if (!dragged || !target || target === dragged) return;
      const order = m.routes.map((x) => x.provider).filter((p) => p !== dragged.dataset.key);
      order.splice(order.indexOf(target.dataset.key), 0, dragged.dataset.key);
      editOrToast([{ op: 'order_routes', model: m.name, providers: order }]);
    });
  }

  function addModel() {
    const providers = state.status.providers.map((p) => p.name);
    formDialog('Add model', [
      { name: 'model', label: 'Model name (what clients send)', placeholder: 'e.g. gpt-4o-mini' },
      { name: 'provider', label: 'Provider', type: 'select', options: providers, value: providers[0] },
      { name: 'alias', label: 'Alias (optional)', placeholder: 'the model name this provider uses' },
    ], 'Add model', (v) => {
      const route = { provider: v.provider };
      if (v.alias.trim()) route.alias = v.alias.trim();
      return edit([{ op: 'add_model', model: v.model.trim(), routes: [route] }]);
    });
  }

  // ---------------------------------------------------------------- providers

  function renderProviders() {
    const s = state.status;
    const key = JSON.stringify([state.configVersion, s.providers.map((p) => p.name)]);
    if (key !== state.providersKey) {
      state.providersKey = key;
      buildProviders();
    }
    for (const p of s.providers) {
      const refs = state.providerRefs.get(p.name);
      if (!refs) continue;
      updateBadge(refs.circuit, circuitBadge(p));
      updateBar(refs.rpm, p.usage && p.usage.rpm, p.limits.rpm);
      updateBar(refs.tpm, p.usage && p.usage.tpm, p.limits.tpm);
      updateBar(refs.rpd, p.usage && p.usage.rpd, p.limits.rpd);
      updateHeadroom(refs.headroom, p);
      setText(refs.learned, learnedText(p));
      const st = statsText(p.stats);
      setText(refs.latency, st.latency);
      setText(refs.errors, st.errors);
      refs.errors.title = st.errTitle;
      updateHealth(refs.health, p.health);
    }
  }

  function configProvider(name) {
    return state.config ? state.config.providers.find((p) => p.name === name) : null;
  }

  function keyText(raw) {
    if (!raw || !raw.api_key || !raw.api_key.set) return 'none';
    return raw.api_key.env ? '•••• ${' + raw.api_key.env + '}' : '•••• set';
  }

  function buildProviders() {
    const s = state.status;
    const tbody = $('providers').tBodies[0];
    state.providerRefs = new Map();
    const rows = s.providers.map((p) => {
      const raw = configProvider(p.name);
      const used = s.models.some((m) => m.routes.some((r) => r.provider === p.name));
      const refs = {
        circuit: el('span', { class: 'badge badge-muted', data: { role: 'circuit' } }),
        rpm: bar('rpm'), tpm: bar('tpm'), rpd: bar('rpd'),
        headroom: headroomCell(),
        learned: el('span', { class: 'sub', title: 'Remaining capacity the provider reported in its rate-limit headers' }),
        latency: el('span'),
        errors: el('span'),
        health: healthCell(() => runCheck(p.name, null)),
      };
      state.providerRefs.set(p.name, refs);
      return el('tr', { data: { provider: p.name } },
        el('td', { class: 'cell-provider' }, el('strong', { text: p.name }),
          el('span', { class: 'sub' }, 'api ', el('span', { class: 'mono', text: p.api || 'openai', data: { role: 'api' } })),
          el('span', { class: 'sub mono cell-url', text: raw && raw.base_url ? raw.base_url : p.base_url, title: p.base_url }),
          el('span', { class: 'sub' }, 'key ', el('span', { class: 'mono', text: keyText(raw), data: { role: 'key' } }))),
        el('td', null, refs.circuit),
        el('td', null, refs.rpm.root), el('td', null, refs.tpm.root), el('td', null, refs.rpd.root),
        el('td', { text: p.limits.tpr === null ? '∞' : fmtCompact(p.limits.tpr), title: 'Most tokens one request may use' }),
        el('td', null, refs.headroom.root, refs.learned),
        el('td', null, refs.latency),
        el('td', null, refs.errors),
        el('td', null, refs.health.root),
        el('td', null, el('span', { class: 'actions' },
          el('button', {
            type: 'button', class: 'btn btn-small', text: 'Reset', title: 'Forget counters, circuit and learned limits', data: { action: 'reset' },
            on: { click: async (e) => {
              if (await confirmDialog('Reset ' + p.name + '?', 'Its rpm, tpm and rpd counters, circuit breaker and learned limits start from zero.', 'Reset')) {
                const b = e.target;
                b.disabled = true;
                const res = await api('POST', '/api/reset', { provider: p.name });
                b.disabled = false;
                toast(res.ok ? p.name + ': limits and circuit reset.' : errorText(res), res.ok ? 'ok' : 'error');
                refresh(false);
              }
            } },
          }),
          el('button', { type: 'button', class: 'btn btn-small', text: 'Edit', data: { action: 'edit-provider' }, on: { click: () => editProvider(p.name) } }),
          el('button', {
            type: 'button', class: 'btn btn-icon', text: '✕', disabled: used, attrs: { 'aria-label': 'Remove' },
            title: used ? 'Remove it from every model first' : 'Remove this provider', data: { action: 'remove-provider' },
            on: { click: async (e) => {
              if (await confirmDialog('Remove provider ' + p.name + '?', 'Its base URL, key and limits are deleted from the configuration.', 'Remove')) {
                editOrToast([{ op: 'remove_provider', provider: p.name }], e.target);
              }
            } },
          }))));
    });
    tbody.replaceChildren(...rows);
  }

  const LIMITS = ['rpm', 'tpm', 'rpd', 'tpr'];
  const LIMIT_HELP = { rpm: 'requests / minute', tpm: 'tokens / minute', rpd: 'requests / day', tpr: 'tokens / request' };

  /** The options that belong to one api: [name, label, api, placeholder (the default)]. */
  const API_OPTIONS = [
    ['api_version', 'API version', 'azure', '2024-10-21 (or v1)'],
    ['anthropic_version', 'Anthropic version', 'anthropic', '2023-06-01'],
    ['default_max_tokens', 'Default max_tokens', 'anthropic', '4096'],
  ];

  function providerFields(raw, isNew) {
    const fields = [];
    if (isNew) fields.push({ name: 'name', label: 'Name', placeholder: 'e.g. openai' });
    fields.push({
      name: 'api', label: 'API', type: 'select', options: ['openai', 'anthropic', 'azure'],
      value: raw && raw.api ? raw.api.toLowerCase() : 'openai',
      help: 'openai also serves every OpenAI-compatible provider (Gemini too). The provider\'s key goes as Bearer, x-api-key (anthropic) or api-key (azure).',
    });
    fields.push({
      name: 'base_url', label: 'Base URL', value: raw ? raw.base_url : '', placeholder: 'https://api.example.com/v1',
      help: isNew ? null : 'Moving to another host, scheme or port needs the API key entered again.',
    });
    fields.push({
      name: 'api_key', label: 'API key', type: 'password', value: '',
      placeholder: raw && raw.api_key && raw.api_key.set ? '•••••••• unchanged' : 'none',
      help: 'Write-only: it is never shown again. ${VAR} reads it from the environment (recommended).',
    });
    if (!isNew && raw && raw.api_key && raw.api_key.set) fields.push({ name: 'remove_key', label: 'Remove the key', type: 'checkbox', value: false });
    for (const [name, label, api, placeholder] of API_OPTIONS) {
      fields.push({
        name, label, value: raw && raw[name] != null ? raw[name] : '', placeholder,
        when: { field: 'api', is: [api] },
        help: name === 'api_version' ? 'A date sends requests to {base_url}/deployments/{alias}/...?api-version=; v1 to {base_url}/v1/...' : null,
      });
    }
    for (const l of LIMITS) {
      fields.push({ name: l, label: l.toUpperCase() + ' (' + LIMIT_HELP[l] + ')', value: raw ? raw.limits[l] : '', placeholder: 'unlimited', half: true });
    }
    return fields;
  }

  function providerChange(op, name, raw, v) {
    const change = { op, provider: name };
    if (v.api !== (raw && raw.api ? raw.api.toLowerCase() : 'openai')) change.api = v.api;
    if (!raw || v.base_url.trim() !== (raw.base_url || '')) change.base_url = v.base_url.trim();
    for (const [option] of API_OPTIONS) {
      const before = raw && raw[option] != null ? String(raw[option]) : '';
      if (v[option].trim() !== before) change[option] = v[option].trim() === '' ? null : v[option].trim();
    }
    if (v.remove_key) change.api_key = null;
    else if (v.api_key) change.api_key = v.api_key;
    const limits = {};
    for (const l of LIMITS) {
      const before = raw && raw.limits[l] !== null ? raw.limits[l] : '';
      if (v[l].trim() !== before) limits[l] = v[l].trim() === '' ? null : v[l].trim();
    }
    if (Object.keys(limits).length) change.limits = limits;
    return change;
  }

  function editProvider(name) {
    const raw = configProvider(name);
    formDialog('Provider ' + name, providerFields(raw, false), 'Save', (v) => {
      const change = providerChange('set_provider', name, raw, v);
      if (Object.keys(change).length === 2) return Promise.resolve({ ok: true });
      return edit([change]);
    });
  }

  function addProvider() {
    formDialog('Add provider', providerFields(null, true), 'Add provider', (v) =>
      edit([providerChange('add_provider', v.name.trim(), null, v)]));
  }


  // ---------------------------------------------------------------- spend and budgets

  const SPEND_EVERY_MS = 5000;
  const PERIODS = ['day', 'week', 'month', 'total'];

  /** USD for the eye: cents from a dollar up, three significant digits below; the exact figure is the title. */
  function fmtUsd(text) {
    const n = Number(text);
    if (!isFinite(n)) return '–';
    if (n === 0) return '$0';
    return '$' + (n >= 1 ? n.toFixed(2) : String(Number(n.toPrecision(3))));
  }

  function usdCell(w) {
    return { text: fmtUsd(w.usd), title: w.usd + ' USD · ' + fmtNum(w.requests) + ' requests' };
  }

  function budgetOf(kind, name) {
    const s = state.usage && state.usage.spend;
    return s ? s.budgets.find((b) => b.kind === kind && b.name === name) || null : null;
  }

  /** The budget as written in the config file (null when none), for the edit form. */
  function configBudget(kind, name) {
    if (!state.config) return null;
    const list = kind === 'key' ? state.config.keys || [] : state.config.providers;
    const item = list.find((x) => x.name === name);
    return item ? item.budget : null;
  }

  function budgetText(b) {
    if (!b) return { text: 'none', title: 'No budget' };
    const resets = b.resets_at ? 'resets ' + new Date(b.resets_at).toLocaleString('en-GB', { hour12: false }) : 'never resets';
    return {
      text: fmtUsd(b.remaining) + ' left of ' + fmtUsd(b.usd) + ' / ' + b.period,
      title: b.spent + ' of ' + b.usd + ' USD spent this ' + b.period + ' · ' + resets
        + (b.unpriced === 'refuse' ? ' · unpriced models refused' : ''),
      resets,
    };
  }

  function renderSpend() {
    const u = state.usage;
    const spend = u && u.spend;
    $('spend-empty').hidden = !!spend || !u;
    if (!spend) return;
    const top = spend.top_keys;
    const tops = $('top-spenders');
    tops.replaceChildren(el('strong', { text: 'Top spenders this month' }),
      ...(top.length ? top.map((t, i) => el('span', { class: 'top-spender', data: { key: t.name } },
        (i ? ' · ' : '') + t.name + ' ' + fmtUsd(t.usd))) : ['none yet']));
    const key = JSON.stringify([state.configVersion, Object.keys(spend.keys), Object.keys(spend.providers),
      Object.keys(spend.models), spend.budgets.map((b) => b.kind + '/' + b.name)]);
    if (key !== state.spendKey) {
      state.spendKey = key;
      buildSpend(spend);
    }
    for (const [rowKey, refs] of state.spendRefs) {
      const [kind, name] = rowKey.split('\u0000');
      const rows = spend[kind === 'key' ? 'keys' : kind === 'provider' ? 'providers' : 'models'];
      const row = rows[name];
      if (!row) continue;
      for (const w of ['today', 'this_period', 'total']) {
        const c = usdCell(row[w]);
        setText(refs[w], c.text);
        refs[w].title = c.title;
      }
      setText(refs.unpriced, row.total.unpriced ? fmtNum(row.total.unpriced) + ' requests' : '–');
      refs.unpriced.title = fmtNum(row.today.unpriced) + ' today · ' + fmtNum(row.this_period.unpriced) + ' this period';
      if (refs.budget) {
        const bt = budgetText(budgetOf(kind, name));
        setText(refs.budget, bt.text);
        refs.budget.title = bt.title;
        setText(refs.resets, bt.resets || '');
      }
    }
  }

  function buildSpend(spend) {
    state.spendRefs = new Map();
    const build = (kind, rows, tableId) => {
      const tbody = $(tableId).tBodies[0];
      tbody.replaceChildren(...Object.keys(rows).map((name) => {
        const refs = { today: el('span'), this_period: el('span'), total: el('span'), unpriced: el('span') };
        const cells = [
          el('td', null, el('strong', { text: name }), el('span', { class: 'sub', text: rows[name].period })),
          el('td', { data: { role: 'today' } }, refs.today),
          el('td', { data: { role: 'this-period' } }, refs.this_period),
          el('td', { data: { role: 'total' } }, refs.total),
          el('td', null, refs.unpriced),
        ];
        if (kind !== 'model') {
          refs.budget = el('span', { data: { role: 'budget' } });
          refs.resets = el('span', { class: 'sub' });
          const has = !!budgetOf(kind, name);
          const editable = kind === 'provider' ? !!configProvider(name)
            : !!(state.config && (state.config.keys || []).some((k) => k.name === name));
          cells.push(el('td', null, refs.budget, refs.resets));
          cells.push(el('td', null, el('span', { class: 'actions' },
            el('button', {
              type: 'button', class: 'btn btn-small', text: has ? 'Edit budget' : 'Set budget', disabled: !editable,
              title: editable ? 'Set, change or remove the budget' : 'Not in the configuration', data: { action: 'edit-budget' },
              on: { click: () => editBudget(kind, name) },
            }),
            has ? el('button', {
              type: 'button', class: 'btn btn-small btn-danger-outline', text: 'Reset spend', data: { action: 'reset-spend' },
              title: 'The budget forgets what was spent this period', on: { click: (e) => resetSpend(kind, name, e.target) },
            }) : null)));
        }
        state.spendRefs.set(kind + '\u0000' + name, refs);
        return el('tr', { data: { name, kind } }, ...cells);
      }));
    };
    build('key', spend.keys, 'spend-keys');
    build('provider', spend.providers, 'spend-providers');
    build('model', spend.models, 'spend-models');
    $('spend-keys').hidden = Object.keys(spend.keys).length === 0;
  }

  function editBudget(kind, name) {
    const raw = configBudget(kind, name);
    const fields = [
      { name: 'usd', label: 'Budget (USD per period)', value: raw && raw.usd != null ? raw.usd : '', placeholder: 'e.g. 50', half: true },
      { name: 'period', label: 'Period', type: 'select', options: PERIODS, value: raw && raw.period ? raw.period : 'month', half: true },
      {
        name: 'unpriced', label: 'Models without a price', type: 'select', options: ['serve', 'refuse'],
        value: raw && raw.unpriced ? raw.unpriced : 'serve',
        help: 'serve: answered and counted as unpriced; refuse: refused for this ' + (kind === 'key' ? 'key' : 'provider') + '.',
      },
    ];
    if (raw) fields.push({ name: 'remove', label: 'Remove the budget', type: 'checkbox', value: false });
    const what = kind === 'key' ? 'client key ' : 'provider ';
    formDialog('Budget of ' + what + name, fields, 'Save', (v) => {
      const budget = v.remove ? null : { usd: v.usd.trim(), period: v.period, unpriced: v.unpriced };
      return edit([{ op: 'set_budget', kind, name, budget }]);
    });
  }

  async function resetSpend(kind, name, button) {
    const b = budgetOf(kind, name);
    const what = (kind === 'key' ? 'client key ' : 'provider ') + name;
    const spent = b ? ' (' + fmtUsd(b.spent) + ' this ' + b.period + ')' : '';
    if (!await confirmDialog('Reset the spend of ' + what + '?',
      'Its budget forgets what was spent this period' + spent + ' and starts from zero; a restart keeps the reset.'
        + ' The history of spend stays as it is.', 'Reset spend')) return;
    button.disabled = true;
    try {
      const res = await api('POST', '/api/spend/reset', { kind, name });
      toast(res.ok ? what + ': spend of this period reset.' : errorText(res), res.ok ? 'ok' : 'error');
      await refresh(true);
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- response cache

  function fmtBytes(n) {
    if (n >= 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + ' MiB';
    if (n >= 1024) return (n / 1024).toFixed(1) + ' KiB';
    return fmtNum(n) + ' B';
  }

  function renderCache() {
    const c = state.cache;
    if (!c) return;
    setText($('cache-hint'), c.models.length
      ? 'exact-match answers of ' + c.models.join(', ')
      : 'no model has cache on: nothing is stored');
    setText($('cache-stats'), fmtBytes(c.bytes) + ' of ' + fmtBytes(c.max_bytes) + ' · '
      + fmtNum(c.entries) + ' entries · hit ratio ' + fmtPct(c.hit_ratio) + ' (' + fmtNum(c.hits) + ' hits, '
      + fmtNum(c.misses) + ' misses, ' + fmtNum(c.bypasses) + ' bypasses) · saved ' + fmtNum(c.saved_tokens)
      + ' tokens, ' + fmtUsd(c.saved_usd));
  }

  async function clearCache(e) {
    const button = e.target;
    if (!await confirmDialog('Clear the response cache?',
      'Every stored answer is dropped; the next request of each is sent to a provider again.', 'Clear cache')) return;
    button.disabled = true;
    try {
      const res = await api('POST', '/api/cache/clear', {});
      toast(res.ok ? 'Response cache cleared (' + res.data.cleared + ' entries).' : errorText(res), res.ok ? 'ok' : 'error');
      await refresh(false);
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- traffic

  function renderKpis() {
    const t = state.status.traffic;
    const req = t.series.requests;
    const last10 = req.slice(-11, -1).reduce((a, b) => a + b, 0) / 10;
    setText($('kpi-rps'), last10 >= 10 ? last10.toFixed(0) : last10.toFixed(1));
    setText($('kpi-requests'), fmtNum(t.requests));
    setText($('kpi-requests-sub'), 'last 5 min · ' + fmtNum(t.total_requests) + ' since start');
    setText($('kpi-errors'), t.requests ? fmtPct(t.error_rate) : '–');
    setText($('kpi-errors-sub'), 'last 5 min · ' + fmtNum(t.errors) + ' failed');
    setText($('kpi-latency'), t.requests ? fmtMs(t.p50_ms) + ' / ' + fmtMs(t.p95_ms) : '–');
    const ps = state.status.providers;
    const closed = ps.filter((p) => p.circuit === 'closed').length;
    setText($('kpi-providers'), closed + ' / ' + ps.length);
    setText($('kpi-providers-sub'), closed === ps.length ? 'all circuits closed' : (ps.length - closed) + ' out of rotation');
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  function niceMax(v) {
    if (v <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function renderChart() {
    const box = $('chart');
    const t = state.status.traffic.series;
    const bucket = 5; // seconds per point: smoother than per-second spikes
    const n = Math.floor(t.requests.length / bucket);
    const rps = [];
    const eps = [];
    for (let i = 0; i < n; i++) {
      let r = 0;
      let e = 0;
      for (let j = 0; j < bucket; j++) {
        r += t.requests[i * bucket + j];
        e += t.errors[i * bucket + j];
      }
      rps.push(r / bucket);
      eps.push(e / bucket);
    }
    const W = Math.max(300, box.clientWidth);
    const H = Math.max(100, box.clientHeight);
    const left = 40;
    const bottom = 20;
    const top = 8;
    const right = 8;
    const max = niceMax(Math.max(...rps, ...eps, 0.5));
    const x = (i) => left + (W - left - right) * (i / (n - 1));
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H });
    for (const f of [0, 0.5, 1]) {
      const yy = y(max * f);
      root.appendChild(svg('line', { class: 'grid-line', x1: left, x2: W - right, y1: yy, y2: yy }));
      const label = svg('text', { class: 'axis-label', x: left - 6, y: yy + 4, 'text-anchor': 'end' });
      label.textContent = (max * f) % 1 === 0 ? String(max * f) : (max * f).toFixed(1);
      root.appendChild(label);
    }
    for (let m = 0; m <= 5; m++) {
      const i = (n - 1) * (m / 5);
      const label = svg('text', { class: 'axis-label', x: x(i), y: H - 4, 'text-anchor': m === 0 ? 'start' : m === 5 ? 'end' : 'middle' });
      label.textContent = m === 5 ? 'now' : '−' + (5 - m) + ' min';
      root.appendChild(label);
    }
    let line = '';
    rps.forEach((v, i) => { line += (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1) + ' '; });
    root.appendChild(svg('path', { class: 'area', d: line + 'L' + x(n - 1).toFixed(1) + ' ' + y(0) + ' L' + x(0).toFixed(1) + ' ' + y(0) + ' Z' }));
    root.appendChild(svg('path', { class: 'line', d: line }));
    const bw = Math.max(1.5, (W - left - right) / n * 0.6);
    eps.forEach((v, i) => {
      if (v > 0) root.appendChild(svg('rect', { class: 'err', x: x(i) - bw / 2, y: y(v), width: bw, height: Math.max(1, y(0) - y(v)) }));
    });
    box.replaceChildren(root);
  }

  // ---------------------------------------------------------------- tails

  function renderRequests(list) {
    const tbody = $('requests').tBodies[0];
    for (const r of list.slice().reverse()) {
      const failed = r.status >= 400 || r.status === 0;
      const model = r.model_used && r.model_used !== r.model ? r.model + ' → ' + r.model_used : (r.model || '–');
      const provider = r.attempts.length > 1 ? r.attempts.map((a) => a.provider).join(' → ') : (r.provider || '–');
      const row = el('tr', { title: (r.error || '') + (r.request_id ? ' [' + r.request_id + ']' : '') },
        el('td', { class: 'muted', text: fmtTime(r.at) }),
        el('td', { text: model }),
        el('td', { text: provider }),
        el('td', null, el('span', { class: failed ? 'status-bad' : 'status-ok', text: r.status ? String(r.status) : 'gone' }),
          r.stream ? el('span', { class: 'tag', text: 'stream' }) : null),
        el('td', { class: 'num', text: fmtMs(r.latency_ms) }),
        el('td', { class: 'num', text: (r.tokens_estimated ? '~' : '') + fmtNum(r.total_tokens), title: r.prompt_tokens + ' prompt + ' + r.completion_tokens + ' completion' }));
      tbody.insertBefore(row, tbody.firstChild);
    }
    while (tbody.rows.length > MAX_TAIL) tbody.deleteRow(tbody.rows.length - 1);
    $('requests-empty').hidden = tbody.rows.length > 0;
  }

  function renderErrors(list) {
    const ul = $('errors');
    for (const e of list.slice().reverse()) {
      const where = [e.model, e.provider].filter(Boolean).join(' @ ');
      const li = el('li', null,
        el('div', { class: 'err-head' },
          el('span', { class: 'err-time', text: fmtTime(e.at) }),
          el('span', { class: e.source === 'request' ? 'badge badge-bad' : 'badge badge-warn', text: e.source.replace('_', ' ') }),
          where ? el('strong', { text: where }) : null,
          e.status ? el('span', { class: 'muted', text: String(e.status) }) : null,
          e.type ? el('span', { class: 'tag', text: e.type }) : null),
        el('div', { class: 'err-msg', text: e.message || '' }));
      ul.insertBefore(li, ul.firstChild);
    }
    while (ul.children.length > MAX_TAIL) ul.removeChild(ul.lastChild);
    $('errors-empty').hidden = ul.children.length > 0;
  }

  // ---------------------------------------------------------------- header, banner

  function renderHeader() {
    const c = state.status.config;
    setText($('config-badge'), 'config v' + c.version + ' · ' + (c.persisted ? 'saved to ' + c.file : 'in memory only'));
    $('config-badge').className = 'pill' + (c.persisted ? '' : ' pill-warn');
    const counters = state.status.counters;
    if (counters) {
      const text = { memory: 'counters: this instance', shared: 'counters: shared (Redis)',
        fallback: 'counters: LOCAL FALLBACK' }[counters.mode] || 'counters: ' + counters.mode;
      setText($('counters-badge'), text);
      $('counters-badge').className = 'pill' + (counters.mode === 'fallback' ? ' pill-warn' : '');
      $('counters-badge').title = counters.mode === 'memory'
        ? 'Rate-limit counters live in this process (no limits_store configured)'
        : counters.location + (counters.detail ? ' - ' + counters.detail : '');
    }
    $('logout').hidden = !state.status.token_required;
    $('reload-config').disabled = !c.persisted;
    const banner = $('banner');
    if (c.changed_on_disk) {
      banner.replaceChildren(
        el('span', { text: c.file + ' was changed on disk. Reload it to apply those changes (edits from this page are refused until then).' }),
        el('button', { type: 'button', class: 'btn', text: 'Reload config', on: { click: reloadConfig } }));
      banner.hidden = false;
    } else if (!c.persisted) {
      banner.replaceChildren(el('span', { text: 'Changes made here apply at once but are not saved: ' + (c.not_persisted_reason || 'no config file') + '.' }));
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
  }

  function setLive(ok) {
    const live = $('live');
    if (ok) {
      state.lastOk = Date.now();
      setText(live, 'live · ' + fmtTime(state.lastOk));
      live.className = 'pill pill-live';
    } else {
      setText(live, 'reconnecting…');
      live.className = 'pill pill-stale';
    }
  }

  // ---------------------------------------------------------------- refresh loop

  async function loadConfig() {
    const res = await api('GET', '/api/config');
    if (res.ok) {
      state.config = res.data;
      state.configVersion = res.data.version;
    }
  }

  async function refresh(forceConfig) {
    const [status, requests, errors, cache] = await Promise.all([
      api('GET', '/api/status'),
      api('GET', '/api/requests?since=' + state.requestSeq + '&limit=' + MAX_TAIL),
      api('GET', '/api/errors?since=' + state.errorSeq + '&limit=' + MAX_TAIL),
      api('GET', '/api/cache'),
    ]);
    if (cache.ok) state.cache = cache.data;
    if (!status.ok) throw new Error('status ' + status.status);
    state.status = status.data;
    if (forceConfig || state.configVersion !== status.data.config.version || !state.config) {
      await loadConfig();
    }
    if (forceConfig || Date.now() - state.usageAt >= SPEND_EVERY_MS) {
      const usage = await api('GET', '/api/usage');
      if (usage.ok) {
        state.usage = usage.data;
        state.usageAt = Date.now();
      }
    }
    renderHeader();
    renderKpis();
    renderChart();
    renderModels();
    renderProviders();
    renderSpend();
    renderCache();
    if (requests.ok) {
      renderRequests(requests.data.requests);
      state.requestSeq = requests.data.last_seq;
    }
    if (errors.ok) {
      renderErrors(errors.data.errors);
      state.errorSeq = errors.data.last_seq;
    }
    setLive(true);
    document.body.dataset.version = String(state.configVersion);
  }

  async function poll() {
    try {
      await refresh(false);
    } catch (e) {
      setLive(false);
    }
    setTimeout(poll, POLL_MS);
  }

  async function reloadConfig(e) {
    const button = e && e.target;
    if (button) button.disabled = true;
    try {
      const res = await api('POST', '/api/config/reload', {});
      if (res.ok) toast('Configuration reloaded from ' + state.status.config.file + '.' + (res.data.warnings.length ? ' ' + res.data.warnings.join('; ') : ''), 'ok');
      else toast(errorText(res), 'error', res.data && res.data.problems);
      await refresh(true);
    } finally {
      if (button) button.disabled = false;
    }
  }

  function wire() {
    $('reload-config').addEventListener('click', reloadConfig);
    $('check-all').addEventListener('click', async (e) => {
      e.target.disabled = true;
      try {
        const res = await api('POST', '/api/health-check', {});
        if (res.ok) {
          const bad = res.data.results.filter((r) => !r.ok);
          toast(bad.length ? bad.length + ' of ' + res.data.results.length + ' providers failed: ' + bad.map((r) => r.provider).join(', ')
            : 'All ' + res.data.results.length + ' providers answered.', bad.length ? 'error' : 'ok');
        } else {
          toast(errorText(res), 'error');
        }
        await refresh(false);
      } finally {
        e.target.disabled = false;
      }
    });
    $('reset-all').addEventListener('click', async () => {
      if (!await confirmDialog('Reset every provider?', 'All rpm, tpm and rpd counters, circuit breakers and learned limits start from zero.', 'Reset all')) return;
      const res = await api('POST', '/api/reset', {});
      toast(res.ok ? 'All limits and circuits reset.' : errorText(res), res.ok ? 'ok' : 'error');
      refresh(false);
    });
    $('logout').addEventListener('click', async () => {
      await api('POST', '/api/logout', {});
      window.location.replace('/admin');
    });
    $('add-model').addEventListener('click', addModel);
    $('cache-clear').addEventListener('click', clearCache);
    $('add-provider').addEventListener('click', addProvider);
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { if (state.status) renderChart(); }, 100);
    });
  }

  wire();
  poll();
})();
