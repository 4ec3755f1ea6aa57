/**
 * The shared empty list of a conn's rarely used lists (held control frames, flush waiters, parsed
 * events waiting behind a handler): an idle conn points at this one frozen array instead of
 * owning an empty one (measured with bench/memprobe.ts: 32 B per list per idle connection). A
 * push into it by mistake throws instead of leaking items across conns.
 */
export const NONE: never[] = Object.freeze([]) as never[];

/** Appends `x` to `list`, giving it its own array when it is still {@link NONE}; returns the list. */
export function append<T>(list: T[], x: T): T[] {
  if (list === NONE) return [x];
  list.push(x);
  return list;
}
