/**
 * Worker threads for a file-only run when --workers is not given: one per core. But when there are more
 * securities than cores and so few days that the day tasks cannot be shared out evenly (3
 * securities x 1 day on 2 cores: one core idle for the last day), one per security, up to four
 * per core, so that the operating system shares the cores among them to the end. A continuous run
 * (no days) keeps one per core.
 */
export function defaultWorkers(securities: number, days: number, cores: number): number {
  if (securities <= cores || days === 0 || securities > 4 * cores) return cores;
  const tasks = securities * days;
  if (tasks % cores === 0 || Math.ceil(tasks / cores) > 4) return cores;
  return securities;
}
