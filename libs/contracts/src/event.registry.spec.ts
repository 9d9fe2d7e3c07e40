import { claimSchema } from './claim.schema';
import { decodeMessage, EVENT_TYPES, EVENT_VERSIONS, upcastEnvelope } from './event.registry';

const envelope = (type: string, version: number, data: unknown) => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  version,
  source: 'assistance',
  subject: 'P-1',
  time: '2024-06-01T08:00:00.000Z',
  correlationId: 'corr-1',
  causationId: null,
  data,
});

const GRANTS_V1 = [
  {
    grantId: 'G-1',
    personId: 'P-1',
    category: 'MINIMUM_LIVING',
    validFrom: '2024-01-01',
    validTo: '2024-12-31',
    revoked: true,
    revokedReason: 'income above the line after the household review',
    grantedAt: '2024-01-02T09:00:00.000Z',
    revokedAt: '2024-05-30T10:00:00.000Z',
  },
  {
    grantId: 'G-2',
    personId: 'P-1',
    category: 'LOW_INCOME',
    validFrom: '2024-06-01',
    revoked: false,
    grantedAt: '2024-05-30T10:00:00.000Z',
  },
];
const REVOKED_V1 = { personId: 'P-1', grantId: 'G-1', reason: 'income above the line', eligibilityRevision: 3, grants: GRANTS_V1 };

