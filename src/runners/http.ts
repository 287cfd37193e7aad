/** Asks a URL once; `ok` when it answers `expect`. `detail` says what happened either way. */
export async function probe(url: string, expect: number, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.body?.cancel();
    return { ok: res.status === expect, detail: `status ${res.status}, expected ${expect}` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
