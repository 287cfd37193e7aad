// deployer's own credentials (the webhook secret and the API token), kept in one place:
// child processes never receive them, deployment logs mask them, and the server log redacts them.

/** What a masked secret is replaced with, in deployment logs and the server log alike. */
export const REDACTED = "[redacted]";

/** Environment variables no child process receives, whatever their value. */
export const WITHHELD_ENV_NAMES: readonly string[] = Object.freeze(["GITHUB_WEBHOOK_SECRET", "DEPLOYER_API_TOKEN"]);

/** Fields pino redacts in the server log: credential headers and the config's own secret fields. */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  "req.headers.authorization",
  "req.headers['x-hub-signature-256']",
  "req.headers['x-hub-signature']",
  "req.headers['x-gitlab-token']",
  "req.headers['x-gitea-signature']",
  "req.headers['x-forgejo-signature']",
  "req.headers['webhook-signature']",
  "secrets",
  "secret",
  "apiToken",
  "token",
]);

/** Shorter values are not masked in log text: they would blank out ordinary words. */
const MIN_MASKED_LENGTH = 4;

interface SecretFields {
  secret?: string | undefined;
  secrets?: readonly string[] | undefined;
}

/** An app's reporting credentials: the forge token, and each notification's key and (Slack, Discord) URL. */
interface ReportFields {
  report?: { token: string } | undefined;
  notify?: readonly { type: string; url: string; secret?: string | undefined }[] | undefined;
}

/** Incoming-webhook URLs that are themselves the credential. */
const SECRET_URL_TYPES = new Set(["slack", "discord"]);

function reportSecrets(app: ReportFields): (string | undefined)[] {
  const notify = (app.notify ?? []).flatMap((n) => [n.secret, SECRET_URL_TYPES.has(n.type) ? n.url : undefined]);
  return [app.report?.token, ...notify];
}

export class Secrets {
  /** Every configured secret value (non-empty), in the order given. */
  readonly values: readonly string[];
  /** Environment variable names withheld from child processes. */
  readonly envNames: readonly string[] = WITHHELD_ENV_NAMES;
  /** pino redact paths for the server log. */
  readonly redactPaths: readonly string[] = REDACT_PATHS;
  private readonly lookup: ReadonlySet<string>;
  private readonly masked: readonly string[];

  constructor(values: readonly (string | undefined)[] = []) {
    this.values = Object.freeze(values.filter((v): v is string => typeof v === "string" && v.length > 0));
    this.lookup = new Set(this.values);
    this.masked = this.values.filter((v) => v.length >= MIN_MASKED_LENGTH);
  }

  /**
   * The secrets of a loaded config: every webhook secret (global and per app), the API token, and the
   * reporting credentials (forge tokens, notification keys and URLs).
   */
  static fromConfig(
    config: SecretFields & { apiToken?: string | undefined; apps?: Record<string, SecretFields & ReportFields> },
  ): Secrets {
    const webhook = (c: SecretFields) => [c.secret, ...(c.secrets ?? [])];
    const apps = Object.values(config.apps ?? {}).flatMap((a) => [...webhook(a), ...reportSecrets(a)]);
    return new Secrets([...webhook(config), ...apps, config.apiToken]);
  }

  /** Whether `value` is exactly one of the secrets. */
  has(value: string | undefined): boolean {
    return value ? this.lookup.has(value) : false;
  }

  /** `text` with every secret of at least four characters replaced by "[redacted]". */
  mask(text: string): string {
    let safe = text;
    for (const secret of this.masked) safe = safe.split(secret).join(REDACTED);
    return safe;
  }
}