describe('assistance.eligibility: v2 carries windows only; v1 is upcast on read', () => {
  it('given a v2 change, when decoded, then it is taken as published (nothing upcast)', () => {
    const data = {
      personId: 'P-1',
      eligibilityRevision: 2,
      grantId: 'G-2',
      windows: [{ category: 'LOW_INCOME', validFrom: '2024-06-01' }],
    };

    const decoded = decodeMessage(JSON.stringify(envelope('assistance.EligibilityGranted', 2, data)));

    expect(decoded).toEqual({ ok: true, envelope: envelope('assistance.EligibilityGranted', 2, data) });
  });

  it.each([
    ['a revocation reason', { reason: 'moved away' }],
    ['the grant list', { grants: GRANTS_V1 }],
    ['an operator', { operator: 'clerk-7' }],
  ])(
    'given a v2 change that also carries %s (a producer a release ahead), when decoded, then the reader drops it and `published` keeps it',
    (_, extra) => {
      const data = { personId: 'P-1', eligibilityRevision: 2, grantId: 'G-2', windows: [], ...extra };
      const published = envelope('assistance.EligibilityRevoked', 2, data);

      const decoded = decodeMessage(JSON.stringify(published));

      expect(decoded).toEqual({
        ok: true,
        envelope: envelope('assistance.EligibilityRevoked', 2, { personId: 'P-1', eligibilityRevision: 2, grantId: 'G-2', windows: [] }),
        published,
        ignored: Object.keys(extra).map((k) => `/data/${k}`),
      });
    },
  );

  it('given a v2 window with a grant id or a revoked flag, when decoded, then the window is read without them', () => {
    for (const window of [
      { category: 'LOW_INCOME', validFrom: '2024-06-01', grantId: 'G-2' },
      { category: 'LOW_INCOME', validFrom: '2024-06-01', revoked: false },
    ]) {
      const data = { personId: 'P-1', eligibilityRevision: 2, grantId: 'G-2', windows: [window] };
      const decoded = decodeMessage(JSON.stringify(envelope('assistance.EligibilityGranted', 2, data)));
      expect(decoded.ok && decoded.envelope.data).toEqual({ ...data, windows: [{ category: 'LOW_INCOME', validFrom: '2024-06-01' }] });
      expect(decoded.ok && decoded.ignored).toEqual([`/data/windows/0/${Object.keys(window)[2]}`]);
    }
  });

  it('given a v1 revocation with the whole grant list, when decoded, then it is v2: the grant in force as a window, no reason, no revoked grant; and `published` is the v1 event', () => {
    const published = envelope('assistance.EligibilityRevoked', 1, REVOKED_V1);

    const decoded = decodeMessage(JSON.stringify(published));

    expect(decoded).toEqual({
      ok: true,
      envelope: envelope('assistance.EligibilityRevoked', 2, {
        personId: 'P-1',
        eligibilityRevision: 3,
        grantId: 'G-1',
        windows: [{ category: 'LOW_INCOME', validFrom: '2024-06-01' }],
      }),
      published,
    });
    expect(JSON.stringify(decoded.ok && decoded.envelope)).not.toMatch(/income above|revoked|MINIMUM_LIVING|grantedAt/);
  });

  it('given a v1 grant, when decoded, then its windows keep validTo and come without duplicates in date order', () => {
    const grants = [
      {
        grantId: 'G-3',
        personId: 'P-1',
        category: 'ILLNESS_POVERTY',
        validFrom: '2024-03-01',
        revoked: false,
        grantedAt: '2024-03-01T00:00:00Z',
      },
      {
        grantId: 'G-1',
        personId: 'P-1',
        category: 'MINIMUM_LIVING',
        validFrom: '2024-01-01',
        validTo: '2024-02-29',
        revoked: false,
        grantedAt: '2024-01-01T00:00:00Z',
      },
      {
        grantId: 'G-2',
        personId: 'P-1',
        category: 'MINIMUM_LIVING',
        validFrom: '2024-01-01',
        validTo: '2024-02-29',
        revoked: false,
        grantedAt: '2024-01-05T00:00:00Z',
      },
    ];

    const decoded = decodeMessage(
      JSON.stringify(envelope('assistance.EligibilityGranted', 1, { personId: 'P-1', grantId: 'G-3', eligibilityRevision: 3, grants })),
    );

    expect(decoded.ok && decoded.envelope.data).toEqual({
      personId: 'P-1',
      eligibilityRevision: 3,
      grantId: 'G-3',
      windows: [
        { category: 'MINIMUM_LIVING', validFrom: '2024-01-01', validTo: '2024-02-29' },
        { category: 'ILLNESS_POVERTY', validFrom: '2024-03-01' },
      ],
    });
  });

  it('given a v1 change without its grant list, when decoded, then it is refused as INVALID_DATA (not upcast to nothing)', () => {
    const { grants: _dropped, ...broken } = REVOKED_V1;

    expect(decodeMessage(JSON.stringify(envelope('assistance.EligibilityRevoked', 1, broken)))).toMatchObject({
      ok: false,
      reason: 'INVALID_DATA',
    });
  });

  it('given a version newer than the registry knows, when decoded, then NEWER_VERSION with the envelope (its data unread)', () => {
    const newer = envelope('assistance.EligibilityGranted', 3, { anything: 'at all' });

    expect(decodeMessage(JSON.stringify(newer))).toEqual({
      ok: false,
      reason: 'NEWER_VERSION',
      detail: "assistance.EligibilityGranted version 3 is newer than this reader's 2",
      envelope: newer,
    });
  });

  it('given a v1 change with a property v1 did not have, when decoded, then it is read without it and upcast', () => {
    const published = envelope('assistance.EligibilityRevoked', 1, { ...REVOKED_V1, office: 'district 3' });

    const decoded = decodeMessage(JSON.stringify(published));

    expect(decoded).toEqual({
      ok: true,
      envelope: envelope('assistance.EligibilityRevoked', 2, {
        personId: 'P-1',
        eligibilityRevision: 3,
        grantId: 'G-1',
        windows: [{ category: 'LOW_INCOME', validFrom: '2024-06-01' }],
      }),
      published,
      ignored: ['/data/office'],
    });
  });

  it('upcastEnvelope (what audit reads its stored log with) gives what decoding gives, and leaves a current event as it is', () => {
    const v1 = envelope('assistance.EligibilityRevoked', 1, REVOKED_V1);
    const decoded = decodeMessage(JSON.stringify(v1));
    const v2 = envelope('assistance.EligibilityGranted', 2, { personId: 'P-1', eligibilityRevision: 2, grantId: 'G-2', windows: [] });

    expect(upcastEnvelope(v1)).toEqual(decoded.ok && decoded.envelope);
    expect(upcastEnvelope(v2)).toBe(v2);
  });
});

