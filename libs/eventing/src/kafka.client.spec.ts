import { RequiredTopic, topicProblems } from './kafka.client';

describe('topicProblems: a topic as the service needs it', () => {
  const events: RequiredTopic = { name: 'p.basic.decisions', partitions: 6, config: { 'retention.ms': '-1', 'retention.bytes': '-1' } };

  it('accepts a topic provisioned as declared', () => {
    expect(topicProblems(events, { partitions: 6, config: { 'retention.ms': '-1', 'retention.bytes': '-1', 'segment.ms': '1' } })).toEqual(
      [],
    );
  });

  it("refuses Kafka's default seven days, naming the topic, the value found and the fix", () => {
    const [problem, ...rest] = topicProblems(events, { partitions: 6, config: { 'retention.ms': '604800000', 'retention.bytes': '-1' } });
    expect(rest).toEqual([]);
    expect(problem).toContain('p.basic.decisions has retention.ms=604800000, needs retention.ms=-1');
    expect(problem).toContain('node deploy/local/infra.js provision');
    expect(problem).toContain('--entity-name p.basic.decisions --add-config retention.ms=-1');
  });

  it('refuses a retention by size, and a config it cannot see', () => {
    expect(topicProblems(events, { partitions: 6, config: { 'retention.ms': '-1', 'retention.bytes': '1073741824' } })).toEqual([
      expect.stringContaining('retention.bytes=1073741824, needs retention.bytes=-1'),
    ]);
    expect(topicProblems(events, { partitions: 6, config: {} })).toEqual([
      expect.stringContaining('retention.ms=(unset)'),
      expect.stringContaining('retention.bytes=(unset)'),
    ]);
  });

  it('refuses another partition count, and says a count is not changed in place', () => {
    const problems = topicProblems(events, { partitions: 1, config: { 'retention.ms': '-1', 'retention.bytes': '-1' } });
    expect(problems).toEqual([expect.stringContaining('p.basic.decisions has 1 partition, configured 6 (TOPIC_PARTITIONS)')]);
    expect(problems[0]).toContain('not changed in place');
  });

  it('checks only the partitions of a dead-letter topic, whose retention is finite on purpose', () => {
    const dlt: RequiredTopic = { name: 'p.basic.decisions.dlt', partitions: 1, config: {} };
    expect(topicProblems(dlt, { partitions: 1, config: { 'retention.ms': '2592000000' } })).toEqual([]);
    expect(topicProblems(dlt, { partitions: 6, config: {} })).toHaveLength(1);
  });
});
