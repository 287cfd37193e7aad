import { describe, expect, it } from "vitest";
import { hexHmac, isHexHmac, verifyHexHmac } from "../../../src/forges/proof.js";

const body = Buffer.from('{"ref":"refs/heads/main"}');
const hex = hexHmac("s3cret", body.toString());

describe("isHexHmac", () => {
  it("takes 64 hex digits in either case, after the prefix", () => {
    expect(isHexHmac(`sha256=${hex}`, "sha256=")).toBe(true);
    expect(isHexHmac(`sha256=${hex.toUpperCase()}`, "sha256=")).toBe(true);
    expect(isHexHmac(hex)).toBe(true);
  });

  it("refuses a wrong length, a wrong prefix and any other character", () => {
    expect(isHexHmac(undefined)).toBe(false);
    expect(isHexHmac("")).toBe(false);
    expect(isHexHmac(hex.slice(1))).toBe(false);
    expect(isHexHmac(`${hex}0`)).toBe(false);
    expect(isHexHmac(hex, "sha256=")).toBe(false);
    expect(isHexHmac(`sha1=${hex}`, "sha256=")).toBe(false);
    for (const bad of ["g", "G", "z", " ", "-", "\u0010", "\u0016", "`", "@", "/", ":", "\u0661"])
      expect(isHexHmac(bad + hex.slice(1)), JSON.stringify(bad)).toBe(false);
  });
});

describe("verifyHexHmac", () => {
  it("checks the HMAC over the exact bytes", () => {
    expect(verifyHexHmac(body, "s3cret", `sha256=${hex}`, "sha256=")).toBe(true);
    expect(verifyHexHmac(body, "s3cret", `sha256=${hex.toUpperCase()}`, "sha256=")).toBe(true);
    expect(verifyHexHmac(body, "other", `sha256=${hex}`, "sha256=")).toBe(false);
    expect(verifyHexHmac(Buffer.concat([body, Buffer.from(" ")]), "s3cret", hex)).toBe(false);
  });

  it("refuses a malformed value without comparing", () => {
    expect(verifyHexHmac(body, "s3cret", undefined)).toBe(false);
    expect(verifyHexHmac(body, "s3cret", `${hex.slice(0, 63)}x`)).toBe(false);
    expect(verifyHexHmac(body, "s3cret", `sha256=${hex}`)).toBe(false);
  });
});
