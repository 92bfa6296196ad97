/**
 * The local stand-in for DynamoDB TTL, whichever store the stack runs on: deletes the records whose
 * `expiresAt` (epoch seconds) has passed — fires, runs, steps, outputs, idempotency keys, Hawk nonces —
 * so data lives as long locally as in the cloud table. Implemented by TtlSweeper (DynamoDB, dynalite)
 * and SqliteExpirySweeper.
 */
export interface ExpirySweeper {
  /** One pass; returns how many records were deleted. */
  sweep(): Promise<number>;
}
