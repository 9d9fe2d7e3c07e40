import { EVENT_TYPES, EventType, personKey, PersonYearRef, TopicName } from '@msb/contracts';
import type { Decider } from '@msb/settlement';
import { countAdjustmentsOnCommit } from './observability/payer.metrics';
import {
  enqueue,
  envelope,
  NewEvent,
  OutgoingMessage,
  personYearStreamId,
  Snapshot,
  SnapshotChange,
  SnapshotStore,
  Tx,
} from '@msb/eventing';

export interface CommandContext {
  correlationId?: string;
  causationId?: string | null;
}

/** A payer's person-year decider (pure, libs/settlement's shape) and what storing and publishing it needs. */
export interface PersonYearDecider<S, C extends { type: string }, E extends { type: string; data: unknown }> {
  /** "basic", "critical-illness", "assistance": the stream prefix. */
  payer: string;
  decider: Decider<S, C, E>;
  revisionOf: (state: S) => number;
  parkedOf: (state: S) => boolean;
  /** Whether the person-year holds upstream decisions that came after a gap (none: never). */
  heldOf?: (state: S) => boolean;
  /** The integration message an event becomes, if any (its envelope id becomes the stored event id). */
  toMessage: (event: E, key: PersonYearRef, now: Date, context: CommandContext) => OutgoingMessage | undefined;
}

export interface Decided<S, E> {
  key: PersonYearRef;
  before: S;
  state: S;
  events: E[];
  at: Date;
  /** Set when the decider refused this item (and `isolate` said to carry on with the others). */
  error?: unknown;
}

export interface DecisionItem<S, C> {
  key: PersonYearRef;
  snapshot: Snapshot<S> | undefined;
  command: C;
  now: Date;
  context: CommandContext;
}

/**
 * Runs a payer's person-year decider against stored person-years, in the caller's
 * transaction: lock the snapshots, decide, append the events, write the snapshots, update
 * the payer's read models (`project`) and put the integration events in the outbox.
 */
export class PersonYearRepository<S, C extends { type: string }, E extends { type: string; data: unknown }> {
  private readonly store = new SnapshotStore<S>();

  constructor(
    private readonly config: PersonYearDecider<S, C, E>,
    private readonly project: (tx: Tx, decided: Decided<S, E>[]) => Promise<void> = async () => undefined,
  ) {}

  streamId(key: PersonYearRef): string {
    return personYearStreamId(this.config.payer, key);
  }

  lock(tx: Tx, keys: PersonYearRef[]): Promise<Map<string, Snapshot<S>>> {
    return this.store.lock(
      tx,
      keys.map((k) => this.streamId(k)),
    );
  }

  lockStreams(tx: Tx, streamIds: string[]): Promise<Map<string, Snapshot<S>>> {
    return this.store.lock(tx, streamIds);
  }

  regionYearBatch(tx: Tx, region: string, year: number, cursor: string, limit: number) {
    return this.store.regionYearBatch(tx, region, year, cursor, limit);
  }

  lockRegionYearBatch(tx: Tx, region: string, year: number, cursor: string, limit: number): Promise<Snapshot<S>[]> {
    return this.store.lockRegionYearBatch(tx, region, year, cursor, limit);
  }

  /** Lock, decide and save one command. */
  async execute(tx: Tx, key: PersonYearRef, command: C, now: Date, context: CommandContext = {}): Promise<Decided<S, E>> {
    const snapshots = await this.lock(tx, [key]);
    const [decided] = await this.decideAndSave(tx, [{ key, snapshot: snapshots.get(this.streamId(key)), command, now, context }]);
    return decided;
  }

  /**
   * Decide each item on its (already locked) snapshot. Items of the same person-year are
   * applied in order, each on the state the previous one left.
   */
  async decideAndSave(tx: Tx, items: DecisionItem<S, C>[], isolate: (error: unknown) => boolean = () => false): Promise<Decided<S, E>[]> {
    const { decider, toMessage, revisionOf, parkedOf } = this.config;
    const working = new Map<string, { key: PersonYearRef; expectedVersion: number; state: S; events: E[]; stored: NewEvent[] }>();
    const outgoing: OutgoingMessage[] = [];
    const results: Decided<S, E>[] = [];
    for (const { key, snapshot, command, now, context } of items) {
      const streamId = this.streamId(key);
      let entry = working.get(streamId);
      if (!entry) {
        entry = {
          key,
          expectedVersion: snapshot?.version ?? 0,
          state: snapshot?.state ?? decider.initialState(key),
          events: [],
          stored: [],
        };
        working.set(streamId, entry);
      }
      const before = entry.state;
      let events: E[];
      try {
        events = decider.decide(command, before);
      } catch (error) {
        if (!isolate(error)) throw error;
        results.push({ key, before, state: before, events: [], at: now, error });
        continue;
      }
      const after = events.reduce(decider.evolve, before);
      for (const event of events) {
        const message = toMessage(event, key, now, context);
        if (message) outgoing.push(message);
        entry.stored.push({
          type: event.type,
          data: event.data,
          eventId: message?.envelope.id,
          metadata: {
            correlationId: message?.envelope.correlationId ?? context.correlationId ?? null,
            causationId: context.causationId ?? null,
          },
        });
      }
      entry.events.push(...events);
      entry.state = after;
      results.push({ key, before, state: after, events, at: now });
    }
    const changes: SnapshotChange<S>[] = [...working.entries()].map(([streamId, e]) => ({
      streamId,
      key: e.key,
      expectedVersion: e.expectedVersion,
      events: e.stored,
      state: e.state,
      revision: revisionOf(e.state),
      parked: parkedOf(e.state),
      held: this.config.heldOf?.(e.state) ?? false,
    }));
    await this.store.save(tx, changes);
    await this.project(
      tx,
      results.filter((r) => r.events.length > 0),
    );
    await enqueue(tx, outgoing);
    countAdjustmentsOnCommit(tx, this.config.payer, results);
    return results;
  }
}

/**
 * The message a person-year decision becomes: `type` on `topic`, keyed region:personId so
 * that one person's decisions stay in order, subject region:personId:year.
 */
export function personYearDecisionMessage(
  source: string,
  type: EventType,
  topic: TopicName,
  key: PersonYearRef,
  data: unknown,
  now: Date,
  context: CommandContext,
): OutgoingMessage {
  return {
    topic,
    key: personKey(key.region, key.personId),
    envelope: envelope({
      type,
      version: EVENT_TYPES[type].version,
      source,
      subject: `${key.region}:${key.personId}:${key.year}`,
      data,
      time: now,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
    }),
  };
}
