import type { RouteDoc } from '@msb/platform';

export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/claims/:claimId/history',
    summary: 'Every event about a claim from every agency, in order, with agency, amounts, reason, causation and hash',
    roles: ['auditor'],
    responses: { 200: 'history', 404: 'no event about the claim' },
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
    summary: 'Fraud and integrity flags with their evidence (event ids)',
    roles: ['auditor'],
    query: { type: 'a rule code, e.g. SPLIT_ADMISSION' },
    responses: { 200: '{ thresholds, counts, flags }', 400: 'unknown type' },
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
    summary: 'The latest Merkle checkpoints (RFC 6962) with their time',
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
];
