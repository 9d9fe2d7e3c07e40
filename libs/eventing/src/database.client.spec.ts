import { QueryFailedError } from 'typeorm';
import { classifyError, ConcurrencyError, isInfrastructureError } from './database.client';

/** A Postgres error as pg raises it (a DatabaseError with its SQLSTATE), wrapped as TypeORM wraps it. */
function pgError(code: string, message = `error ${code}`): QueryFailedError {
  const driverError = Object.assign(new Error(message), { code, severity: 'ERROR' });
  return new QueryFailedError('SELECT 1', [], driverError);
}

describe("classifyError: temporary failures are waited out, only the message's own are dead-lettered", () => {
  const temporary = [
    ['08000', 'connection exception'],
    ['08003', 'connection exception'],
    ['08006', 'connection exception'],
    ['08001', 'connection exception'],
    ['08P01', 'connection exception'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['40002', 'transaction rollback'],
    ['53000', 'insufficient resources'],
    ['53100', 'disk full'],
    ['53200', 'out of memory'],
    ['53300', 'too many connections'],
    ['55P03', 'lock not available'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['57014', 'statement canceled (statement_timeout)'],
    ['25P03', 'idle in transaction timeout'],
    ['3D000', 'database does not exist yet'],
  ];
  it.each(temporary)('SQLSTATE %s (%s) is temporary', (code, name) => {
    expect(classifyError(pgError(code))).toEqual({ temporary: true, reason: `SQLSTATE ${code} (${name})` });
    // as pg raises it, unwrapped
    expect(classifyError(Object.assign(new Error('x'), { code })).temporary).toBe(true);
  });

  it.each([
    ['22001', 'string too long'],
    ['22003', 'numeric out of range'],
    ['22P02', 'invalid text representation'],
    ['22P05', 'untranslatable character'],
    ['23505', 'unique violation'],
    ['23503', 'foreign key violation'],
    ['23502', 'not null violation'],
    ['23514', 'check violation'],
  ])('SQLSTATE %s (%s) is permanent: the data of the message', (code) => {
    const c = classifyError(pgError(code));
    expect(c.temporary).toBe(false);
    expect(c.reason).toMatch(code.startsWith('22') ? /data exception/ : /integrity constraint violation/);
  });

  it('waits out a database error of any other class: an operator fixes the server, a privilege or the schema', () => {
    expect(classifyError(pgError('42501'))).toEqual({ temporary: true, reason: 'SQLSTATE 42501 (unclassified database error)' });
    expect(classifyError(pgError('XX000')).temporary).toBe(true);
  });

  it.each([
    'timeout exceeded when trying to connect',
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'read ECONNRESET',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'Client has encountered a connection error and is not queryable',
    'terminating connection due to administrator command',
    'Cannot use a pool after calling end on the pool',
  ])('the pool, driver or network saying "%s" is temporary', (message) => {
    expect(classifyError(new Error(message)).temporary).toBe(true);
    expect(isInfrastructureError(new Error(message))).toBe(true);
  });

  it('a Node system error is read by its message, not taken for a SQLSTATE', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write', errno: -32 });
    expect(classifyError(epipe)).toEqual({ temporary: true, reason: 'database unreachable (EPIPE)' });
  });

  it('a stream conflict that outlived its retries is temporary', () => {
    expect(classifyError(new ConcurrencyError('stream moved')).temporary).toBe(true);
  });

  it("the handler's own validation or decision errors are permanent", () => {
    class DecisionRejected extends Error {
      override name = 'DecisionRejected';
    }
    expect(classifyError(new DecisionRejected('no policy'))).toEqual({ temporary: false, reason: 'DecisionRejected' });
    expect(classifyError(new TypeError('x is undefined')).temporary).toBe(false);
    expect(classifyError('a string').temporary).toBe(false);
  });
});
