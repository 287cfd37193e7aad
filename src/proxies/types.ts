import { DeployerError } from "../errors.js";
import type { RunOptions } from "../runners/exec.js";

/**
 * One app's upstream in a reverse proxy. deployer owns exactly that piece of the proxy's
 * configuration (one file, one route), and never touches the rest.
 */
export interface AppProxy {
  readonly kind: "nginx" | "caddy";
  /** Where the proxy serves the app (http://host:port), when deployer knows it; used to confirm a switch. */
  readonly url: string | undefined;
  /** The upstream (host:port) the proxy sends the app's traffic to now; undefined if deployer never set one. */
  current(opts: RunOptions): Promise<string | undefined>;
  /**
   * Points the app's traffic at `upstream` and applies it. If the proxy refuses the change, its previous
   * configuration is left in place and a ProxyError says why.
   */
  switchTo(upstream: string, opts: RunOptions): Promise<void>;
}

export class ProxyError extends DeployerError {}

/** Response header the proxy adds, naming the upstream that answered: how a switch is confirmed. */
export const UPSTREAM_HEADER = "x-deployer-upstream";
