import { describe, expect, it } from 'vitest';
import { clientKeys, keys, TABLE_KEYS } from '../../../../functions/adapters/aws/tableLayout.ts';

/** The one table's keys (functions/adapters/aws/tableLayout.ts): the layout both the construct and the adapters read. */
describe('the table layout', () => {
  it('names the keys, the indexes and the TTL attribute the cloud table is created with', () => {
    expect(TABLE_KEYS).toEqual({
      partitionKey: 'pk',
      sortKey: 'sk',
      index: 'gsi1',
      indexPartitionKey: 'gsi1pk',
      indexSortKey: 'gsi1sk',
      runsIndex: 'gsi2',
      runsIndexPartitionKey: 'gsi2pk',
      runsIndexSortKey: 'gsi2sk',
      ttlAttribute: 'expiresAt',
    });
  });

  it('keeps a run, its steps and its outputs in one partition, steps and outputs in index order', () => {
    expect(keys.run('r1')).toEqual({ pk: 'RUN#r1', sk: 'RUN' });
    expect(keys.step('r1', 7)).toEqual({ pk: 'RUN#r1', sk: 'STEP#0007' });
    expect(keys.output('r1', 12)).toEqual({ pk: 'RUN#r1', sk: 'OUTPUT#0012' });
    const steps = [10, 2, 100, 9].map((i) => keys.step('r1', i).sk).sort();
    expect(steps).toEqual(['STEP#0002', 'STEP#0009', 'STEP#0010', 'STEP#0100']);
  });

  it('sorts a hook’s fires, runs and audit by time, then id', () => {
    expect(keys.fire('g', 'h', '2030-01-01T00:00:00.000Z', 'r')).toEqual({
      pk: keys.firesOf('g', 'h'),
      sk: '2030-01-01T00:00:00.000Z#r',
    });
    expect(keys.runsSortKey('2030-01-01T00:00:00.000Z', 'r')).toBe('2030-01-01T00:00:00.000Z#r');
    expect(keys.audit('g', 'h', 't', 'i')).toEqual({ pk: keys.auditOf('g', 'h'), sk: 't#i' });
    expect(keys.runsOf('g', 'h')).toBe('RUNS#g#h');
  });

  it('gives every kind of record its own partition prefix', () => {
    const partitions = [
      keys.hook('g', 'h').pk,
      keys.firesOf('g', 'h'),
      keys.run('r').pk,
      keys.unfinished('r').pk,
      keys.idempotency('g', 'h', 'k').pk,
      keys.auditOf('g', 'h'),
      keys.semaphore('g', 'h').pk,
      keys.queueOf('g', 'h'),
      keys.hookType('t').pk,
      clientKeys.clients,
      clientKeys.auditOf('c'),
      clientKeys.nonce('c', 'n').pk,
    ].map((pk) => pk.split('#')[0]);
    expect(new Set(partitions).size).toBe(partitions.length);
    expect(clientKeys.client('c')).toEqual({ pk: 'CLIENT', sk: 'c' });
    expect(keys.hookTypes).toBe(keys.hookType('x').pk);
  });
});
