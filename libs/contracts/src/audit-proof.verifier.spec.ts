import { createHash } from 'node:crypto';
import { auditLeafHash } from './audit-proof.verifier';
import { canonicalJson } from './canonical.json';

describe('canonical JSON is RFC 8785 (JCS)', () => {
  it('serialises numbers, literals and string escapes as JCS does, to the very UTF-8 bytes', () => {
    // the example of github.com/cyberphone/json-canonicalization, with its expected UTF-8 bytes
    const input = JSON.parse(String.raw`{
      "numbers": [1E30,4.50,6,2e-3,0.000000000000000000000000001],
      "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "other":  [null, true, false]
    }`);
    const bytes = Buffer.from(canonicalJson(input), 'utf8').toString('hex');
    expect(bytes).toBe(
      (
        '7b 22 65 73 63 61 70 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c ' +
        '5c 5c 5c 22 2f 22 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 31 65 2b 33 30 2c 34 2e 35 2c 36 2c 30 2e ' +
        '30 30 32 2c 31 65 2d 32 37 5d 2c 22 6f 74 68 65 72 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 ' +
        '6c 73 65 5d 7d'
      ).replace(/ /g, ''),
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3), not by code points', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const text = canonicalJson(input);
    const names = [...text.matchAll(/"[^"]*":"([^"]*)"/g)].map((m) => m[1]);
    expect(names).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });
});

describe('the leaf hash of an audit entry', () => {
  const event = { type: 'basic.ClaimSubmitted', id: '0b6f4f5e-3c2a-4d8e-9a51-6f0e2b7c1d22', data: { b: 1, a: 'x' } };

  it('is SHA-256(0x00 ‖ JCS({ topic, partition, offset, event }))', () => {
    const jcs =
      '{"event":{"data":{"a":"x","b":1},"id":"0b6f4f5e-3c2a-4d8e-9a51-6f0e2b7c1d22","type":"basic.ClaimSubmitted"},"offset":17,"partition":3,"topic":"basic.claims"}';
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(jcs, 'utf8')]))
      .digest();
    expect(auditLeafHash({ topic: 'basic.claims', partition: 3, offset: 17, event }).equals(expected)).toBe(true);
    // the members' order in the event does not matter
    const reordered = { data: { a: 'x', b: 1 }, id: event.id, type: event.type };
    expect(auditLeafHash({ topic: 'basic.claims', partition: 3, offset: 17, event: reordered }).equals(expected)).toBe(true);
  });

  it("commits the event's position: another topic, partition or offset gives another leaf", () => {
    const at = { topic: 'basic.claims', partition: 3, offset: 17, event };
    const leaf = auditLeafHash(at).toString('hex');
    for (const moved of [
      { ...at, topic: 'basic.decisions' },
      { ...at, partition: 4 },
      { ...at, offset: 18 },
      { ...at, event: { ...event, data: { a: 'y', b: 1 } } },
    ])
      expect(auditLeafHash(moved).toString('hex')).not.toBe(leaf);
    expect(() => auditLeafHash({ ...at, offset: 1.5 })).toThrow(TypeError);
  });
});
