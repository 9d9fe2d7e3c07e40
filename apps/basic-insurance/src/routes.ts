import { basicPolicySchema, claimSchema, reversalSchema } from '@msb/contracts';
import type { RouteDoc } from '@msb/platform';

export const ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/policies/:region/:year',
    summary: 'A new revision of the basic section of the region-year policy (If-Match: "revision" for optimistic concurrency)',
    roles: ['basic-officer'],
    body: basicPolicySchema,
    responses: { 200: '{ region, year, revision }', 400: 'invalid policy', 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/policies/:region/:year',
    summary: 'The latest revision of the basic section',
    roles: ['basic-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, policy }', 404: 'no policy' },
  },
  {
    method: 'post',
    path: '/claims',
    summary: 'Submit a claim for one-stop settlement',
    roles: ['hospital'],
    body: claimSchema,
    responses: {
      202: '{ claimId, status }',
      400: 'invalid claim',
      409: 'claimId reused with other content',
      422: 'no basic policy for the region and year',
    },
  },
  {
    method: 'put',
    path: '/claims/:claimId',
    summary: 'Correct a claim: its next version',
    roles: ['hospital'],
    body: claimSchema,
    responses: {
      202: '{ claimId, version, status }',
      400: 'invalid claim',
      404: 'unknown claim',
      409: 'reversed, or moved to another person-year',
    },
  },
  {
    method: 'post',
    path: '/claims/:claimId/reversal',
    summary: 'Reverse (冲销) a claim: every payer pays 0 on it',
    roles: ['hospital'],
    body: reversalSchema,
    responses: { 202: '{ claimId, status }', 404: 'unknown claim', 409: 'already reversed' },
  },
  {
    method: 'get',
    path: '/claims/:claimId',
    summary: 'The one-stop slip (一站式结算单) with its adjustment history',
    roles: ['hospital', 'basic-officer'],
    responses: { 200: 'slip', 404: 'unknown claim' },
  },
  {
    method: 'get',
    path: '/ledgers/:region/:personId/:year',
    summary: 'The person-year across the three payers, with every slip',
    roles: ['basic-officer'],
    responses: { 200: '{ basic, criticalIllness, assistance, total, selfPay, claims }', 404: 'no claims' },
  },
];
