import { DEAD_LETTER_TOPIC_SETTINGS, deadLetterTopic, EVENT_TOPIC_SETTINGS, TOPICS } from '@msb/contracts';
import { bus, deprovisionBus, kafkaAs, provisionBus, testBrokers, uniqueName } from '@msb/testing';
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { RequiredTopic, requireTopics } from './kafka.client';

/**
 * The start check against the real closed bus: what the admin provisions passes; a topic kept
 * seven days (Kafka's default) or with another partition count stops the service, and
 * provisioning again brings the retention back to the declaration.
 */
describe('requireTopics on the closed bus', () => {
  let admin: Admin;
  let agency: Admin;
  const prefix = uniqueName('rt').replace(/_/g, '-');
  const policies = `${prefix}.${TOPICS.assistancePolicies}`;
  const decisions = `${prefix}.${TOPICS.basicDecisions}`;
  const required = (partitions: number): RequiredTopic[] => [
    { name: policies, partitions, config: EVENT_TOPIC_SETTINGS.config },
    { name: decisions, partitions, config: EVENT_TOPIC_SETTINGS.config },
    { name: deadLetterTopic(decisions), partitions: DEAD_LETTER_TOPIC_SETTINGS.partitions, config: {} },
  ];

  beforeAll(async () => {
    await provisionBus(prefix, 2);
    admin = kafkaAs('admin', 'require-topics-test').admin();
    await admin.connect();
    // medical-assistance produces its policies, consumes basic's decisions and dead-letters them
    agency = kafkaAs('medical-assistance', 'require-topics-test').admin();
    await agency.connect();
  }, 60_000);

  afterAll(async () => {
    await agency?.disconnect();
    await admin?.disconnect();
    await deprovisionBus(prefix);
  }, 60_000);

  const retention = async (topic: string) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return resources[0].configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
  };

  it('passes the topics as provisioned: kept forever, dead letters for 30 days', async () => {
    await expect(requireTopics(agency, required(2), 'medical-assistance')).resolves.toBeUndefined();
    expect(await retention(policies)).toBe('-1');
    expect(await retention(deadLetterTopic(decisions))).toBe('2592000000');
  }, 60_000);

  it('refuses another partition count, naming the topic and what it found', async () => {
    await expect(requireTopics(agency, required(6), 'medical-assistance')).rejects.toThrow(
      `${policies} has 2 partitions, configured 6 (TOPIC_PARTITIONS)`,
    );
  }, 60_000);

  it('refuses a finite retention, and provisioning again restores the declared one', async () => {
    // as a topic made before the declaration: Kafka's default 7 days, and a setting of its own to keep
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: decisions,
          configEntries: [
            { name: 'retention.ms', value: '604800000' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
    await expect(requireTopics(agency, required(2), 'medical-assistance')).rejects.toThrow(
      `${decisions} has retention.ms=604800000, needs retention.ms=-1`,
    );
    const again = await kafkaProvision();
    expect(again.altered).toEqual([decisions]);
    expect(await retention(decisions)).toBe('-1');
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: decisions }],
      includeSynonyms: false,
    });
    expect(resources[0].configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue).toBe('2000000');
    await expect(requireTopics(agency, required(2), 'medical-assistance')).resolves.toBeUndefined();
    // idempotent: nothing left to change
    expect((await kafkaProvision()).altered).toEqual([]);
  }, 90_000);

  it('is refused by provisioning with another partition count, which it never changes', async () => {
    await expect(provisionBus(prefix, 3)).rejects.toThrow(/partitions differ from the declaration.*has 2, declared 3/);
  }, 60_000);

  const kafkaProvision = () => bus().provision({ brokers: testBrokers(), prefix, partitions: 2 });
});