describe('decode failures say what is wrong, never what the message said', () => {
  it('given a message that is not JSON, then the MALFORMED_JSON detail quotes none of it', () => {
    const raw = '{"claim":{"diagnosis":["C34.9"]},"category":"EXTREME_POVERTY" oops';

    const decoded = decodeMessage(raw);

    expect(decoded).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' });
    expect(!decoded.ok && decoded.detail).not.toMatch(/C34|EXTREME_POVERTY|diagnosis/);
  });

  it.each([
    ['short', 'diagnosis C34.9', 'd'],
    ['long (V8 quotes a cut)', `["C34.9", EXTREME_POVERTY ${'x'.repeat(200)}]`, 'E'],
    ['long from the start', `diagnosis C34.9 EXTREME_POVERTY ${'x'.repeat(200)}`, 'd'],
  ])('given %s text that V8 quotes in its message, then the quote is left out', (_, raw, token) => {
    const decoded = decodeMessage(raw);

    expect(decoded).toEqual({ ok: false, reason: 'MALFORMED_JSON', detail: `Unexpected token '${token}', it is not valid JSON` });
  });
});

const CLAIM = {
  claimId: 'C-1',
  personId: 'P-1',
  region: '440300',
  hospital: { id: 'H-1' },
  visitType: 'INPATIENT',
  admissionDate: '2024-03-01',
  serviceDate: '2024-03-05',
  diagnosis: ['C34.9'],
  items: [{ code: 'X1', amount: '1200.00' }],
};
const submitted = (claim: object, extra: object = {}, version = 2) => ({
  ...envelope('basic.ClaimSubmitted', version, { claim, version: 1, year: 2024 }),
  source: 'basic-insurance',
  ...extra,
});

describe('tolerant on the bus, strict over HTTP: one schema, read two ways', () => {
  it('given unknown properties in the envelope and deep in the data, when decoded, then they are dropped and named, and `published` is the message as sent', () => {
    const claim = { ...CLAIM, triage: 'red', hospital: { ...CLAIM.hospital, ward: 7 }, items: [{ ...CLAIM.items[0], lot: 'L-9' }] };
    const sent = submitted(claim, { traceparent: '00-abc-01' });

    const decoded = decodeMessage(JSON.stringify(sent));

    expect(decoded).toEqual({
      ok: true,
      envelope: submitted(CLAIM),
      published: sent,
      ignored: ['/traceparent', '/data/claim/hospital/ward', '/data/claim/items/0/lot', '/data/claim/triage'],
    });
  });

  it('given the same unknown properties in a request body, then the claim schema (HTTP) refuses every one of them', () => {
    const body = { ...CLAIM, triage: 'red', hospital: { ...CLAIM.hospital, ward: 7 } };

    const parsed = claimSchema.safeParse(body);

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.code, [...i.path, ...('keys' in i ? i.keys : [])].join('/')])).toEqual([
      ['unrecognized_keys', 'hospital/ward'],
      ['unrecognized_keys', 'triage'],
    ]);
  });

  it('given unknown properties and a broken rule, when decoded, then the rule still holds: INVALID_DATA', () => {
    const { admissionDate: _none, ...withoutAdmission } = CLAIM;

    const decoded = decodeMessage(JSON.stringify(submitted({ ...withoutAdmission, triage: 'red' })));

    expect(decoded).toMatchObject({
      ok: false,
      reason: 'INVALID_DATA',
      detail: '/claim/admissionDate: is required for an INPATIENT claim',
    });
  });

  it('given a current event without unknown properties, then there is no `published` copy and nothing ignored', () => {
    expect(decodeMessage(JSON.stringify(submitted(CLAIM)))).toEqual({ ok: true, envelope: submitted(CLAIM) });
  });

  it('given a claim event of version 1 (the hospital declared categories and its level), then it is read and upcast to the catalogue form', () => {
    const v1 = {
      ...CLAIM,
      hospital: { id: 'H-1', level: 3, inRegion: true },
      items: [{ code: 'X1', category: 'A', amount: '1200.00', ciEligible: undefined }],
    };

    const decoded = decodeMessage(JSON.stringify(submitted(v1, {}, 1)));

    expect(decoded).toMatchObject({ ok: true, envelope: { version: 2, data: { claim: CLAIM } } });
  });

  it('every type@version is read, each current one with a tolerant reader of its strict schema', () => {
    const keys = EVENT_VERSIONS.map((v) => `${v.type}@${v.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [type, spec] of Object.entries(EVENT_TYPES)) {
      expect(EVENT_VERSIONS.find((v) => v.type === type && v.current)).toMatchObject({ version: spec.version, schema: spec.schema });
    }
    expect(keys).toEqual(expect.arrayContaining(['assistance.EligibilityGranted@1', 'assistance.EligibilityRevoked@1']));
  });
});
