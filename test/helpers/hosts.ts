/** The multi-host e2e app: one built service, published on each host's own loopback port (its env's PORT). */
export const HOSTS_COMPOSE = `services:\n  web:\n    build: ./web\n    ports: ["127.0.0.1:\${PORT}:8080"]\n`;

/** What the app on 127.0.0.1:`port` serves as its version now, or undefined if it does not answer. */
export async function servedOn(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/version.txt`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}
