import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PutPolicyResult, RUNTIME, ServiceRuntime } from '@msb/platform';
import { BasicPolicies } from '../basic-policies';
import { BasicRecalculation } from '../../recalculation/basic-recalculation';
import { PutBasicPolicyCommand } from './put-policy.command';

@CommandHandler(PutBasicPolicyCommand)
export class PutBasicPolicyHandler implements ICommandHandler<PutBasicPolicyCommand, PutPolicyResult> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly policies: BasicPolicies,
    private readonly recalculation: BasicRecalculation,
  ) {}

  async execute(command: PutBasicPolicyCommand): Promise<PutPolicyResult> {
    const result = await this.runtime.db.transaction((tx) =>
      this.policies.put(tx, {
        region: command.region,
        year: command.year,
        dto: command.policy,
        expectedRevision: command.expectedRevision,
        now: command.now,
        correlationId: command.correlationId,
      }),
    );
    if (result.created) {
      this.runtime.relay.poke();
      this.recalculation.poke();
    }
    return result;
  }
}
