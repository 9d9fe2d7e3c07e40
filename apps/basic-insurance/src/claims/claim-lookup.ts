import type { Tx } from '@msb/eventing';

export interface ClaimRow {
  claim_id: string;
  stream_id: string;
  region: string;
  person_id: string;
  year: number;
  version: number;
  status: 'LIVE' | 'REVERSED';
  first_hash: string;
  latest_hash: string;
}

/**
 * The claim's row in the slip read model. Not locked: the person-year's lock (taken when
 * deciding) is what serialises changes to a claim; the decider re-checks its state.
 */
export async function findClaim(tx: Tx, claimId: string): Promise<ClaimRow | undefined> {
  const [row] = await tx.query<ClaimRow>(
    'SELECT claim_id, stream_id, region, person_id, year, version, status, first_hash, latest_hash FROM claims WHERE claim_id = $1',
    [claimId],
  );
  return row;
}
