/**
 * The process's file size limit (`ulimit -f`) in bytes, or Infinity. Writing past it raises
 * SIGXFSZ, which kills the process before any message (a signal listener does not stop it), so
 * writers check against it first. Read from /proc on Linux; elsewhere there is no check.
 */
export const FILE_SIZE_LIMIT: number = (() => {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const m = /^Max file size\s+(\d+|unlimited)/m.exec(limits);
    return m && m[1] !== "unlimited" ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
})();
