import { basicCatalogueSchema, basicPolicySchema, claimSchema, hospitalRecordSchema, reversalSchema } from '@msb/contracts';
import { RouteDoc, statementRoutes } from '@msb/platform';

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
    method: 'put',
    path: '/catalogue/:region/:year',
    summary:
      "A new revision of the region-year's catalogue (医保目录): each code's category A, B or C and a B item's self-pay ratio (If-Match for optimistic concurrency); recalculates the region-year",
    roles: ['basic-officer'],
    body: basicCatalogueSchema,
    responses: { 200: '{ region, year, revision }', 400: 'invalid catalogue', 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/catalogue/:region/:year',
    summary: 'The latest revision of the catalogue',
    roles: ['basic-officer'],
    responses: { 200: '{ region, year, revision, recordedAt, catalogue }', 404: 'no catalogue' },
  },
  {
    method: 'put',
    path: '/hospitals/:hospitalId',
    summary:
      "A hospital's record in the registry (定点医疗机构): name, level, region, designated (If-Match for optimistic concurrency); recalculates its claims",
    roles: ['basic-officer'],
    body: hospitalRecordSchema,
    responses: { 200: '{ hospitalId, revision }', 400: 'invalid record', 403: "a region outside the officer's", 409: 'stale revision' },
  },
  {
    method: 'get',
    path: '/hospitals/:hospitalId/adjustments',
    summary: "Every 补付 and 追回 of every payer on the hospital's claims, in order, resumable: ?after=CURSOR&limit=N (≤ 1000)",
    roles: ['hospital', 'basic-officer'],
    responses: {
      200: '{ hospitalId, adjustments: [{ cursor, claimId, payer, version, amount, reason, at }], next }',
      403: "another hospital's",
    },
  },
  {
    method: 'get',
    path: '/hospitals/:hospitalId',
    summary: "A hospital's current record",
    roles: ['basic-officer'],
    responses: { 200: '{ hospitalId, revision, recordedAt, name, level, region, designated }', 404: 'not registered' },
  },
  {
    method: 'post',
    path: '/claims/preview',
    summary:
      'Pre-settlement (试算, 2303): the slip the claim would have if added now, status PREVIEW; 大病 and assistance give their parts; nothing recorded',
    roles: ['hospital'],
    body: claimSchema,
    responses: {
      200: '{ claimId, status: PREVIEW, total, policyScope, basic, criticalIllness?, assistance?, selfPay?, missing: [{ payer, reason }] }',
      400: 'invalid claim',
      422: 'no basic policy or catalogue; hospital not designated',
    },
  },
  {
    method: 'post',
    path: '/claims',
    summary:
      'Submit a claim for one-stop settlement; Location: /claims/{claimId}. Prefer: wait=N (RFC 7240, N ≤ 30 s) waits for the slip to be SETTLED',
    roles: ['hospital'],
    body: claimSchema,
    responses: {
      201: 'with Prefer: wait=N, the slip SETTLED within N seconds (as GET /claims/{claimId}); Preference-Applied: wait=N',
      202: '{ claimId, status }: accepted, the slip not yet SETTLED (or no Prefer: wait)',
      400: 'invalid claim',
      409: 'claimId reused with other content',
      422: 'no basic policy or catalogue for the region and year; a hospital not registered or not designated',
    },
  },
  {
    method: 'put',
    path: '/claims/:claimId',
    summary: 'Correct a claim: its next version; Location: /claims/{claimId}. Prefer: wait=N waits for that version to be SETTLED',
    roles: ['hospital'],
    body: claimSchema,
    responses: {
      201: 'with Prefer: wait=N, the slip SETTLED at the new version within N seconds; Preference-Applied: wait=N',
      202: '{ claimId, version, status }: accepted, not yet SETTLED (or no Prefer: wait)',
      400: 'invalid claim',
      404: 'unknown claim',
      409: 'reversed, or moved to another person-year',
    },
  },
  {
    method: 'post',
    path: '/claims/:claimId/reversal',
    summary:
      'Reverse (冲销) a claim: every payer pays 0 on it; Location: /claims/{claimId}. Prefer: wait=N waits for the slip to be REVERSED',
    roles: ['hospital'],
    body: reversalSchema,
    responses: {
      201: 'with Prefer: wait=N, the slip REVERSED within N seconds; Preference-Applied: wait=N',
      202: '{ claimId, status }: accepted, not yet REVERSED (or no Prefer: wait)',
      404: 'unknown claim',
      409: 'already reversed',
    },
  },
  {
    method: 'get',
    path: '/claims',
    summary:
      'Search claims, a page at a time in order of receipt: ?personId=&hospitalId=&from=&to= (days of receipt, UTC, both included)&status=PENDING|SETTLED|REVERSED&cursor=&limit= (default 50, at most 500); a hospital lists its own, an officer its regions; Accept: text/csv one row per claim',
    roles: ['hospital', 'basic-officer'],
    query: {
      personId: 'the person',
      hospitalId: "the hospital (a hospital's own by default; another's: 403)",
      from: 'first day of receipt, YYYY-MM-DD (UTC)',
      to: 'last day of receipt, YYYY-MM-DD (UTC)',
      status: 'PENDING, SETTLED or REVERSED',
      cursor: 'nextCursor of the page before',
      limit: 'claims per page, 1–500 (default 50)',
    },
    responses: {
      200: '{ items: [{ claimId, personId, region, year, version, hospitalId, serviceDate, receivedAt, status, total, policyScope, basic, criticalIllness, assistance, selfPay, outOfScope, deductiblePaid }], nextCursor }',
      400: 'every problem of the query',
      403: "another hospital's claims",
    },
  },
  {
    method: 'get',
    path: '/claims/:claimId/settlement',
    summary: 'The slip in the national platform 2304 vocabulary: { setlinfo, setldetail } (docs/NATIONAL.md)',
    roles: ['hospital', 'basic-officer'],
    responses: { 200: '{ setlinfo, setldetail }', 404: 'unknown claim' },
  },
  {
    method: 'get',
    path: '/claims/:claimId/fhir',
    summary:
      'The slip as a FHIR R4 ExplanationOfBenefit (application/fhir+json): the three coverages, item adjudications by the catalogue, totals per payer and patient, benefit balances',
    roles: ['hospital', 'basic-officer'],
    responses: { 200: 'ExplanationOfBenefit', 404: 'unknown claim' },
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
  {
    method: 'get',
    path: '/reports/fund/:region/:year',
    summary:
      "The basic fund's account of a region-year: paid, settlements, adjustments by reason; what the 大病 fund's latest year-end settlement returned (surplusReturned) and charged (basicLossShare); net = paid − surplusReturned + basicLossShare. Accept: text/csv for CSV",
    roles: ['basic-officer'],
    responses: { 200: 'fund report' },
  },
  ...statementRoutes('基本医保', 'basic-officer'),
];
