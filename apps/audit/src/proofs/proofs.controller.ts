import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { FieldProblem, Problem, RUNTIME, ServiceRuntime } from '@msb/platform';
import { Checkpointer, leafOfRow } from '../checkpoints/checkpoint.service';
import { CheckpointSigner } from '../checkpoints/checkpoint.signer';
import { readNodes } from '../checkpoints/merkle-node.store';
import { consistencyRanges, inclusionRanges, LeafRange, nodesOf, rangeHashes } from '../checkpoints/merkle.proofs';

const TEXT = 'text/plain; charset=utf-8';

/** A non-negative decimal integer from a path or query parameter, or a problem with it. */
function count(name: string, where: 'path' | 'query', raw: string | undefined, problems: FieldProblem[]): number {
  const path = `/${where}/${name}`;
  if (raw === undefined || raw === '') problems.push({ path, message: 'is required' });
  else if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    problems.push({ path, message: 'must be a whole number, 0 or more, in decimal' });
  else return Number(raw);
  return Number.NaN;
}

function invalid(problems: FieldProblem[]): never {
  throw Problem.invalid(`The request has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
}

/**
 * What lets another agency check the log without trusting it: the latest signed checkpoint
 * (C2SP tlog-checkpoint), the key to verify it, each entry with its leaf hash, and RFC 9162
 * inclusion and consistency proofs for any tree size up to the latest checkpoint.
 */
@Controller()
export class ProofsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly checkpointer: Checkpointer,
    private readonly signer: CheckpointSigner,
  ) {}

  @Get('checkpoint')
  @Header('content-type', TEXT)
  async checkpoint(): Promise<string> {
    const latest = await this.checkpointer.latest();
    if (!latest) throw Problem.notFound('the log has no checkpoint yet: it is taken once the first event is recorded');
    return latest.note;
  }

  @Get('checkpoint/key')
  @Header('content-type', TEXT)
  key(): string {
    return this.signer.verifierKey;
  }

  @Get('entries/:index')
  async entry(@Param('index') rawIndex: string) {
    const problems: FieldProblem[] = [];
    const index = count('index', 'path', rawIndex, problems);
    if (problems.length) invalid(problems);
    const [row] = await this.runtime.db.query<{ topic: string; partition: number; offset: string; envelope: unknown }>(
      'SELECT topic, partition, "offset", envelope FROM audit_log WHERE leaf_index = $1',
      [index],
    );
    if (!row) throw Problem.notFound(`the log has no entry ${index}`);
    return {
      index,
      topic: row.topic,
      partition: row.partition,
      offset: Number(row.offset),
      event: row.envelope,
      leafHash: leafOfRow(row).toString('base64'),
    };
  }

  @Get('proofs/inclusion')
  async inclusion(@Query('index') rawIndex?: string, @Query('size') rawSize?: string) {
    const problems: FieldProblem[] = [];
    const index = count('index', 'query', rawIndex, problems);
    const size = count('size', 'query', rawSize, problems);
    const signedSize = await this.signedSize();
    if (size > signedSize) problems.push({ path: '/query/size', message: `is larger than the latest checkpoint (${signedSize})` });
    if (index >= size) problems.push({ path: '/query/index', message: `must be smaller than size (${size})` });
    if (problems.length) invalid(problems);
    return { index, size, inclusionPath: await this.hashes(inclusionRanges(index, size)) };
  }

  @Get('proofs/consistency')
  async consistency(@Query('from') rawFrom?: string, @Query('to') rawTo?: string) {
    const problems: FieldProblem[] = [];
    const from = count('from', 'query', rawFrom, problems);
    const to = count('to', 'query', rawTo, problems);
    const signedSize = await this.signedSize();
    if (from === 0) problems.push({ path: '/query/from', message: 'must be 1 or more: every tree extends the empty one' });
    if (to > signedSize) problems.push({ path: '/query/to', message: `is larger than the latest checkpoint (${signedSize})` });
    if (from > to) problems.push({ path: '/query/from', message: `must not be larger than to (${to})` });
    if (problems.length) invalid(problems);
    return { from, to, consistencyPath: await this.hashes(consistencyRanges(from, to)) };
  }

  /** The tree stored so far: the size of the latest checkpoint. */
  private async signedSize(): Promise<number> {
    const [row] = await this.runtime.db.query<{ size: string | null }>('SELECT max(tree_size)::text AS size FROM checkpoints');
    return Number(row?.size ?? 0);
  }

  private async hashes(ranges: LeafRange[]): Promise<string[]> {
    const nodes = await readNodes(this.runtime.db, ranges.flatMap(nodesOf));
    return rangeHashes(ranges, nodes).map((h) => h.toString('base64'));
  }
}
