import assert from "node:assert/strict";
import { describeNetworkFailure } from "../../lib/transport/network_reason.ts";

Deno.test("describeNetworkFailure finds the operating system's reason down the cause chain", () => {
  const dns = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://nowhere.invalid/v1): client error (Connect): dns error: failed to lookup address information: Name or service not known",
    ),
  });
  assert.match(describeNetworkFailure(dns), /^no such host \(error sending request/);
  const node = new TypeError("fetch failed", {
    cause: Object.assign(new Error("getaddrinfo ENOTFOUND nowhere"), { code: "ENOTFOUND" }),
  });
  assert.equal(describeNetworkFailure(node), "no such host (getaddrinfo ENOTFOUND nowhere)");
  const reset = new Error("fetch failed", { cause: new Error("Connection reset by peer") });
  assert.match(describeNetworkFailure(reset), /^connection reset by the server/);
});

Deno.test("describeNetworkFailure gives the most specific message when the reason is not known", () => {
  assert.equal(
    describeNetworkFailure(new TypeError("fetch failed", { cause: new Error("something odd") })),
    "something odd",
  );
  assert.equal(describeNetworkFailure(new TypeError("fetch failed")), "fetch failed");
  assert.equal(describeNetworkFailure("text"), "text");
});
