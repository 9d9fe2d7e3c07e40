import { zodProblems } from '@msb/platform';
import { claimSearchSchema, decodeCursor, encodeCursor, page, searchScope, SortKey } from './claim-search.params';

const KEY: SortKey = { receivedAt: '2024-05-01T08:30:00.123456Z', claimId: 'C-1.a_b' };

describe('the claims search cursor', () => {
  it('is base64url of the sort key and reads back as it was', () => {
    const cursor = encodeCursor(KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).toEqual([KEY.receivedAt, KEY.claimId]);
    expect(decodeCursor(cursor)).toEqual(KEY);
  });

  it('refuses what it did not give out: not base64url, not JSON, another shape, a bad time or claim id', () => {
    const of = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(decodeCursor('not a cursor!')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(of({ receivedAt: KEY.receivedAt, claimId: KEY.claimId }))).toBeUndefined();
    expect(decodeCursor(of([KEY.receivedAt]))).toBeUndefined();
    expect(decodeCursor(of(['2024-05-01T08:30:00Z', KEY.claimId]))).toBeUndefined();
    expect(decodeCursor(of(['2024-13-01T08:30:00.000000Z', KEY.claimId]))).toBeUndefined();
    expect(decodeCursor(of([KEY.receivedAt, 'a:b']))).toBeUndefined();
    expect(decodeCursor(of([KEY.receivedAt, 7]))).toBeUndefined();
  });

  it('a page of limit rows out of limit + 1 points after its last; fewer mean the end (null)', () => {
    const rows = [1, 2, 3].map((i) => ({ ...KEY, claimId: `C-${i}` }));
    const first = page(rows, 2, (r) => r);
    expect(first.items.map((r) => r.claimId)).toEqual(['C-1', 'C-2']);
    expect(decodeCursor(first.nextCursor!)).toEqual({ ...KEY, claimId: 'C-2' });
    expect(page(rows, 3, (r) => r)).toEqual({ items: rows, nextCursor: null });
    expect(page([], 50, (r: SortKey) => r)).toEqual({ items: [], nextCursor: null });
  });
});

describe('the claims search query', () => {
  const problems = (query: Record<string, unknown>) => {
    const parsed = claimSearchSchema.safeParse(query);
    return parsed.success ? [] : zodProblems(parsed.error).map((p) => p.path);
  };

  it('takes every filter, the cursor decoded and the limit as a number', () => {
    const parsed = claimSearchSchema.parse({
      personId: 'P-1',
      hospitalId: 'H-1',
      from: '2024-01-01',
      to: '2024-01-31',
      status: 'SETTLED',
      cursor: encodeCursor(KEY),
      limit: '500',
    });
    expect(parsed).toEqual({
      personId: 'P-1',
      hospitalId: 'H-1',
      from: '2024-01-01',
      to: '2024-01-31',
      status: 'SETTLED',
      cursor: KEY,
      limit: 500,
    });
    expect(claimSearchSchema.parse({})).toEqual({});
  });

  it('lists every problem at once', () => {
    expect(
      problems({ personId: '', hospitalId: 'a:b', from: '2024-02-30', to: 'x', status: 'PAID', cursor: 'zz', limit: '501', sort: 'asc' }),
    ).toEqual(expect.arrayContaining(['/personId', '/hospitalId', '/from', '/to', '/status', '/cursor', '/limit', '/sort']));
    expect(problems({ limit: '0' })).toEqual(['/limit']);
    expect(problems({ limit: '2.5' })).toEqual(['/limit']);
    expect(problems({ limit: ['1', '2'] })).toEqual(['/limit']);
    expect(problems({ from: '2024-02-01', to: '2024-01-31' })).toEqual(['/to']);
    expect(problems({ from: '2024-02-01', to: '2024-02-01' })).toEqual([]);
  });
});

describe('whose claims a caller lists', () => {
  it('a hospital its own, even without asking; another hospital is refused', () => {
    expect(searchScope({ role: 'hospital', hospital: 'H-1' }, undefined)).toEqual({ ok: true, scope: { hospitalId: 'H-1' } });
    expect(searchScope({ role: 'hospital', hospital: 'H-1' }, 'H-1')).toEqual({ ok: true, scope: { hospitalId: 'H-1' } });
    expect(searchScope({ role: 'hospital', hospital: 'H-1' }, 'H-2')).toMatchObject({ ok: false });
  });

  it('an officer its regions (every region without any), narrowed to a hospital when it asks', () => {
    expect(searchScope({ role: 'basic-officer', regions: ['440300'] }, undefined)).toEqual({ ok: true, scope: { regions: ['440300'] } });
    expect(searchScope({ role: 'basic-officer', regions: ['440300'] }, 'H-2')).toEqual({
      ok: true,
      scope: { hospitalId: 'H-2', regions: ['440300'] },
    });
    expect(searchScope({ role: 'basic-officer' }, undefined)).toEqual({ ok: true, scope: {} });
  });
});
