import { MAX_WAIT_SECONDS, preferredWait } from './prefer-wait';

describe('Prefer: wait=N (RFC 7240)', () => {
  it('reads the seconds of a wait preference', () => {
    expect(preferredWait('wait=10')).toBe(10);
    expect(preferredWait('wait=1')).toBe(1);
    expect(preferredWait('wait=30')).toBe(30);
  });

  it('caps a longer wait at 30 seconds, however long', () => {
    expect(MAX_WAIT_SECONDS).toBe(30);
    expect(preferredWait('wait=31')).toBe(30);
    expect(preferredWait('wait=3600')).toBe(30);
    expect(preferredWait('wait=99999999999999999999999')).toBe(30);
  });

  it('asks for no wait without the header, without a wait preference, or with wait=0', () => {
    expect(preferredWait(undefined)).toBeUndefined();
    expect(preferredWait('')).toBeUndefined();
    expect(preferredWait('respond-async')).toBeUndefined();
    expect(preferredWait('return=minimal')).toBeUndefined();
    expect(preferredWait('wait=0')).toBeUndefined();
    expect(preferredWait('wait=000')).toBeUndefined();
  });

  it('finds wait among other preferences, with whitespace around "=" and parameters after ";"', () => {
    expect(preferredWait('respond-async, wait=5')).toBe(5);
    expect(preferredWait('return=representation,wait = 7 ;foo=bar')).toBe(7);
    expect(preferredWait('  WAIT=8  ')).toBe(8);
    expect(preferredWait('Wait=9; handling=lenient')).toBe(9);
    expect(preferredWait('wait="12"')).toBe(12);
    expect(preferredWait('wait=012')).toBe(12);
  });

  it('takes several Prefer headers, as Node joins them or as a list', () => {
    expect(preferredWait('respond-async, wait=4')).toBe(4);
    expect(preferredWait(['respond-async', 'wait=4'])).toBe(4);
  });

  it('counts only the first wait (§2: later occurrences are ignored)', () => {
    expect(preferredWait('wait=3, wait=20')).toBe(3);
    expect(preferredWait('wait=abc, wait=20')).toBeUndefined();
  });

  it('ignores a wait that is not delta-seconds, never failing', () => {
    for (const header of ['wait', 'wait=', 'wait=-1', 'wait=1.5', 'wait=10s', 'wait=ten', 'wait=1e3', 'wait=" 5"', 'wait=0x10', '=5'])
      expect(preferredWait(header)).toBeUndefined();
  });

  it('does not split inside a quoted-string', () => {
    expect(preferredWait('foo="a, wait=9", wait=2')).toBe(2);
    expect(preferredWait('foo="a \\" wait=9", wait=2')).toBe(2);
    expect(preferredWait('waiting=5, await=5')).toBeUndefined();
  });

  it('survives garbage', () => {
    for (const header of ['"', ',,,', ';;;', '"unterminated, wait=5', '\u0000wait=5', 'wait==5', 'wait=5=6'])
      expect(() => preferredWait(header)).not.toThrow();
    expect(preferredWait('wait==5')).toBeUndefined();
    expect(preferredWait('"unterminated, wait=5')).toBeUndefined();
  });
});
