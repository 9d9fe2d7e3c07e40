import { afterCommit, Tx } from '@msb/eventing';
import { serviceMetrics } from './service.metrics';

/** A payer's adjustment event (`BasicAdjusted`, `CriticalIllnessAdjusted`, `AssistanceAdjusted`). */
const isAdjustment = (e: { type: string; data: unknown }): e is { type: string; data: { amount: string; reason: string } } =>
  e.type.endsWith('Adjusted');

/** Count the adjustments a payer decided in `tx` once it has committed (a retried attempt counts only if it commits). */
export function countAdjustmentsOnCommit(
  tx: Tx,
  payer: string,
  decided: readonly { events: readonly { type: string; data: unknown }[] }[],
): void {
  const adjustments = decided.flatMap((d) => d.events.filter(isAdjustment).map((e) => e.data));
  if (adjustments.length > 0) afterCommit(tx, () => serviceMetrics.countAdjustments(payer, adjustments));
}
