import { perForge } from "../config/per-forge.js";
import type { AppConfig, Config } from "../config/types.js";
import { SignatureError } from "../errors.js";
import type { ForgeAdapter, IncomingDelivery } from "../forges/types.js";

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

/** The webhook secrets the config accepts for every app without its own: `secrets` and `secret`. */
export function globalSecrets(config: Pick<Config, "secret" | "secrets">): string[] {
  return unique([...(config.secrets ?? []), config.secret]);
}

/** An app's accepted secrets: its own `secrets`/`secret`, else the global ones. */
export function appSecrets(config: Pick<Config, "secret" | "secrets">, app: AppConfig): string[] {
  const own = unique([...(app.secrets ?? []), app.secret]);
  return own.length > 0 ? own : globalSecrets(config);
}

/** Every secret a delivery from `forge` could be signed with. */
export const forgeSecrets = perForge((config, forge): string[] => {
  const apps = Object.values(config.apps).filter((a) => (a.forge ?? "github") === forge);
  return unique([...globalSecrets(config), ...apps.flatMap((a) => appSecrets(config, a))]);
});

export type Verdict = { signed: boolean; accepts: (app: AppConfig) => boolean };

/**
 * Checks a delivery's proof of origin against every secret it could carry. A proof that matches none
 * is a SignatureError (401). The verdict says which apps the proof covers: only those whose own
 * secret signed it, so one repository's secret cannot deploy another's app.
 */
export function authenticate(
  config: Config,
  adapter: ForgeAdapter,
  delivery: IncomingDelivery,
  allowUnsigned: boolean,
): Verdict {
  const candidates = forgeSecrets(config, adapter.name);
  if (candidates.length === 0) {
    if (allowUnsigned) return { signed: false, accepts: () => true };
    throw new SignatureError("the server has no webhook secret configured; set GITHUB_WEBHOOK_SECRET or `secret:`");
  }
  if (delivery.body.length === 0) throw new SignatureError("empty body cannot carry a valid signature");
  // One secret is the usual set-up: its verdict is the same for every delivery, built once.
  if (candidates.length === 1) {
    if (adapter.verify(delivery, candidates[0] as string)) return soleSecretVerdict(config, adapter.name);
    throw mismatch(adapter);
  }
  const good = new Set(candidates.filter((s) => adapter.verify(delivery, s)));
  if (good.size === 0) throw mismatch(adapter);
  return verdictFor(config, good);
}

const verdictFor = (config: Config, good: Set<string>): Verdict => ({
  signed: true,
  accepts: (app) => appSecrets(config, app).some((s) => good.has(s)),
});

const soleSecretVerdict = perForge((config, forge) => verdictFor(config, new Set(forgeSecrets(config, forge))));

const mismatch = (adapter: ForgeAdapter) =>
  new SignatureError(
    `proof of origin does not match (${adapter.expects}); check that ${adapter.name} and deployer use the same secret`,
  );

/** Whether deliveries from this forge must carry a proof of origin. */
export function requiresProof(config: Config, forge: string): boolean {
  return forgeSecrets(config, forge).length > 0;
}
