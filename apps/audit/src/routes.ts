import { whatIfRequestSchema } from '@msb/contracts';
import { PAGE_QUERY, type RouteDoc } from '@msb/platform';
import { WHAT_IF_ROLES } from './what-if/what-if.rules';

/** Every authenticated role but the metrics scraper's and basic's own service token: the public summary (信息公开). */
const ANY_PERSON = ['auditor', 'hospital', 'basic-officer', 'insurer-officer', 'civil-affairs-officer', 'operator'] as const;

export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/claims/:claimId/history',
    summary: 'Every event about a claim from every agency, in order, with agency, amounts, reason, causation and hash, a page at a time',
    roles: ['auditor'],
    query: PAGE_QUERY,
    responses: { 200: '{ claimId, events, nextCursor }', 400: 'a bad limit or cursor', 404: 'no event about the claim' },
  },
  {
    method: 'get',
    path: '/ledgers/:region/:personId/:year',
    summary: 'What each payer had paid for the person-year as known at a time',
    roles: ['auditor'],
    query: { asOf: 'ISO-8601 time (default: now)' },
    responses: { 200: 'ledger as of the time', 400: 'bad asOf', 404: 'nothing decided by then' },
  },
  {
    method: 'post',
    path: '/verify',
    summary: 'Recompute the hash chains and Merkle checkpoints: { ok, events, head, checkpoints, brokenAt?, brokenCheckpoint? }',
    roles: ['auditor'],
    responses: { 200: 'result' },
  },
  {
    method: 'post',
    path: '/replays',
    summary: "Re-derive every decision from the recorded facts with today's rules: { events, decisions, differences }",
    roles: ['auditor'],
    responses: { 200: 'replay report' },
  },
  {
    method: 'get',
    path: '/flags',
    summary: 'Fraud and integrity flags with their evidence (event ids), a page at a time (counts are of every flag)',
    roles: ['auditor'],
    query: { type: 'a rule code, e.g. SPLIT_ADMISSION', ...PAGE_QUERY },
    responses: { 200: '{ thresholds, counts, flags, nextCursor }', 400: 'unknown type, a bad limit or cursor (every problem listed)' },
  },
  {
    method: 'get',
    path: '/head',
    summary: 'The stored head of the log (per-partition chains folded)',
    roles: ['auditor'],
    responses: { 200: '{ head, events }' },
  },
  {
    method: 'get',
    path: '/checkpoints',
    summary: 'The latest Merkle checkpoints (RFC 6962) with their time and signed note',
    roles: ['auditor'],
    responses: { 200: 'checkpoints' },
  },
  {
    method: 'post',
    path: '/checkpoints',
    summary: 'Take a Merkle checkpoint now',
    roles: ['auditor'],
    responses: { 200: 'the checkpoint' },
  },
  {
    method: 'get',
    path: '/checkpoint',
    summary: 'The latest checkpoint as a C2SP signed note (tlog-checkpoint: origin, tree size, base64 root hash, signature), text/plain',
    roles: 'public',
    responses: { 200: 'the signed note', 404: 'no checkpoint yet' },
  },
  {
    method: 'get',
    path: '/checkpoint/key',
    summary: 'The verifier key of the checkpoints in signed-note form, <name>+<key ID>+<base64 key>, text/plain',
    roles: 'public',
    responses: { 200: 'the verifier key' },
  },
  {
    method: 'get',
    path: '/entries/:index',
    summary:
      'An entry of the log: { index, topic, partition, offset, event, leafHash = SHA-256(0x00 ‖ JCS({ topic, partition, offset, event })) }',
    roles: ['auditor'],
    responses: { 200: 'the entry', 400: 'bad index', 404: 'no such entry' },
  },
  {
    method: 'get',
    path: '/proofs/inclusion',
    summary: 'RFC 9162 inclusion path of entry index in the tree of size leaves: { index, size, inclusionPath }',
    query: { index: 'leaf index', size: 'tree size, at most the latest checkpoint' },
    roles: ['auditor'],
    responses: { 200: 'the proof', 400: 'bad index or size' },
  },
  {
    method: 'get',
    path: '/proofs/consistency',
    summary: 'RFC 9162 consistency path from the tree of from leaves to the tree of to leaves: { from, to, consistencyPath }',
    query: { from: 'the smaller tree size (1 or more)', to: 'the larger tree size, at most the latest checkpoint' },
    roles: ['auditor'],
    responses: { 200: 'the proof', 400: 'bad sizes' },
  },
  {
    method: 'get',
    path: '/reports/payments/:region/:year',
    summary:
      "Payments per payer per month (settled, 补付, 追回, net) and adjustments by reason, from audit's log of the payers' decisions; CSV with Accept: text/csv",
    roles: ['auditor'],
    responses: { 200: '{ region, year, totals, adjustmentsByReason, months }', 400: 'bad region or year' },
  },
  {
    method: 'get',
    path: '/reports/summary/:region/:year',
    summary:
      'The public summary of a region-year: 筹资标准 (funding), 待遇水平 (policies in force), paid per payer, claims, person-years, mean settlement time (ms); CSV with Accept: text/csv',
    roles: ANY_PERSON,
    responses: {
      200: '{ region, year, funding, benefits, paid, claims, reversedClaims, personYears, settlement }',
      400: 'bad region or year',
    },
  },
  {
    method: 'get',
    path: '/console',
    summary: 'The auditor console: a static page (HTML) whose data calls carry the token the auditor signs in with',
    roles: 'public',
    responses: { 200: 'text/html' },
  },
  {
    method: 'get',
    path: '/console/console.js',
    summary: "The console's script (an ES module)",
    roles: 'public',
    responses: { 200: 'text/javascript' },
  },
  { method: 'get', path: '/console/console.css', summary: "The console's style sheet", roles: 'public', responses: { 200: 'text/css' } },
  {
    method: 'post',
    path: '/what-ifs',
    summary:
      '精准测算: the region-year replayed with drafts of its policy sections (each in its payer’s PUT /policies schema; a section left out is the one in force): { region, year, personYears, current, draft, delta, byCategory, changedPersons, largestChanges, notReplayed, elapsedMs }; an officer drafts only its own section; nothing is stored or published',
    roles: WHAT_IF_ROLES,
    body: whatIfRequestSchema,
    responses: {
      200: 'the what-if',
      400: 'invalid drafts (every problem listed)',
      403: 'a section of another agency, or a region outside the officer’s',
      422: 'no basic policy or catalogue in force',
    },
  },
];
