export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** Most items one batch takes. */
  maxBatch?: number;
  /** Batches running at once. */
  maxInFlight?: number;
  /** How long a batch that is not full waits for more items before it starts (Kafka's linger.ms). */
  lingerMs?: number;
}

/**
 * Group commit: requests that arrive while a batch is being written wait and go together in
 * the next one. At low load a request runs at once, alone; under load one transaction
 * carries many requests. `run` answers every item, each with its own outcome.
 */
export class Batcher<I, O> {
  private readonly queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private lingering?: NodeJS.Timeout;

  constructor(
    private readonly run: (items: I[]) => Promise<Outcome<O>[]>,
    options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.lingerMs = options.lingerMs ?? 0;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.lingerMs > 0 && this.queue.length < this.maxBatch && this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      this.lingering ??= setTimeout(() => {
        this.lingering = undefined;
        this.start();
      }, this.lingerMs);
      return;
    }
    this.start();
  }

  private start(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch.map((b) => b.item))
        .then(
          (outcomes) =>
            batch.forEach((b, i) =>
              outcomes[i].ok ? b.resolve((outcomes[i] as { value: O }).value) : b.reject((outcomes[i] as { error: unknown }).error),
            ),
          (error) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.dispatch();
        });
    }
  }
}
