import type { DestinationStream } from 'pino';
import { CENSOR } from './log.redaction';
import { createLogger, NestPinoLogger } from './service.logger';

/** A logger writing into memory: every line it would have written to stdout. */
function captured() {
  const lines: string[] = [];
  const stream: DestinationStream = { write: (line: string) => void lines.push(line) };
  const log = createLogger('test-service', 'trace', stream);
  return { log, lines, text: () => lines.join(''), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

// Every one of these must be absent from every log line.
const SECRETS = {
  diagnosis: 'C34.9',
  otherDiagnosis: 'F32.1',
  itemCode: 'ITEM-CHEMO-7731',
  category: 'EXTREME_POVERTY',
  lowIncome: 'LOW_INCOME',
  revokedReason: 'household income above the line after review',
  jwt: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjbGVyay03In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  bearer: 'opaque-token-5f1e2d',
  cookie: 'sid=7c9e6679',
  password: 'hunter2-hospital',
};

const CLAIM = {
  claimId: 'CL-1',
  personId: 'P-1',
  region: '440300',
  hospital: { id: 'H-1', level: 3, inRegion: true },
  visitType: 'INPATIENT',
  admissionDate: '2024-01-10',
  serviceDate: '2024-01-15',
  diagnosis: [SECRETS.diagnosis, SECRETS.otherDiagnosis],
  items: [{ code: SECRETS.itemCode, category: 'A', amount: '40000' }],
};

function expectNoSecret(text: string) {
  for (const [name, secret] of Object.entries(SECRETS)) expect({ name, found: text.includes(secret) }).toEqual({ name, found: false });
}

describe('service logger: nothing personal or secret reaches a log line', () => {
  it('a request body, logged as it came, leaves only the censor; the message and other fields stay', () => {
    const { log, text, records } = captured();

    log.info({ method: 'POST', url: '/claims', body: CLAIM }, 'request received');
    log.info({ request: { rawBody: JSON.stringify(CLAIM), payload: CLAIM, requestBody: CLAIM } }, 'raw request');

    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ service: 'test-service', msg: 'request received', url: '/claims', body: CENSOR });
    expect(records()[1]).toMatchObject({ request: { rawBody: CENSOR, payload: CENSOR, requestBody: CENSOR } });
  });

  it('diagnoses and items anywhere in an object (a claim inside an envelope inside a batch) are censored, the ids are kept', () => {
    const { log, text, records } = captured();
    const envelope = { id: 'e-1', type: 'basic.ClaimSubmitted', data: { claim: CLAIM, version: 1, year: 2024 } };

    log.warn({ batch: [{ envelope, context: { topic: 'basic.claims', partition: 0 } }] }, 'chunk failed');
    log.debug({ a: { b: { c: { d: { e: { f: { Diagnosis: [SECRETS.diagnosis], ITEMS: CLAIM.items } } } } } } }, 'deep');

    expectNoSecret(text());
    const [first] = records() as { batch: { envelope: { data: { claim: Record<string, unknown> } } }[] }[];
    expect(first.batch[0].envelope.data.claim).toMatchObject({ claimId: 'CL-1', personId: 'P-1', diagnosis: CENSOR, items: CENSOR });
  });

  it('eligibility categories, grants, windows and revocation reasons are censored as fields and cut out of texts', () => {
    const { log, text } = captured();
    const grant = {
      grantId: 'G-1',
      personId: 'P-1',
      category: SECRETS.category,
      validFrom: '2024-01-01',
      revoked: true,
      revokedReason: SECRETS.revokedReason,
    };

    log.info(
      { data: { personId: 'P-1', grants: [grant], windows: [{ category: SECRETS.lowIncome, validFrom: '2024-01-01' }] } },
      'eligibility',
    );
    log.info(
      { decision: { assistanceCategory: SECRETS.category, categories: [SECRETS.lowIncome] }, eligibility: { revision: 2 } },
      'decided',
    );
    log.info({ grant }, `person P-1 is ${SECRETS.category} since 2024-01-01`);
    log.info({ note: `tilt for ${SECRETS.lowIncome}` }, 'note');

    expectNoSecret(text());
    expect(text()).toContain('person P-1 is [REDACTED] since 2024-01-01');
  });

  it('authorization headers, cookies and tokens are censored whatever their spelling, and bearer tokens and JWTs are cut out of texts', () => {
    const { log, text, records } = captured();

    log.info(
      {
        req: {
          headers: {
            Authorization: `Bearer ${SECRETS.jwt}`,
            'proxy-authorization': `Basic ${SECRETS.bearer}`,
            Cookie: SECRETS.cookie,
            'set-cookie': [SECRETS.cookie],
            'x-correlation-id': 'corr-1',
          },
        },
        access_token: SECRETS.bearer,
        credentials: { password: SECRETS.password, clientSecret: SECRETS.password, token: SECRETS.jwt },
      },
      'request',
    );
    log.info(`calling with Bearer ${SECRETS.bearer}`);
    log.info({ detail: `token was ${SECRETS.jwt}` }, 'token %s', SECRETS.jwt);

    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ req: { headers: { Authorization: CENSOR, 'x-correlation-id': 'corr-1' } } });
  });

  it('errors are serialised with their type, message and stack, and redacted: own fields, causes, message texts', () => {
    const { log, text, records } = captured();
    const cause = Object.assign(new Error(`grant for ${SECRETS.category} refused`), { grants: [{ revokedReason: SECRETS.revokedReason }] });
    const error = Object.assign(new TypeError(`request with Bearer ${SECRETS.bearer} failed`, { cause }), {
      body: CLAIM,
      response: { headers: { authorization: `Bearer ${SECRETS.jwt}` } },
    });

    log.error({ err: error }, 'unhandled error');
    log.error(error);
    log.warn({ nested: { failure: error } }, 'nested error');

    expectNoSecret(text());
    const [first, second] = records() as { err: Record<string, unknown> }[];
    expect(first.err).toMatchObject({ type: 'TypeError', body: CENSOR, message: expect.stringContaining('Bearer [REDACTED]') });
    expect(String(first.err.stack)).toContain('TypeError');
    expect(second).toMatchObject({ msg: expect.stringContaining('failed'), err: { type: 'TypeError', body: CENSOR } });
  });

  it('child bindings and Nest messages are redacted too', () => {
    const { log, text, records } = captured();

    log.child({ component: 'consumer', grants: [{ category: SECRETS.category }] }).info('child line');
    log
      .child({ component: 'relay' })
      .child({ batch: { claim: CLAIM } })
      .warn('grandchild line');
    new NestPinoLogger(log).error(`failed on ${SECRETS.category}`, `Error: at Bearer ${SECRETS.bearer}`, 'Router');

    expectNoSecret(text());
    expect(records()[0]).toMatchObject({ component: 'consumer', grants: CENSOR, msg: 'child line' });
    expect(records()[1]).toMatchObject({ component: 'relay', batch: { claim: { claimId: 'CL-1', diagnosis: CENSOR } } });
    expect(records()[2]).toMatchObject({ context: 'Router', msg: 'failed on [REDACTED]' });
  });

  it('redacting leaves the logged object itself untouched, and a cycle does not stop the line', () => {
    const { log, text } = captured();
    const body = { ...CLAIM };
    const looped: Record<string, unknown> = { claimId: 'CL-1', body };
    looped.self = looped;

    log.info(looped, 'loop');

    expectNoSecret(text());
    expect(looped.body).toBe(body);
    expect(body.diagnosis).toEqual([SECRETS.diagnosis, SECRETS.otherDiagnosis]);
    expect(text()).toContain('[Circular]');
  });
});
