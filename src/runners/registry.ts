// TLS failures that still prove a registry answers: Docker may trust a CA that deployer's Node does not.
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

async function ask(url: string, timeoutMs: number): Promise<{ answered: boolean; why: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.body?.cancel();
    // 200, or 401 from a registry that wants a login: both are a registry API answering.
    return { answered: res.status < 500, why: `status ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code && TLS_CODES.test(cause.code)) return { answered: true, why: cause.code };
    return { answered: false, why: cause?.message ?? (err as Error).message };
  }
}

/**
 * Why the registry's API (`/v2/`) does not answer, over https or else http, or undefined when it does.
 * Asked from deployer's machine: `docker push` runs on the engine, which is this machine unless the app
 * names a remote one.
 */
export async function registryUnreachable(registry: string, timeoutMs = 10_000): Promise<string | undefined> {
  const host = registry.split("/")[0] ?? registry;
  const https = await ask(`https://${host}/v2/`, timeoutMs);
  if (https.answered) return undefined;
  const http = await ask(`http://${host}/v2/`, timeoutMs);
  if (http.answered) return undefined;
  return `https: ${https.why}; http: ${http.why}`;
}
