import { criticalIllnessCatalogueSchema, criticalIllnessPolicySchema } from '@msb/contracts';
import { previewRequestSchema } from './previews/ci-preview.controller';
import { RouteDoc, statementRoutes } from '@msb/platform';

export const ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/policies/:region/:year',
    summary: 'A new revision of the 大病 section of the region-year policy',
    roles: ['insurer-officer'],
    body: criticalIllnessPolicySchema,
    responses: { 200: '{ region, year, revision }', 400: 'invalid policy', 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/policies/:region/:year',
    summary: 'The latest revision of the 大病 section',
    roles: ['insurer-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, policy }', 404: 'no policy' },
  },
  {
    method: 'put',
    path: '/catalogue/:region/:year',
    summary:
      "A new revision of 大病's catalogue of the region-year: the codes outside basic scope it admits into its base (If-Match for optimistic concurrency); recalculates the region-year",
    roles: ['insurer-officer'],
    body: criticalIllnessCatalogueSchema,
    responses: { 200: '{ region, year, revision }', 400: 'invalid catalogue', 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/catalogue/:region/:year',
    summary: "The latest revision of 大病's catalogue",
    roles: ['insurer-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, catalogue }', 404: 'no catalogue' },
  },
  {
    method: 'get',
    path: '/ledgers/:region/:personId/:year',
    summary: 'The 大病 person-year: base, threshold, tilted, entitlement, paid, claims',
    roles: ['insurer-officer'],
    responses: { 200: 'ledger', 404: 'unknown person-year' },
  },
  {
    method: 'get',
    path: '/reports/fund/:region/:year',
    summary: 'The 大病 fund account of a region-year: paid, people, claims, adjustments',
    roles: ['insurer-officer'],
    responses: { 200: 'fund report' },
  },
  ...statementRoutes('大病保险', 'insurer-officer'),

  {
    method: 'post',
    path: '/previews',
    summary: "大病's part of a preview (试算) on basic's figures sent, with 大病's own facts in force; nothing recorded",
    roles: ['settlement-service'],
    body: previewRequestSchema,
    responses: { 200: '{ policyRevision, claims }', 400: 'invalid request', 422: 'no 大病 policy yet' },
  },
];
