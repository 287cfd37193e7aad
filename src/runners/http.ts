/**
 * Asks a URL once; `ok` when it answers `expect`, or any status below 500 when no status is expected.
 * `detail` says what happened either way.
 */
export async function probe(
  url: string,
  expect: number | undefined,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<{ ok: boolean; status?: number; detail: string; header: (name: string) => string | null }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual", headers });
    await res.body?.cancel();
    const ok = expect === undefined ? res.status < 500 : res.status === expect;
    const wanted = expect === undefined ? "a status below 500" : expect;
    return {
      ok,
      status: res.status,
      detail: `status ${res.status}, expected ${wanted}`,
      header: (n) => res.headers.get(n),
    };
  } catch (err) {
    return { ok: false, detail: (err as Error).message, header: () => null };
  }
}
