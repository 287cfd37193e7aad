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
    ]);
    expect(s.redactPaths).toBe(REDACT_PATHS);
  });
});
