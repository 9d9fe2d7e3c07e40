import { decodeCursor, pageOfSorted } from '@msb/platform';
import { stay, TestLog, visit } from '../analysis/test-log.spec-helper';
import { compareFlagKeys, flagKey, flagKeySchema, orderedFlags, RULE_ORDER } from './flag-order.rules';
import { DEFAULT_THRESHOLDS, Flag, fraudFlags } from './flag.rules';

/** A log with several findings: a stay billed twice (重复收费 and two stays at once), a 分解住院, and two duplicate visits. */
function findings(): Flag[] {
  const log = new TestLog();
  log.claim(visit('V-1', 'P-V', '2024-05-06', { total: '420.50' }));
  log.claim(stay('D-1', 'P-D', '2024-05-01', '2024-05-06'));
  log.claim(stay('D-2', 'P-D', '2024-05-01', '2024-05-06'));
  log.claim(stay('S-1', 'P-S', '2024-07-01', '2024-07-10', { diagnosis: ['C34.9'] }));
  log.claim(stay('S-2', 'P-S', '2024-07-18', '2024-07-28', { diagnosis: ['C34.9'] }));
  log.claim(visit('V-2', 'P-V', '2024-05-06', { total: '420.50' }));
  return fraudFlags(log.index(), DEFAULT_THRESHOLDS);
}

describe('the order of flags', () => {
  it('given findings of several rules, then integrity rules come first, then each fraud rule in its order, then by the first evidence in the log', () => {
    const ordered = orderedFlags(findings()).map((x) => x.flag);
    expect(ordered.map((f) => [f.type, f.claimIds])).toEqual([
      ['DUPLICATE_CLAIM', ['V-1', 'V-2']],
      ['DUPLICATE_CLAIM', ['D-1', 'D-2']],
      ['OVERLAPPING_STAYS', ['D-1', 'D-2']],
      ['SPLIT_ADMISSION', ['S-1', 'S-2']],
    ]);
    expect(RULE_ORDER.slice(0, 4)).toEqual([
      'CONSERVATION',
      'ASSISTANCE_BEFORE_CRITICAL_ILLNESS',
      'PAYMENT_ON_REVERSED_CLAIM',
      'ADJUSTMENTS_MISMATCH',
    ]);
  });

  it('given the same findings computed in another order, then the same list and the same keys', () => {
    const a = orderedFlags(findings());
    const b = orderedFlags([...findings()].reverse());
    expect(b).toEqual(a);
  });

  it('given two flags alike in every field, then the list holds one', () => {
    const [first] = findings();
    expect(orderedFlags([first, { ...first, evidence: [...first.evidence] }])).toHaveLength(1);
  });

  it('given flags that differ only in detail, then both are listed, in a fixed order', () => {
    const [first] = findings();
    const other = { ...first, detail: `${first.detail}!` };
    expect(orderedFlags([first, other]).map((x) => x.flag.detail)).toEqual(orderedFlags([other, first]).map((x) => x.flag.detail));
    expect(orderedFlags([first, other])).toHaveLength(2);
  });

  it('given a key, then it reads back through its cursor shape, and seqs compare as numbers (9 before 10)', () => {
    const [first] = findings();
    const key = flagKey(first);
    expect(flagKeySchema.parse(JSON.parse(JSON.stringify(key)))).toEqual(key);
    expect(compareFlagKeys([4, '9', 'f'.repeat(32)], [4, '10', '0'.repeat(32)])).toBeLessThan(0);
  });

  it('given pages of one flag, then following the cursors lists every flag once', () => {
    const all = orderedFlags(findings());
    const seen: Flag[] = [];
    let after: ReturnType<typeof flagKey> | undefined;
    for (;;) {
      const page = pageOfSorted(all, { limit: 1, after }, (x) => x.key, compareFlagKeys);
      seen.push(...page.items.map((x) => x.flag));
      if (!page.nextCursor) break;
      after = decodeCursor(page.nextCursor, flagKeySchema);
    }
    expect(seen).toEqual(all.map((x) => x.flag));
  });
});
