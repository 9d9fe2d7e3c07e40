import fc from 'fast-check';
import { z } from 'zod';
import { decodeCursor, encodeCursor, pageOf, pageOfSorted, pageRequest, readPage } from './page.cursor';
import { Problem } from './problem.details';

const idKey = z.string().regex(/^\d+$/);
const tupleKey = z.tuple([z.number().int(), z.string()]);

describe('page cursors', () => {
  it('given a key, then its cursor is base64url without padding and decodes to the same key', () => {
    const cursor = encodeCursor([3, 'é/+?']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, tupleKey)).toEqual([3, 'é/+?']);
  });

  it('given any key of the shape, then encoding and decoding give it back', () => {
    fc.assert(fc.property(fc.integer(), fc.string(), (n, s) => expect(decodeCursor(encodeCursor([n, s]), tupleKey)).toEqual([n, s])));
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['base64url of text that is not JSON', Buffer.from('{nope').toString('base64url')],
    ['a key of another shape', encodeCursor({ id: '12' })],
    ['empty', ''],
    ['too long', 'A'.repeat(1025)],
  ])('given a cursor that is %s, then it holds no key', (_what, cursor) => {
    expect(decodeCursor(cursor, idKey)).toBeUndefined();
  });
});

describe('readPage / pageRequest', () => {
  it('given nothing, then the first page of 50', () => {
    expect(readPage({}, idKey)).toEqual({ page: { limit: 50, after: undefined }, problems: [] });
  });

  it('given a limit from 1 to 500 and a cursor, then both are taken', () => {
    expect(readPage({ limit: '500', cursor: encodeCursor('41') }, idKey).page).toEqual({ limit: 500, after: '41' });
    expect(readPage({ limit: '1' }, idKey).page.limit).toBe(1);
  });

  it.each([['0'], ['501'], ['-1'], ['2.5'], ['ten'], [''], ['007'], [['10', '20']]])('given limit %j, then it is a problem', (limit) => {
    expect(readPage({ limit }, idKey).problems).toEqual([{ path: '/query/limit', message: 'must be a whole number from 1 to 500' }]);
  });

  it("given a bad limit, a bad cursor and the route's own problem, then the 400 lists all three and nothing else happens", () => {
    let thrown: unknown;
    try {
      pageRequest({ limit: '9999', cursor: 'x!' }, idKey, [{ path: '/query/type', message: 'must be one of A, B' }]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Problem);
    expect((thrown as Problem).body).toMatchObject({
      status: 400,
      detail: 'The query has 3 problems',
      errors: [
        { path: '/query/type', message: 'must be one of A, B' },
        { path: '/query/limit', message: expect.any(String) },
        { path: '/query/cursor', message: expect.any(String) },
      ],
    });
  });

  it('given limits of its own, then a route may allow fewer or more', () => {
    expect(readPage({ limit: '20' }, idKey, { defaultLimit: 5, maxLimit: 10 }).problems).toHaveLength(1);
    expect(readPage({}, idKey, { defaultLimit: 5, maxLimit: 10 }).page.limit).toBe(5);
  });
});

describe('pageOf / pageOfSorted', () => {
  const items = Array.from({ length: 7 }, (_, i) => ({ id: String(i + 1) }));
  const keyOf = (x: { id: string }) => x.id;
  const compare = (a: string, b: string) => Number(a) - Number(b);

  it('given one more item than the limit, then the page ends with a cursor at its last item', () => {
    const page = pageOf(items.slice(0, 4), { limit: 3, after: undefined }, keyOf);
    expect(page.items.map(keyOf)).toEqual(['1', '2', '3']);
    expect(decodeCursor(page.nextCursor!, idKey)).toBe('3');
  });

  it('given no more than the limit, then nextCursor is null', () => {
    expect(pageOf(items.slice(0, 3), { limit: 3, after: undefined }, keyOf).nextCursor).toBeNull();
    expect(pageOf([], { limit: 3, after: undefined }, keyOf)).toEqual({ items: [], nextCursor: null });
  });

  it('given any limit, then following nextCursor visits every item once, in order, and ends with null', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), (limit) => {
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = pageOfSorted(items, { limit, after }, keyOf, compare);
          seen.push(...page.items.map(keyOf));
          if (page.nextCursor === null) break;
          after = decodeCursor(page.nextCursor, idKey);
        }
        expect(seen).toEqual(items.map(keyOf));
      }),
    );
  });

  it('given a cursor whose item has gone, then the page starts at the next key after it', () => {
    const without4 = items.filter((x) => x.id !== '4');
    expect(pageOfSorted(without4, { limit: 2, after: '4' }, keyOf, compare).items.map(keyOf)).toEqual(['5', '6']);
    expect(pageOfSorted(items, { limit: 2, after: '7' }, keyOf, compare)).toEqual({ items: [], nextCursor: null });
  });
});
