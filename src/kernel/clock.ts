/** Virtual time in ticks (1 tick = 1 virtual ms). Components read it; only the kernel moves it. */
export interface Clock {
  now(): number;
}

/** The kernel's clock. */
export class VirtualClock implements Clock {
  private tick = 0;

  now(): number {
    return this.tick;
  }

  /** Moves time forward; time never goes back. */
  advanceTo(tick: number): void {
    if (tick < this.tick) throw new Error(`the clock cannot go back from ${this.tick} to ${tick}`);
    this.tick = tick;
  }
}
