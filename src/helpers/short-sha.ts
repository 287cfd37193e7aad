/** The 7-digit form of a commit id people read in tables and log lines. */
export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : "-");
