import { BadRequestError } from "../errors.js";
import { bitbucket } from "./bitbucket.js";
import { forgejo } from "./forgejo.js";
import { gitea } from "./gitea.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import type { ForgeAdapter, ForgeName, Headers } from "./types.js";

/**
 * Detection order matters: Forgejo also sends Gitea's and GitHub's headers, and Gitea sends GitHub's,
 * so the most specific forge is tried first.
 */
export const ADAPTERS: readonly ForgeAdapter[] = [forgejo, gitea, gitlab, bitbucket, github];

export function adapterFor(name: ForgeName): ForgeAdapter {
  return ADAPTERS.find((a) => a.name === name) as ForgeAdapter;
}

/** The forge a delivery comes from, by its headers; a 400 naming the headers expected otherwise. */
export function detectForge(headers: Headers): ForgeAdapter {
  const found = ADAPTERS.find((a) => a.matches(headers));
  if (found) return found;
  const expected = ADAPTERS.map((a) => `${a.name}: ${a.expects}`).join("; ");
  throw new BadRequestError(`no forge recognised from the headers; expected one of ${expected}`);
}
