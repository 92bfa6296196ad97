import type { Clock } from '../../functions/ports/clock.ts';

/** A clock that runs at real speed from a time the test chooses, and can be set or moved on at will. */
export class TestClock implements Clock {
  private base = 0;
  private realStart = 0;

  constructor(start: Date | string) {
    this.set(start);
  }

  now(): Date {
    return new Date(this.base + (Date.now() - this.realStart));
  }

  set(time: Date | string): void {
    this.base = new Date(time).getTime();
    this.realStart = Date.now();
  }

  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + ms));
  }
}
