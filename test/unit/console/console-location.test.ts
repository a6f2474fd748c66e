/** The console's hash locations: parsed back to what they were built from. */
import { describe, expect, it } from "vitest";
import { pageHash, parseLocation } from "../../../console/console-location";

describe("console locations", () => {
  it("round-trips a page, a parameter that needs escaping and a query", () => {
    const hash = pageHash("users", "user/with space", { surface: "email" });
    expect(hash).toBe("#/users/user%2Fwith%20space?surface=email");
    const location = parseLocation(hash);
    expect(location.page).toBe("users");
    expect(location.param).toBe("user/with space");
    expect(location.query.get("surface")).toBe("email");
  });

  it("treats an empty or unknown hash as the overview", () => {
    expect(parseLocation("")).toMatchObject({ page: "overview", param: null });
    expect(parseLocation("#/nowhere/x")).toMatchObject({ page: "overview" });
    expect(parseLocation("#/items?q=harbor").query.get("q")).toBe("harbor");
  });
});
