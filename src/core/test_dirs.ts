// Fixtures for the unit tests that work in a temporary folder.

/** Runs `fn` in a new temporary folder, removed afterwards whatever happens. */
export function withDir(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync();
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** The names of what `dir` holds, sorted. */
export const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
