// The enrollment QR text as the sync server writes it, read back into code and server.
import { describe, expect, it } from "vitest";
import { parseEnrollQr } from "./enroll-qr";

describe("parseEnrollQr", () => {
  it("reads the code and the server", () => {
    expect(parseEnrollQr("taizhang:enroll?code=abcd-efgh-jkmn&server=http://10.0.0.5:8620")).toEqual({
      code: "abcd-efgh-jkmn",
      server: "http://10.0.0.5:8620",
    });
  });
  it("keeps a server address with its own query", () => {
    expect(parseEnrollQr("taizhang:enroll?code=x2&server=https://s.example/a?b=1&c=2")?.server).toBe(
      "https://s.example/a?b=1&c=2",
    );
  });
  it("reads a code without a server", () => {
    expect(parseEnrollQr(" taizhang:enroll?code=abcd-efgh ")).toEqual({ code: "abcd-efgh", server: null });
  });
  it("refuses other codes", () => {
    expect(parseEnrollQr("https://example.com/?code=1")).toBeNull();
    expect(parseEnrollQr("taizhang:enroll?server=http://x")).toBeNull();
    expect(parseEnrollQr("")).toBeNull();
  });
});
