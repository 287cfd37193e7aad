import { describe, expect, it } from "vitest";
import { deploymentSchema } from "../../../src/server/schemas.js";
import { STEP_STATUSES, TRIGGERS } from "../../../src/store/types.js";

describe("deploymentSchema", () => {
  it("enumerates the store's triggers", () => {
    expect(deploymentSchema.properties.trigger.enum).toEqual([...TRIGGERS]);
  });

  it("enumerates the store's step statuses", () => {
    expect(deploymentSchema.properties.steps.items.properties.status.enum).toEqual([...STEP_STATUSES]);
  });
});
