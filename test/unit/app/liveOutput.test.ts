import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveOutputWriter } from '../../../functions/app/liveOutput.ts';
import {
  DEFAULT_SETTINGS,
  CLOUD_STREAMING_SETTINGS,
  type Services,
} from '../../../functions/app/services.ts';
import type { StepOutput } from '../../../functions/core/runModel.ts';
import { manualClock } from '../../contracts/adapters.ts';

/**
 * How a running step's output reaches the store: coalesced, one write at a time, throttled in the
 * cloud by an interval measured on the injected clock.
 */

interface Write {
  output: StepOutput;
  done: () => void;
}

function fakeServices(settings: Services['settings'], clock = manualClock()) {
  const writes: Write[] = [];
  const services = {
    settings,
    clock,
    logger: { info() {}, warn() {}, error() {} },
    store: {
      putStepOutput: (_runId: string, _index: number, output: StepOutput) =>
        new Promise<void>((resolve) => writes.push({ output, done: resolve })),
    },
  } as unknown as Services;
  return { services, writes };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const text = (s: string) => () => ({ stdout: s });

describe('live output (local: at once)', () => {
  it('writes at once, one write in flight, the next carrying everything that arrived meanwhile', async () => {
    const { services, writes } = fakeServices(DEFAULT_SETTINGS);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('a'), 1);
    expect(writes.map((w) => w.output.stdout)).toEqual(['a']);
    writer.onOutput(text('ab'), 1);
    writer.onOutput(text('abc'), 1);
    expect(writes).toHaveLength(1);
    writes[0]!.done();
    await flush();
    expect(writes.map((w) => w.output.stdout)).toEqual(['a', 'abc']);
    writes[1]!.done();
    await writer.close();
    writer.onOutput(text('abcd'), 1);
    expect(writes).toHaveLength(2);
  });

  it('close waits for the write in flight', async () => {
    const { services, writes } = fakeServices(DEFAULT_SETTINGS);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('x'), 1);
    let closed = false;
    const closing = writer.close().then(() => {
      closed = true;
    });
    await flush();
    expect(closed).toBe(false);
    writes[0]!.done();
    await closing;
    expect(closed).toBe(true);
  });
});

describe('live output (cloud: at least every 2 s or 16 KiB)', () => {
  const cloud = { ...DEFAULT_SETTINGS, ...CLOUD_STREAMING_SETTINGS };
  // Timers are the test's; the time the writer reads is the manual clock's, moved with them.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const passes = async (clock: ReturnType<typeof manualClock>, ms: number) => {
    clock.advance(ms);
    await vi.advanceTimersByTimeAsync(ms);
  };

  it('writes the first chunk, then after 2 s, or as soon as 16 KiB wait', async () => {
    const clock = manualClock();
    const { services, writes } = fakeServices(cloud, clock);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('1'), 1);
    writes[0]!.done();
    await passes(clock, 0);
    writer.onOutput(text('12'), 1);
    await passes(clock, 1999);
    expect(writes).toHaveLength(1);
    await passes(clock, 1);
    expect(writes.map((w) => w.output.stdout)).toEqual(['1', '12']);
    writes[1]!.done();
    await passes(clock, 0);
    writer.onOutput(text('big'), 16 * 1024);
    expect(writes.map((w) => w.output.stdout)).toEqual(['1', '12', 'big']);
    writes[2]!.done();
    await writer.close();
  });

  it('writes a chunk at once when the clock has passed the interval since the last write', async () => {
    const clock = manualClock();
    const { services, writes } = fakeServices(cloud, clock);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('a'), 1);
    writes[0]!.done();
    await vi.advanceTimersByTimeAsync(0);
    clock.advance(2000);
    writer.onOutput(text('ab'), 1);
    expect(writes.map((w) => w.output.stdout)).toEqual(['a', 'ab']);
    writes[1]!.done();
    await writer.close();
  });

  it('waits only the rest of the interval, by the clock', async () => {
    const clock = manualClock();
    const { services, writes } = fakeServices(cloud, clock);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('a'), 1);
    writes[0]!.done();
    await vi.advanceTimersByTimeAsync(0);
    clock.advance(1500);
    writer.onOutput(text('ab'), 1);
    await passes(clock, 499);
    expect(writes).toHaveLength(1);
    await passes(clock, 1);
    expect(writes.map((w) => w.output.stdout)).toEqual(['a', 'ab']);
    writes[1]!.done();
    await writer.close();
  });

  it('holds a write no longer than one interval when the clock is set back', async () => {
    const clock = manualClock();
    const { services, writes } = fakeServices(cloud, clock);
    const writer = liveOutputWriter(services, 'run', 0, 0);
    writer.onOutput(text('a'), 1);
    writes[0]!.done();
    await vi.advanceTimersByTimeAsync(0);
    clock.advance(-3600_000);
    writer.onOutput(text('ab'), 1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes.map((w) => w.output.stdout)).toEqual(['a', 'ab']);
    writes[1]!.done();
    await writer.close();
  });
});
