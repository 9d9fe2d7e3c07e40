/**
 * The auditor console's page: static HTML, the same for everyone (no data, no token in it).
 * Its one script and one style sheet come from this service (/console/console.js,
 * /console/console.css); every figure it shows comes from the API with the token the auditor
 * pastes, so what anyone may see is decided by the API alone. Kept as TypeScript strings so
 * that the compiled service carries them (dist/ holds only what tsc emits).
 */

/** The console's Content-Security-Policy: nothing but this origin, no inline script or style, no framing, no form posts. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>审计控制台 · Audit console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/console.js"></script>
</head>
<body>
<header>
  <h1>审计控制台 <small>audit console</small></h1>
  <p id="whoami" class="muted">Not signed in.</p>
</header>
<div id="problem" role="alert" hidden></div>
<main>
  <section id="sign-in-section">
    <h2>Sign in</h2>
    <form id="sign-in-form" autocomplete="off">
      <label>Bearer token <input id="token" type="password" spellcheck="false" autocomplete="off" placeholder="eyJ…"></label>
      <button id="sign-in" type="submit">Sign in</button>
      <button id="sign-out" type="button">Sign out</button>
    </form>
    <p class="muted">The token stays in this tab (sessionStorage) and goes only to this service, as Authorization: Bearer.</p>
  </section>

  <section id="find-section">
    <h2>Find</h2>
    <form id="claim-form" autocomplete="off">
      <label>Claim id <input id="claim-id" required></label>
      <button id="find-claim" type="submit">Timeline</button>
    </form>
    <form id="person-form" autocomplete="off">
      <label>Region <input id="region" required size="8"></label>
      <label>Person <input id="person" required></label>
      <label>Year <input id="year" required size="5" inputmode="numeric"></label>
      <button id="find-person" type="submit">Person-year</button>
    </form>
  </section>

  <section id="verify-section">
    <h2>Verify the log</h2>
    <button id="verify" type="button">Verify chains and checkpoints</button>
    <p id="verify-result" class="muted"></p>
  </section>

  <section id="timeline-section" hidden>
    <h2>Claim timeline <span id="timeline-claim" class="muted"></span></h2>
    <p id="checkpoint" class="muted"></p>
    <table>
      <thead><tr><th>#</th><th>time</th><th>agency</th><th>event</th><th>what</th><th>hash</th><th>inclusion</th></tr></thead>
      <tbody id="timeline"></tbody>
    </table>
  </section>

  <section id="ledger-section" hidden>
    <h2>Person-year as known at <span id="ledger-as-of" class="muted"></span></h2>
    <form id="as-of-form" autocomplete="off">
      <label>As of <input id="as-of" type="datetime-local" step="1"></label>
      <button id="as-of-now" type="button">Now</button>
    </form>
    <div class="pair">
      <table>
        <thead><tr><th>payer</th><th>revision</th><th>decided at</th><th>paid</th></tr></thead>
        <tbody id="ledger-payers"></tbody>
      </table>
      <table>
        <thead><tr><th>claim</th><th>version</th><th>status</th><th>basic</th><th>大病</th><th>assistance</th></tr></thead>
        <tbody id="ledger-claims"></tbody>
      </table>
    </div>
  </section>

  <section id="flags-section">
    <h2>Flags</h2>
    <form id="flags-form" autocomplete="off">
      <label>Type <select id="flag-type"><option value="">every type</option></select></label>
      <label>Per page <input id="flag-page" type="number" min="1" max="500" value="20" size="4"></label>
      <button id="load-flags" type="submit">Show flags</button>
    </form>
    <p id="flag-counts" class="muted"></p>
    <table>
      <thead><tr><th>type</th><th>person</th><th>claims</th><th>detail</th><th>evidence</th></tr></thead>
      <tbody id="flags"></tbody>
    </table>
    <button id="more-flags" type="button" hidden>More</button>
  </section>

  <section id="reports-section">
    <h2>Reports</h2>
    <form id="reports-form" autocomplete="off">
      <label>Region <input id="report-region" required size="8"></label>
      <label>Year <input id="report-year" required size="5" inputmode="numeric"></label>
      <button id="load-reports" type="submit">Show</button>
    </form>
    <div class="charts">
      <figure><figcaption>Payments per payer per month (net: settled + 补付 + 追回)</figcaption><div id="chart-payments" class="chart"></div></figure>
      <figure><figcaption>Adjustments by reason</figcaption><div id="chart-adjustments" class="chart"></div></figure>
    </div>
    <dl id="summary"></dl>
  </section>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `:root { --basic: #2f6fb3; --criticalIllness: #c2562c; --assistance: #3c8d4f; --line: #d8dde3; --muted: #5f6b76; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; color: #1d252c; background: #f6f7f9; }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; padding: .75rem 1.25rem; background: #1d2b3a; color: #fff; }
header h1 { margin: 0; font-size: 1.25rem; }
header small { font-weight: normal; opacity: .7; }
header .muted { color: #cfd8e3; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1rem; padding: 1rem 1.25rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; }
#timeline-section, #ledger-section, #reports-section, #flags-section { grid-column: 1 / -1; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
h2 { margin: 0 0 .5rem; font-size: 1.05rem; }
form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 0 0 .5rem; }
label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); gap: .15rem; }
input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid #aab4bf; border-radius: 4px; }
button { background: #2f6fb3; color: #fff; border-color: #2f6fb3; cursor: pointer; }
button[type=button] { background: #fff; color: #2f6fb3; }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .75rem; color: var(--muted); font-weight: 600; }
td.amount { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px/1.3 ui-monospace, "SFMono-Regular", Menlo, monospace; word-break: break-all; }
.muted { color: var(--muted); }
#problem { margin: 1rem 1.25rem 0; padding: .6rem 1rem; border: 1px solid #d33; background: #fdecec; color: #7a1010; border-radius: 6px; }
#problem ul { margin: .25rem 0 0; }
.proof { font-weight: 600; white-space: nowrap; }
.proof[data-proof=verified] { color: #23733a; }
.proof[data-proof=pending] { color: #8a6d00; }
.proof[data-proof=failed], .proof[data-proof=error] { color: #b3261e; }
.ok { color: #23733a; font-weight: 600; }
.broken { color: #b3261e; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1rem; }
figure { margin: 0; }
figcaption { font-size: .85rem; color: var(--muted); margin-bottom: .25rem; }
.chart svg { width: 100%; height: auto; background: #fbfcfd; border: 1px solid var(--line); border-radius: 4px; }
.chart text { font-size: 11px; fill: #3b4650; }
.chart .axis { stroke: #8793a0; stroke-width: 1; }
.bar-basic, .swatch-basic { fill: var(--basic); background: var(--basic); }
.bar-criticalIllness, .swatch-criticalIllness { fill: var(--criticalIllness); background: var(--criticalIllness); }
.bar-assistance, .swatch-assistance { fill: var(--assistance); background: var(--assistance); }
#summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .75rem 0 0; }
#summary dt { color: var(--muted); }
#summary dd { margin: 0; }
`;
