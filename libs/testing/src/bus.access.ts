import { join } from 'node:path';
import type { Agency } from '@msb/contracts';
import { Kafka, logLevel, SASLOptions } from 'kafkajs';
import { repoRoot } from './repo-root.path';

/** Who can be on the bus: an agency, or the admin (provisioning and test clean-up only). */
export type Principal = Agency | 'admin';

interface KafkaSettings {
  brokers: string[];
  ssl: boolean;
  sasl: SASLOptions;
}

/** deploy/local/bus.js: secrets, provisioning and the ACL table as provisioned. */
export interface BusModule {
  ADMIN: 'admin';
  AGENCIES: Agency[];
  PRINCIPALS: Principal[];
  readCredentials: () => Record<Principal, string>;
  kafkaConfig: (principal: Principal, brokers: string[]) => KafkaSettings;
  agencyEnv: (agency: Agency, brokers: string[]) => Record<string, string>;
  clientConfig: (principal: Principal, brokers: string[]) => string;
  busTopics: (
    prefix?: string,
    partitions?: number,
  ) => { topic: string; numPartitions: number; configEntries: { name: string; value: string }[] }[];
  grants: () => Record<Agency, { writes: string[]; reads: string[]; groupPrefix: string }>;
  aclBindings: (prefix?: string) => unknown[];
  provision: (options: {
    brokers: string[];
    prefix?: string;
    partitions?: number;
  }) => Promise<{ topics: string[]; created: string[]; altered: string[] }>;
  deprovision: (options: { brokers: string[]; prefix: string }) => Promise<void>;
}

export function bus(): BusModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(repoRoot(), 'deploy/local/bus.js')) as BusModule;
}

/** The brokers the tests use: KAFKA_BROKERS (set by the global setup), else the local broker's port. */
export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.LOCAL_KAFKA_PORT || 19092}`).split(',');
}

/** A kafkajs client authenticated as `principal`. */
export function kafkaAs(principal: Principal, clientId = `test-${principal}`): Kafka {
  return new Kafka({ clientId, ...bus().kafkaConfig(principal, testBrokers()), logLevel: logLevel.NOTHING });
}

/** What a service process needs to reach the bus as its agency (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_SSL). */
export function agencyEnv(agency: Agency): Record<string, string> {
  return bus().agencyEnv(agency, testBrokers());
}

/** Topics and ACLs of a prefixed deployment, created by the admin before its services start. */
export async function provisionBus(prefix: string, partitions?: number): Promise<string[]> {
  return (await bus().provision({ brokers: testBrokers(), prefix, partitions })).topics;
}

/** The prefixed deployment's topics, consumer groups and ACLs removed. */
export async function deprovisionBus(prefix: string): Promise<void> {
  await bus().deprovision({ brokers: testBrokers(), prefix });
}
