import { describe, expect, it } from "vitest";
import { REDACT_PATHS, Secrets, WITHHELD_ENV_NAMES } from "../../../src/helpers/secrets.js";

describe("Secrets", () => {
  it("takes the webhook secret and the API token from the config, skipping unset ones", () => {
    expect(Secrets.fromConfig({ secret: "s3cr3t-value", apiToken: "tok-123456" }).values).toEqual([
      "s3cr3t-value",
      "tok-123456",
    ]);
    expect(Secrets.fromConfig({ secret: undefined, apiToken: "tok-123456" }).values).toEqual(["tok-123456"]);
    expect(new Secrets([undefined, ""]).values).toEqual([]);
  });

  it("masks values of four characters or more, everywhere in the text", () => {
    const s = new Secrets(["s3cr3t-value", "abc"]);
    expect(s.mask("a=s3cr3t-value b=s3cr3t-value c=abc")).toBe("a=[redacted] b=[redacted] c=abc");
  });

  it("knows every non-empty value, however short", () => {
    const s = new Secrets(["s3cr3t-value", "abc"]);
    expect(s.has("s3cr3t-value")).toBe(true);
    expect(s.has("abc")).toBe(true);
    expect(s.has("s3cr3t")).toBe(false);
    expect(s.has("")).toBe(false);
    expect(s.has(undefined)).toBe(false);
  });

  it("names the variables withheld from children and the paths the server log redacts", () => {
    const s = new Secrets();
    expect(s.envNames).toEqual(["GITHUB_WEBHOOK_SECRET", "DEPLOYER_API_TOKEN"]);
    expect(s.envNames).toBe(WITHHELD_ENV_NAMES);
    expect(s.redactPaths).toEqual([
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
    expect(s.redactPaths).toBe(REDACT_PATHS);
  });
});

describe("Secrets of reports (issue 11)", () => {
  it("masks the forge token, a notification's secret and the Slack and Discord URLs", () => {
    const s = Secrets.fromConfig({
      apps: {
        shop: {
          report: { token: "ghp_forge-token-1234" },
          notify: [
            { type: "webhook", url: "https://hooks.example.com/x", secret: "notify-secret-1" },
            { type: "slack", url: "https://hooks.slack.com/services/T/B/XYZ" },
            { type: "discord", url: "https://discord.com/api/webhooks/1/abc" },
          ],
        },
      },
    });
    const text =
      "ghp_forge-token-1234 notify-secret-1 https://hooks.slack.com/services/T/B/XYZ https://discord.com/api/webhooks/1/abc https://hooks.example.com/x";
    expect(s.mask(text)).toBe("[redacted] [redacted] [redacted] [redacted] https://hooks.example.com/x");
  });
});
