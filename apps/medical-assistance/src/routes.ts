import { assistancePolicySchema, grantRequestSchema, revocationSchema } from '@msb/contracts';
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
    summary: 'Revoke a grant',
    roles: ['civil-affairs-officer'],
    body: revocationSchema,
    responses: { 200: 'the grant, revoked', 404: 'unknown grant', 409: 'already revoked' },
  },
  {
    method: 'get',
    path: '/eligibility',
    summary: "A person's grants",
    roles: ['civil-affairs-officer'],
    query: { personId: 'the person' },
    responses: { 200: '{ personId, grants }', 400: 'personId missing' },
  },
  {
    method: 'get',
    path: '/ledgers/:region/:personId/:year',
    summary: 'The assistance person-year: category, base, entitlement, paid, claims',
    roles: ['civil-affairs-officer'],
    responses: { 200: 'ledger', 404: 'unknown person-year' },
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
