import assert from "node:assert/strict";
import { redactUrl, redactUrlsIn } from "../../lib/transport/redact_url.ts";

Deno.test("redactUrl hides userinfo and secret query values, keeps the rest", () => {
  const cases: [string, string][] = [
    ["https://api.example/v1/responses", "https://api.example/v1/responses"],
    ["https://u:p@api.example/v1", "https://REDACTED@api.example/v1"],
    ["https://token@api.example", "https://REDACTED@api.example"],
    ["http://h/r?api-key=s&api-version=2025", "http://h/r?api-key=REDACTED&api-version=2025"],
    [
      "http://h/r?access_token=s&sig=t&X-Amz-Signature=u&model=m",
      "http://h/r?access_token=REDACTED&sig=REDACTED&X-Amz-Signature=REDACTED&model=m",
    ],
    ["http://h/r?password=s#frag", "http://h/r?password=REDACTED"],
    ["http://h/r?flag&key%2Did=s", "http://h/r?flag&key%2Did=REDACTED"],
    ["/relative?key=s", "/relative?key=REDACTED"],
  ];
  for (const [url, shown] of cases) assert.equal(redactUrl(url), shown, url);
});

Deno.test("redactUrlsIn redacts URLs inside a text and the URLs it is given", () => {
  assert.equal(
    redactUrlsIn("error sending request for url (https://u:s@h/r?key=s): refused"),
    "error sending request for url (https://REDACTED@h/r?key=REDACTED): refused",
  );
  assert.equal(
    redactUrlsIn("bad h/r?token=s here", ["h/r?token=s"]),
    "bad h/r?token=REDACTED here",
  );
  assert.equal(redactUrlsIn("nothing to hide"), "nothing to hide");
});
