import { assistancePolicySchema, grantAmendmentSchema, grantRequestSchema, revocationSchema } from '@msb/contracts';
import { RouteDoc, statementRoutes } from '@msb/platform';
import { previewRequestSchema } from './previews/assistance-preview.controller';

export const ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/policies/:region/:year',
    summary: 'A new revision of the assistance section of the region-year policy',
    roles: ['civil-affairs-officer'],
    body: assistancePolicySchema,
    responses: { 200: '{ region, year, revision }', 400: 'invalid policy', 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/policies/:region/:year',
    summary: 'The latest revision of the assistance section',
    roles: ['civil-affairs-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, policy }', 404: 'no policy' },
  },
  {
    method: 'post',
    path: '/eligibility',
    summary: 'Grant eligibility (救助对象认定), possibly retroactive',
    roles: ['civil-affairs-officer'],
    body: grantRequestSchema,
    responses: { 201: 'the grant', 400: 'invalid grant', 409: 'grantId reused with other content' },
  },
  {
    method: 'post',
    path: '/eligibility/:grantId/revocation',
    summary:
      'Revoke a grant: with effectiveFrom (YYYY-MM-DD, on or after validFrom) it ends the day before (later claims are clawed back, earlier ones keep their assistance); without it, void from its start',
    roles: ['civil-affairs-officer'],
    body: revocationSchema,
    responses: {
      200: 'the grant, revoked (status REVOKED, validTo effectiveFrom − 1 day; or VOID)',
      400: 'every problem of the body, effectiveFrom before validFrom among them',
      404: 'unknown grant',
      409: 'already revoked or void',
    },
  },
  {
    method: 'patch',
    path: '/eligibility/:grantId',
    summary:
      'Amend a live grant: { validTo?, category? } (at least one; If-Match: "revision" for optimistic concurrency): the grant\'s next revision; assistance and 大病\'s tilt are recalculated',
    roles: ['civil-affairs-officer'],
    body: grantAmendmentSchema,
    responses: {
      200: 'the grant at its new revision (unchanged when the amendment changes nothing)',
      400: 'every problem of the body and If-Match, validTo before validFrom among them',
      404: 'unknown grant',
      409: 'revoked or void; a stale If-Match',
    },
  },
  {
    method: 'get',
    path: '/eligibility',
    summary: "A person's grants",
    roles: ['civil-affairs-officer'],
    query: { personId: 'the person' },
    responses: { 200: '{ personId, grants: [{ …, status, revision, amendedAt?, history: [...] }] }', 400: 'personId missing' },
  },
  {
    method: 'get',
    path: '/ledgers/:region/:personId/:year',
    summary: 'The assistance person-year: category, base, entitlement, paid, claims',
    roles: ['civil-affairs-officer'],
    responses: { 200: 'ledger', 404: 'unknown person-year' },
  },
  {
    method: 'get',
    path: '/reports/assistance/:region/:year',
    summary:
      'Assistance by category (分类救助) for a region-year: people, cases (claims paid > 0), paid (settlements + adjustments), people at the annual cap, and totals; Accept: text/csv gives one row per category',
    roles: ['civil-affairs-officer'],
    responses: {
      200: '{ region, year, policyRevision, categories: [...], totals }',
      400: 'bad region or year',
      403: "a region outside the officer's",
    },
  },
  ...statementRoutes('医疗救助', 'civil-affairs-officer'),

  {
    method: 'post',
    path: '/previews',
    summary: "Assistance's part of a preview (试算) on 大病's figures sent, with civil affairs' own facts in force; nothing recorded",
    roles: ['settlement-service'],
    body: previewRequestSchema,
    responses: { 200: '{ policyRevision, claims }', 400: 'invalid request', 422: 'no assistance policy yet' },
  },
];
