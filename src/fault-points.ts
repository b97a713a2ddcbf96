/**
 * Named points where a test can kill the process, to prove that a crash between any two steps of
 * a cycle loses nothing and sends nothing twice (DESIGN 6). With RECOUP_FAULT_POINT unset (always,
 * outside those tests) a fault point does nothing.
 *
 * RECOUP_FAULT_POINT=<name> kills the process with SIGKILL — no cleanup, no flush, as a power cut
 * or an OOM kill would — the first time execution reaches that point.
 */
export type FaultPoint =
  | "cycle.after-resolution"
  | "cycle.after-plan"
  | "dispatch.before-commit"
  | "dispatch.after-first-batch"
  | "deliver.after-claim"
  | "deliver.after-send"
  | "schedule.after-claim";

export function faultPoint(name: FaultPoint): void {
  if (process.env.RECOUP_FAULT_POINT === name) process.kill(process.pid, "SIGKILL");
}
