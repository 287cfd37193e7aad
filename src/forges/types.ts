/** What every forge adapter turns a verified delivery into. Nothing after the adapter knows the forge. */
export interface PushEvent {
  forge: string;
  deliveryId: string | undefined;
  /** owner/name */
  repoFullName: string;
  repoName: string;
  defaultBranch: string | undefined;
  /** Full ref, e.g. refs/heads/main */
  ref: string;
  before: string;
  after: string;
  deleted: boolean;
  pusher: string | undefined;
  headCommitMessage: string | undefined;
}

export type ForgeEvent =
  | { kind: "ping"; deliveryId: string | undefined; hookId: number | undefined; zen: string | undefined }
  | { kind: "push"; deliveryId: string | undefined; push: PushEvent }
  | { kind: "other"; deliveryId: string | undefined; name: string };

export interface IncomingDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
