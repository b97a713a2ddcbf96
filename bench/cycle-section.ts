/** The name of the section of bench/RESULTS.md that `npm run bench:cycle` owns. */
export const CYCLE_SECTION = "cycle-bench";
