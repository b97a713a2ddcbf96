/** Phase timings for results and benchmarks (wall time, not business time: that is the Clock). */
export class Stopwatch {
  private last = performance.now();

  /** Whole milliseconds since the previous lap (or since the stopwatch was made). */
  lap(): number {
    const now = performance.now();
    const elapsed = Math.round(now - this.last);
    this.last = now;
    return elapsed;
  }
}
