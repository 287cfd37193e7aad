import type { ZeroDowntime } from "../config/schema.js";
import type { ComposeService } from "../runners/compose.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/**
 * What stops the traffic service from running two containers side by side, each with the fix.
 * Pure: the resolved Compose service in, one line per problem out.
 */
export function trafficProblems(service: ComposeService | undefined, zd: ZeroDowntime): string[] {
  const fix = `ports: ["127.0.0.1::${zd.port}"]`;
  if (!service) return [`zeroDowntime.service: the compose files have no service ${zd.service}`];
  const problems: string[] = [];
  if (service.containerName) {
    problems.push(
      `service ${zd.service} sets container_name (${service.containerName}): remove it, two containers of it must run side by side`,
    );
  }
  const port = (service.ports ?? []).find((p) => p.target === zd.port);
  if (!port) {
    problems.push(`service ${zd.service} does not publish port ${zd.port}: add ${fix}`);
  } else if (port.published !== "" || !LOOPBACK.has(port.hostIp)) {
    const given = `${port.hostIp ? `${port.hostIp}:` : ""}${port.published}:${port.target}`;
    problems.push(
      `service ${zd.service} publishes ${given}: use an ephemeral loopback port, ${fix}, so old and new can run at once and only the proxy is public`,
    );
  }
  return problems;
}
