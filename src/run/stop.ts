/** A stop request shared between the main thread and workers (one Int32 in shared memory). */
export class StopFlag {
  readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer;
  }

  get requested(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }

  request(): void {
    Atomics.store(this.cell, 0, 1);
  }
}

/** Sleeps up to `ms`, waking early (within 50 ms) when a stop is requested. */
export async function sleepUnlessStopped(ms: number, stop: StopFlag): Promise<void> {
  const end = performance.now() + ms;
  while (!stop.requested) {
    const left = end - performance.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(left, 50)));
  }
}
