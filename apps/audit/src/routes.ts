import type { RouteDoc } from '@msb/platform';

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/claims/:claimId/history', summary: 'Every event about a claim from every agency, in order, with its hash and causation', responses: { 200: 'history', 404: 'no event about the claim' } },
  { method: 'post', path: '/verify', summary: 'Recompute the hash chains end to end: { ok, events, head, brokenAt? }', responses: { 200: 'result' } },
  { method: 'get', path: '/head', summary: 'The stored head of the log', responses: { 200: '{ head, events }' } },
];
