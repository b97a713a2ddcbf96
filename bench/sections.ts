/** Sections of bench/RESULTS.md that benchmarks other than `npm run bench` own; it keeps them. */
export const CYCLE_SECTION = "cycle-bench";
export const EVENT_LOOP_SECTION = "event-loop-bench";
export const OWNED_SECTIONS = [CYCLE_SECTION, EVENT_LOOP_SECTION] as const;
