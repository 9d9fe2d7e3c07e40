import {
  criticalIllnessCatalogueSchema,
  criticalIllnessPolicySchema,
  fundContractSchema,
  fundSettlementRequestSchema,
} from '@msb/contracts';
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
    method: 'put',
    path: '/contracts/:region/:year',
    summary:
      "A new revision of the region-year's 大病 contract (大病保险合同): insured, per-capita basic funding, funding rate (≥ 0.05, seed 003 §二), operating cost rate, profit cap (≤ 0.05, seed 003 §五), the basic fund's share of a policy loss (If-Match for optimistic concurrency)",
    roles: ['insurer-officer'],
    body: fundContractSchema,
    responses: {
      200: '{ region, year, revision, premium }',
      400: 'invalid contract or below the seeds’ floors, every problem listed',
      409: 'stale revision',
    },
  },
  {
    method: 'get',
    path: '/contracts/:region/:year',
    summary: 'The latest revision of the 大病 contract, with the premium it makes (insured × perCapitaBasicFunding × fundingRate)',
    roles: ['insurer-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, contract, premium }', 404: 'no contract' },
  },
  {
    method: 'post',
    path: '/settlements/:region/:year',
    summary:
      'Close the 大病 fund year (年度清算) with the figures as of now: the surplus beyond the allowed profit returns to the basic fund, a declared policy loss is shared; published as critical-illness.FundSettled',
    roles: ['insurer-officer'],
    body: fundSettlementRequestSchema,
    responses: {
      201: 'the new settlement revision',
      200: 'nothing changed since the latest revision: it is answered again',
      400: 'invalid declaration',
      422: 'no contract for the region-year',
    },
  },
  {
    method: 'get',
    path: '/settlements/:region/:year',
    summary: 'The latest year-end settlement, the payments recorded after it (post-close adjustments) and every revision',
    roles: ['insurer-officer'],
    responses: { 200: '{ …latest settlement, postCloseAdjustments, history }', 404: 'not settled' },
  },
  {
    method: 'get',
    path: '/reports/fund/:region/:year',
    summary:
      'The 大病 fund account of a region-year: paid, people, claims, adjustments; premium, claims paid, operating cost, result, profit rate, allowed profit; the latest settlement and the adjustments after it. Accept: text/csv for CSV',
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
