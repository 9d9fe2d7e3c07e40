/** A claim's row in the slip read model (table claims). */
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
