/**
 * The auditor console's one script (an ES module, served as /console/console.js): sign-in with a
 * pasted bearer token (sessionStorage only), a claim's timeline with each entry's inclusion proof
 * checked in the browser (RFC 9162 against the latest checkpoint), a person-year as known at a
 * time, verification, flags a page at a time, and the payments report drawn as inline SVG.
 * Plain DOM, no library, nothing from elsewhere; kept as a string so that the build carries it.
 * (It holds no backtick and no dollar-brace, so that it stays one raw template literal.)
 */
export const CONSOLE_JS = String.raw`// The auditor console: plain DOM and inline SVG, no library. Every call goes to this origin
// with the token from sessionStorage as Authorization: Bearer; the token is never put in a URL.
'use strict';

const TOKEN_KEY = 'msb.audit-console.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const PAYERS = ['basic', 'criticalIllness', 'assistance'];
const PAYER_NAMES = { basic: '基本医保 basic', criticalIllness: '大病保险', assistance: '医疗救助 assistance' };

const $ = (id) => document.getElementById(id);

/** An element with attributes (class, data-*, others as properties) and children (text or nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k === 'title') node.setAttribute(k, String(v));
    else node[k] = v;
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** An SVG element: every attribute set as an attribute. */
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

/** Show a refused or failed call where it cannot be missed: 401 and 403 say what to do. */
function showProblem(error) {
  const box = $('problem');
  box.replaceChildren();
  if (!error) {
    box.hidden = true;
    return;
  }
  const p = error.problem && typeof error.problem === 'object' ? error.problem : {};
  const lead =
    error.status === 401
      ? '401 Unauthorized: the token was refused. Sign in again with a valid token.'
      : error.status === 403
        ? '403 Forbidden: this token may not do that.'
        : error.status
          ? error.status + ' ' + (p.title || 'Error')
          : 'The service did not answer.';
  box.append(el('strong', { 'data-status': error.status || 0 }, lead), ' ', p.detail || error.message);
  if (Array.isArray(p.errors) && p.errors.length) box.append(el('ul', {}, p.errors.map((e) => el('li', {}, el('code', {}, e.path), ' ', e.message))));
  box.hidden = false;
}

/** One call to the API of this service; a problem is shown and thrown. */
async function api(method, path, accept) {
  const headers = { accept: accept || 'application/json' };
  const t = token();
  if (t) headers.authorization = 'Bearer ' + t;
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
  } catch (e) {
    const error = new ApiError(0, { detail: String(e) });
    showProblem(error);
    throw error;
  }
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const error = new ApiError(res.status, body);
    if (res.status === 401) signedOut('The token was refused (401).');
    showProblem(error);
    throw error;
  }
  return body;
}

/** Run a handler; its ApiError is already shown. */
const guarded = (fn) => (event) => {
  if (event) event.preventDefault();
  fn().then(
    () => undefined,
    (e) => {
      if (!(e instanceof ApiError)) showProblem(new ApiError(0, { detail: String(e && e.message ? e.message : e) }));
    },
  );
};

const q = (params) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v))
    .join('&');
const seg = (s) => encodeURIComponent(String(s).trim());
const short = (hash) => (hash ? hash.slice(0, 12) + '…' : '');

// ---- sign in ---------------------------------------------------------------------------------------

function signedOut(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('whoami').textContent = why || 'Not signed in.';
  $('whoami').dataset.signedIn = 'false';
}

/** Who the API takes the token for: there is no whoami route, so the console shows what a call answered. */
async function whoami() {
  const head = await api('GET', '/head');
  $('whoami').textContent = 'Signed in: the token is accepted for audit (GET /head: ' + head.events + ' events, head ' + short(head.head) + ').';
  $('whoami').dataset.signedIn = 'true';
  showProblem(null);
}

async function signIn() {
  const value = $('token').value.trim().replace(/^Bearer\s+/i, '');
  $('token').value = '';
  if (!value) return signedOut();
  sessionStorage.setItem(TOKEN_KEY, value);
  await whoami();
}

// ---- the claim's timeline, with inclusion proofs ---------------------------------------------------

/** JCS (RFC 8785) as the log hashes entries: keys sorted by UTF-16 code units, no whitespace. */
function canonical(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',') + ']';
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
}

async function sha256(...parts) {
  const buffer = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    buffer.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
}

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const nodeHash = (left, right) => sha256(new Uint8Array([1]), left, right);

/** RFC 6962 leaf: SHA-256(0x00 ‖ JCS({ topic, partition, offset, event })). */
const leafHash = (entry) =>
  sha256(
    new Uint8Array([0]),
    new TextEncoder().encode(canonical({ topic: entry.topic, partition: entry.partition, offset: entry.offset, event: entry.event })),
  );

/** RFC 9162 §2.1.3.2: the root an inclusion path leads to from a leaf (null: the path cannot be one). */
async function rootOf(leaf, index, size, path) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const node of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(node, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** The latest checkpoint (C2SP signed note): its tree size and root, or null before the first. */
async function latestCheckpoint() {
  try {
    const note = await api('GET', '/checkpoint', 'text/plain');
    const lines = String(note).split('\n');
    return { origin: lines[0], size: Number(lines[1]), root: fromBase64(lines[2]) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      showProblem(null);
      return null;
    }
    throw e;
  }
}

/** verified: the entry, hashed here, is in the checkpoint's tree; pending: not yet checkpointed; failed: it is not. */
async function inclusion(index, checkpoint) {
  if (!checkpoint || index >= checkpoint.size) return 'pending';
  if (!(window.crypto && crypto.subtle)) return 'unverifiable';
  const [entry, proof] = await Promise.all([
    api('GET', '/entries/' + index),
    api('GET', '/proofs/inclusion?' + q({ index, size: checkpoint.size })),
  ]);
  const root = await rootOf(await leafHash(entry), index, checkpoint.size, proof.inclusionPath.map(fromBase64));
  return root && sameBytes(root, checkpoint.root) ? 'verified' : 'failed';
}

function describe(e) {
  const parts = [];
  if (e.version !== undefined) parts.push('v' + e.version);
  if (e.revision !== undefined) parts.push('revision ' + e.revision);
  if (e.cause) parts.push(e.cause.reason);
  if (e.reason) parts.push(e.reason);
  for (const p of e.payments || []) parts.push(p.kind.toLowerCase() + ' ' + p.amount + ' (' + p.reason + ')');
  return parts.join(' · ');
}

async function timeline() {
  const claimId = $('claim-id').value.trim();
  if (!claimId) return;
  const events = [];
  let cursor;
  for (let pages = 0; pages < 50; pages++) {
    const page = await api('GET', '/claims/' + seg(claimId) + '/history?' + q({ limit: 500, cursor }));
    events.push(...page.events);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  $('timeline-claim').textContent = claimId + ' — ' + events.length + ' events';
  const rows = events.map((e) => {
    const status = el('td', { class: 'proof', 'data-proof': 'checking' }, 'checking…');
    const row = el(
      'tr',
      { 'data-index': e.index, 'data-type': e.type },
      el('td', {}, e.index),
      el('td', {}, e.time),
      el('td', {}, e.agency),
      el('td', {}, e.type),
      el('td', {}, describe(e)),
      el('td', {}, el('code', { class: 'hash', title: 'chain hash' }, e.hash)),
      status,
    );
    return { row, status, index: e.index };
  });
  $('timeline').replaceChildren(...rows.map((r) => r.row));
  $('timeline-section').hidden = false;
  const checkpoint = await latestCheckpoint();
  $('checkpoint').textContent = checkpoint
    ? 'Proofs against the latest checkpoint: ' + checkpoint.origin + ', tree size ' + checkpoint.size + ' (its signature is checked by Verify).'
    : 'No checkpoint yet: every entry is pending.';
  for (const r of rows) {
    let result;
    try {
      result = await inclusion(r.index, checkpoint);
    } catch (e) {
      result = 'error';
    }
    r.status.dataset.proof = result;
    r.status.textContent = result;
  }
}

// ---- the person-year as known at a time ------------------------------------------------------------

/** A datetime-local value (the browser's local time) as an ISO-8601 instant. */
const instant = (local) => (local ? new Date(local).toISOString() : undefined);

async function ledger() {
  const region = $('region').value.trim();
  const person = $('person').value.trim();
  const year = $('year').value.trim();
  if (!region || !person || !year) return;
  if (!$('report-region').value) $('report-region').value = region;
  if (!$('report-year').value) $('report-year').value = year;
  const asOf = instant($('as-of').value);
  const answer = await api('GET', '/ledgers/' + seg(region) + '/' + seg(person) + '/' + seg(year) + '?' + q({ asOf }));
  $('ledger-as-of').textContent = answer.asOf;
  $('ledger-payers').replaceChildren(
    ...PAYERS.filter((p) => answer.payers[p]).map((p) =>
      el(
        'tr',
        { 'data-payer': p },
        el('td', {}, PAYER_NAMES[p]),
        el('td', {}, answer.payers[p].revision),
        el('td', {}, answer.payers[p].decidedAt),
        el('td', { class: 'amount' }, answer.payers[p].paid),
      ),
    ),
  );
  $('ledger-claims').replaceChildren(
    ...answer.claims.map((c) =>
      el(
        'tr',
        { 'data-claim': c.claimId },
        el('td', {}, c.claimId),
        el('td', {}, c.version),
        el('td', {}, c.status),
        ...PAYERS.map((p) => el('td', { class: 'amount', 'data-payer': p }, c[p])),
      ),
    ),
  );
  $('ledger-section').hidden = false;
  showProblem(null);
}

// ---- verify, flags ---------------------------------------------------------------------------------

async function verify() {
  $('verify-result').textContent = 'verifying…';
  const r = await api('POST', '/verify');
  $('verify-result').replaceChildren(
    el('span', { class: r.ok ? 'ok' : 'broken', 'data-ok': String(r.ok) }, r.ok ? 'ok' : 'BROKEN'),
    ' — ' + r.events + ' events, ' + r.checkpoints + ' checkpoints, head ' + short(r.head),
    r.brokenAt ? ' — first broken entry ' + JSON.stringify(r.brokenAt) : '',
    r.brokenCheckpoint ? ' — broken checkpoint ' + JSON.stringify(r.brokenCheckpoint) : '',
  );
}

let flagCursor = null;

async function flags(more) {
  const type = $('flag-type').value;
  const limit = $('flag-page').value.trim() || '20';
  const page = await api('GET', '/flags?' + q({ type, limit, cursor: more ? flagCursor : undefined }));
  const select = $('flag-type');
  if (select.options.length === 1)
    for (const t of Object.keys(page.counts).sort()) select.append(el('option', { value: t }, t));
  $('flag-counts').textContent = Object.entries(page.counts)
    .map(([t, n]) => t + ' ' + n)
    .join(' · ') || 'No flags.';
  const rows = page.flags.map((f) =>
    el(
      'tr',
      { 'data-type': f.type, 'data-person': f.personId },
      el('td', {}, f.type, el('br'), el('span', { class: 'muted' }, f.category)),
      el('td', {}, f.personId),
      el('td', {}, f.claimIds.join(', ')),
      el('td', {}, f.detail),
      el('td', {}, f.evidence.map((e) => el('div', { class: 'evidence' }, el('code', { title: e.eventId }, short(e.eventId)), ' #' + e.seq + ' ' + e.time))),
    ),
  );
  if (more) $('flags').append(...rows);
  else $('flags').replaceChildren(...rows);
  flagCursor = page.nextCursor;
  $('more-flags').hidden = !flagCursor;
}

// ---- reports and charts ----------------------------------------------------------------------------

// Heights only: amounts stay the API's two-decimal strings wherever they are shown.
const value = (amount) => Number.parseFloat(amount);

function legend(payers, x, y) {
  return payers.map((p, i) =>
    svg('g', {}, svg('rect', { x: x + i * 150, y, width: 10, height: 10, class: 'bar-' + p }), svg('text', { x: x + i * 150 + 14, y: y + 9 }, PAYER_NAMES[p])),
  );
}

function empty(box, what) {
  box.replaceChildren(svg('svg', { viewBox: '0 0 600 60', role: 'img', 'data-empty': 'true' }, svg('text', { x: 20, y: 35 }, what)));
}

/** Grouped bars: for each month, one bar per payer of its net (settled + 补付 + 追回), from a zero line. */
function paymentsChart(box, report) {
  const months = [...new Set(report.months.map((m) => m.month))].sort();
  if (months.length === 0) return empty(box, 'No payments in this region-year.');
  const W = 600;
  const H = 260;
  const top = 30;
  const bottom = 30;
  const left = 70;
  const values = report.months.map((m) => value(m.net));
  const hi = Math.max(0, ...values);
  const lo = Math.min(0, ...values);
  const span = hi - lo || 1;
  const y = (v) => top + ((hi - v) / span) * (H - top - bottom);
  const group = (W - left - 10) / months.length;
  const bar = Math.min(40, (group - 10) / PAYERS.length);
  const bars = report.months.map((m) => {
    const x = left + months.indexOf(m.month) * group + 5 + PAYERS.indexOf(m.payer) * bar;
    const v = value(m.net);
    return svg(
      'rect',
      { x, y: Math.min(y(v), y(0)), width: bar - 2, height: Math.max(1, Math.abs(y(v) - y(0))), class: 'bar-' + m.payer, 'data-payer': m.payer, 'data-month': m.month, 'data-value': m.net },
      svg('title', {}, PAYER_NAMES[m.payer] + ' ' + m.month + ': ' + m.net + ' (settled ' + m.settled + ', adjustments ' + m.adjustments + ')'),
    );
  });
  box.replaceChildren(
    svg(
      'svg',
      { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'payments per payer per month' },
      svg('line', { x1: left, x2: W - 5, y1: y(0), y2: y(0), class: 'axis' }),
      svg('line', { x1: left, x2: left, y1: top, y2: H - bottom, class: 'axis' }),
      svg('text', { x: left - 6, y: y(hi) + 4, 'text-anchor': 'end' }, hi.toFixed(0)),
      svg('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end' }, '0'),
      lo < 0 ? svg('text', { x: left - 6, y: y(lo) + 4, 'text-anchor': 'end' }, lo.toFixed(0)) : null,
      months.map((m, i) => svg('text', { x: left + i * group + group / 2, y: H - 10, 'text-anchor': 'middle' }, m)),
      bars,
      legend(PAYERS, left, 8),
    ),
  );
}

/** Horizontal bars: each payer's adjustments by reason code, 补付 to the right of zero, 追回 to the left. */
function adjustmentsChart(box, report) {
  const rows = [];
  for (const p of PAYERS) for (const [reason, r] of Object.entries(report.adjustmentsByReason[p] || {})) rows.push({ payer: p, reason, ...r });
  if (rows.length === 0) return empty(box, 'No adjustments in this region-year.');
  const W = 600;
  const rowH = 24;
  const top = 28;
  const left = 190;
  const H = top + rows.length * rowH + 10;
  const values = rows.flatMap((r) => [value(r.topUps), value(r.clawBacks)]);
  const hi = Math.max(0, ...values);
  const lo = Math.min(0, ...values);
  const span = hi - lo || 1;
  const x = (v) => left + ((v - lo) / span) * (W - left - 20);
  const bars = rows.flatMap((r, i) => {
    const yy = top + i * rowH;
    const label = svg('text', { x: left - 8, y: yy + 15, 'text-anchor': 'end' }, PAYER_NAMES[r.payer].split(' ')[0] + ' ' + r.reason);
    const parts = [
      ['topUps', value(r.topUps)],
      ['clawBacks', value(r.clawBacks)],
    ]
      .filter(([, v]) => v !== 0)
      .map(([kind, v]) =>
        svg(
          'rect',
          { x: Math.min(x(v), x(0)), y: yy + 3, width: Math.max(1, Math.abs(x(v) - x(0))), height: rowH - 8, class: 'bar-' + r.payer, 'data-payer': r.payer, 'data-reason': r.reason, 'data-kind': kind, 'data-value': r[kind] },
          svg('title', {}, PAYER_NAMES[r.payer] + ' ' + r.reason + ': ' + r.count + ' adjustments, 补付 ' + r.topUps + ', 追回 ' + r.clawBacks),
        ),
      );
    return [label, ...parts];
  });
  box.replaceChildren(
    svg(
      'svg',
      { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'adjustments by reason' },
      svg('line', { x1: x(0), x2: x(0), y1: top - 4, y2: H - 6, class: 'axis' }),
      svg('text', { x: x(0), y: top - 8, 'text-anchor': 'middle' }, '0'),
      lo < 0 ? svg('text', { x: x(lo), y: top - 8, 'text-anchor': 'start' }, lo.toFixed(0)) : null,
      hi > 0 ? svg('text', { x: x(hi), y: top - 8, 'text-anchor': 'end' }, hi.toFixed(0)) : null,
      bars,
    ),
  );
}

function summary(s) {
  const item = (term, ...desc) => [el('dt', {}, term), el('dd', {}, ...desc)];
  const basic = s.benefits.basic;
  const ci = s.benefits.criticalIllness;
  const assistance = s.benefits.assistance;
  const levels = (table) => ['1', '2', '3'].map((l) => 'level ' + l + ': 起付线 ' + table[l].deductible + ', ' + table[l].rate).join('; ');
  $('summary').replaceChildren(
    ...item(
      '筹资标准 funding',
      s.funding
        ? '大病 ' + s.funding.criticalIllnessPerCapita + ' a person (' + s.funding.priorYearBasicPerCapita + ' × ' + s.funding.fundingRate + '), premium ' + s.funding.criticalIllnessPremium + ' for ' + s.funding.insured + ' insured (contract revision ' + s.funding.contractRevision + ')'
        : 'no 大病 contract yet',
    ),
    ...item('paid', PAYERS.map((p) => PAYER_NAMES[p] + ' ' + s.paid[p]).join(' · ') + ' · total ' + s.paid.total),
    ...item('claims', s.claims + ' (' + s.reversedClaims + ' reversed), ' + s.personYears + ' person-years'),
    ...item('settlement', s.settlement.averageMs === null ? 'none settled' : (s.settlement.averageMs / 1000).toFixed(1) + ' s on average over ' + s.settlement.claims + ' claims'),
    ...(basic ? item('basic (rev. ' + basic.revision + ')', 'cap ' + basic.annualCap + '; inpatient ' + levels(basic.inpatient)) : item('basic', 'no policy')),
    ...(ci ? item('大病 (rev. ' + ci.revision + ')', '起付线 ' + ci.threshold + '; bands ' + ci.bands.map((b) => (b.upTo ? '≤' + b.upTo : 'above') + ' ' + b.rate).join(', ') + '; cap ' + (ci.annualCap ?? 'none')) : item('大病', 'no policy')),
    ...(assistance ? item('assistance (rev. ' + assistance.revision + ')', Object.entries(assistance.categories).map(([c, t]) => c + ' 起付线 ' + t.threshold + (t.annualCap ? ', cap ' + t.annualCap : '')).join('; ')) : item('assistance', 'no policy')),
  );
}

async function reports() {
  const region = seg($('report-region').value);
  const year = seg($('report-year').value);
  if (!region || !year) return;
  const [payments, overview] = await Promise.all([
    api('GET', '/reports/payments/' + region + '/' + year),
    api('GET', '/reports/summary/' + region + '/' + year),
  ]);
  paymentsChart($('chart-payments'), payments);
  adjustmentsChart($('chart-adjustments'), payments);
  summary(overview);
  showProblem(null);
}

// ---- wiring ----------------------------------------------------------------------------------------

$('sign-in-form').addEventListener('submit', guarded(signIn));
$('sign-out').addEventListener('click', () => {
  signedOut();
  showProblem(null);
});
$('claim-form').addEventListener('submit', guarded(timeline));
$('person-form').addEventListener('submit', guarded(ledger));
$('as-of-form').addEventListener('submit', guarded(ledger));
$('as-of').addEventListener('change', guarded(ledger));
$('as-of-now').addEventListener(
  'click',
  guarded(async () => {
    $('as-of').value = '';
    await ledger();
  }),
);
$('verify').addEventListener('click', guarded(verify));
$('flags-form').addEventListener('submit', guarded(() => flags(false)));
$('more-flags').addEventListener('click', guarded(() => flags(true)));
$('reports-form').addEventListener('submit', guarded(reports));
if (token()) guarded(whoami)();
document.body.dataset.ready = 'true';
`;
