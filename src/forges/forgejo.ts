import { giteaLike } from "./gitea.js";

/**
 * Forgejo: X-Forgejo-Event, X-Forgejo-Signature (hex HMAC-SHA256), X-Forgejo-Delivery, Gitea's payloads.
 * It also sends every Gitea and GitHub header, so it is detected first.
 */
export const forgejo = giteaLike("forgejo", "Forgejo");
