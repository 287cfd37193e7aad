import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { DeployerError } from "../errors.js";
import { escapeControl } from "./escape.js";

/** The most deployer reads of any one file from a checkout (.env, .dockerignore, compose files). */
export const CHECKOUT_FILE_MAX_BYTES = 1024 * 1024;

/** A file in the checkout that deployer refuses to read: not regular, too big, or outside the checkout. */
export class UnsafeCheckoutFile extends DeployerError {}

const inside = (root: string, abs: string) => {
  const rel = relative(root, abs);
  return rel === "" || !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
};

/**
 * The real path of `rel` in the checkout `root`, once it is known to be a regular file of at most
 * `maxBytes` whose every symlink stays inside the checkout; undefined when nothing is there.
 * Throws UnsafeCheckoutFile, with what to fix, otherwise.
 */
export function checkCheckoutFile(root: string, rel: string, maxBytes = CHECKOUT_FILE_MAX_BYTES): string | undefined {
  const shown = escapeControl(rel);
  const abs = resolve(root, rel);
  const realRoot = realpathSync(root);
  if (!inside(resolve(root), abs)) throw new UnsafeCheckoutFile(`${shown} is outside the checkout ${root}`);
  try {
    lstatSync(abs);
  } catch {
    return undefined;
  }
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new UnsafeCheckoutFile(`${shown} in ${root} is a symlink to nothing; remove it or make it a regular file`);
  }
  if (!inside(realRoot, real)) {
    throw new UnsafeCheckoutFile(`${shown} in ${root} is a symlink leaving the checkout; deployer does not follow it`);
  }
  const st = lstatSync(real);
  if (!st.isFile())
    throw new UnsafeCheckoutFile(`${shown} in ${root} is not a regular file; deployer only reads regular files`);
  if (st.size > maxBytes) {
    throw new UnsafeCheckoutFile(`${shown} in ${root} is ${st.size} bytes, over deployer's limit of ${maxBytes}`);
  }
  return real;
}

/**
 * Reads a file of the checkout, if present, under the rules of checkCheckoutFile. The read is bounded
 * (never more than `maxBytes` + 1), does not follow a symlink swapped in after the check, and does not
 * block on a FIFO: it is short enough to do synchronously.
 */
export function readCheckoutFile(root: string, rel: string, maxBytes = CHECKOUT_FILE_MAX_BYTES): Buffer | undefined {
  const real = checkCheckoutFile(root, rel, maxBytes);
  if (real === undefined) return undefined;
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new UnsafeCheckoutFile(`${escapeControl(rel)} in ${root} is not a regular file`);
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes)
      throw new UnsafeCheckoutFile(`${escapeControl(rel)} in ${root} is over deployer's limit of ${maxBytes} bytes`);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
