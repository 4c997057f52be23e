/**
 * Results by key, made once and shared by the requests that ask at the same time: at most `limit`
 * kept, the least recently asked for let go first (the dashboard of a long-lived server would
 * otherwise keep every analysis it ever made). A result that fails is not kept.
 */
export class Memo<V> {
  private readonly kept = new Map<string, Promise<V>>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.kept.size;
  }

  get(key: string, make: () => Promise<V>): Promise<V> {
    let value = this.kept.get(key);
    if (value) {
      // Asked for again: now the most recent (a Map keeps insertion order).
      this.kept.delete(key);
    } else {
      value = make();
      value.catch(() => {
        if (this.kept.get(key) === value) this.kept.delete(key);
      });
    }
    this.kept.set(key, value);
    while (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value!);
    return value;
  }
}
