import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pushPayload } from "./github.js";

export type Forge = "github" | "gitlab" | "gitea" | "forgejo" | "bitbucket";
export const FORGES: Forge[] = ["github", "gitlab", "gitea", "forgejo", "bitbucket"];

const DIR = join(import.meta.dirname, "../fixtures/forges");

/** A real captured payload from test/fixtures/forges (see the README there for each file's source). */
export function fixture(path: string): Record<string, any> {
  return JSON.parse(readFileSync(join(DIR, path), "utf8"));
}

export interface PushSpec {
  fullName: string;
  /** Full ref: refs/heads/main or refs/tags/v1 */
  ref: string;
  after: string;
  before?: string;
  message?: string;
}

const ZERO = "0".repeat(40);

/** The forge's real push payload (branch or tag), pointed at our repository, ref and commit. */
export function pushFor(forge: Forge, s: PushSpec): Record<string, any> {
  const [, name] = s.fullName.split("/");
  const tag = s.ref.startsWith("refs/tags/");
  const short = s.ref.replace(/^refs\/(heads|tags)\//, "");
  if (forge === "github") {
    const p = pushPayload({ fullName: s.fullName, ref: s.ref, after: s.after, before: s.before });
    if (s.message) p.head_commit = { ...(p.head_commit ?? {}), id: s.after, message: s.message };
    return p;
  }
  if (forge === "gitlab") {
    const p = fixture(tag ? "gitlab/go-scm-tag_create.json" : "gitlab/go-scm-push.json");
    Object.assign(p, { ref: s.ref, after: s.after, checkout_sha: s.after, before: s.before ?? ZERO });
    p.project.path_with_namespace = s.fullName;
    p.project.name = name;
    p.project.default_branch = "main";
    p.commits = [{ ...(p.commits[0] ?? {}), id: s.after, message: s.message ?? "change" }];
    return p;
  }
  if (forge === "gitea" || forge === "forgejo") {
    const p = fixture(
      forge === "gitea" ? "gitea/go-playground-push-event.json" : "forgejo/woodpecker-HookPushMulti.json",
    );
    Object.assign(p, { ref: s.ref, after: s.after, before: s.before ?? ZERO });
    p.repository.full_name = s.fullName;
    p.repository.name = name;
    p.repository.default_branch = "main";
    p.commits = [{ ...(p.commits[0] ?? {}), id: s.after, message: s.message ?? "change" }];
    p.head_commit = { ...(p.head_commit ?? {}), id: s.after, message: s.message ?? "change" };
    return p;
  }
  const p = fixture(tag ? "bitbucket/go-scm-push_tag_create.json" : "bitbucket/go-scm-push.json");
  p.repository.full_name = s.fullName;
  p.repository.name = name;
  const [change] = p.push.changes;
  change.new.name = short;
  change.new.type = tag ? "tag" : "branch";
  change.new.target.hash = s.after;
  change.new.target.message = s.message ?? "change";
  if (change.old) change.old.target.hash = s.before ?? ZERO;
  p.push.changes = [change];
  return p;
}

const hmac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

/** Headers a forge sends with `body`, signed with `secret` the way that forge signs. */
export function forgeHeaders(forge: Forge, body: string, secret: string, event = "push"): Record<string, string> {
  const json = { "content-type": "application/json" };
  switch (forge) {
    case "github":
      return {
        ...json,
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${hmac(secret, body)}`,
      };
    case "gitlab":
      return {
        ...json,
        "x-gitlab-event": event === "push" ? "Push Hook" : event,
        "x-gitlab-event-uuid": randomUUID(),
        "x-gitlab-token": secret,
      };
    case "gitea":
      return {
        ...json,
        "x-gitea-event": event,
        "x-gitea-delivery": randomUUID(),
        "x-gitea-signature": hmac(secret, body),
        // Gitea also sends GitHub's headers: detection must still pick Gitea.
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
      };
    case "forgejo":
      return {
        ...json,
        "x-forgejo-event": event,
        "x-forgejo-delivery": randomUUID(),
        "x-forgejo-signature": hmac(secret, body),
        "x-gitea-event": event,
        "x-gitea-signature": hmac(secret, body),
        "x-github-event": event,
        "x-hub-signature-256": `sha256=${hmac(secret, body)}`,
      };
    case "bitbucket":
      return {
        ...json,
        "x-event-key": event === "push" ? "repo:push" : event,
        "x-request-uuid": randomUUID(),
        "x-hub-signature": `sha256=${hmac(secret, body)}`,
      };
  }
}

/** A signed push of `forge` for the spec, ready to POST. */
export function signedPush(
  forge: Forge,
  spec: PushSpec,
  secret: string,
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(pushFor(forge, spec));
  const headers = forgeHeaders(
    forge,
    body,
    secret,
    forge === "gitlab" && spec.ref.startsWith("refs/tags/") ? "Tag Push Hook" : "push",
  );
  return { headers, body };
}
