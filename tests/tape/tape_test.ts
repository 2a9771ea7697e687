import assert from "node:assert/strict";
import { CodexWireError } from "../../lib/errors/codex_wire_error.ts";
import { Tape } from "../../lib/tape/mod.ts";

const HEADER =
  '{"type":"header","format":"codexwire-tape","version":1,"created":"2026-01-01T00:00:00Z"}';
const REQUEST =
  '{"type":"http.request","t":0,"conn":"c1","method":"POST","url":"http://h/v1/responses","headers":[["accept","text/event-stream"]],"body":{"text":"{}"}}';
const RESPONSE = '{"type":"http.response","t":1.5,"conn":"c1","status":200,"headers":[]}';
const CHUNK = '{"type":"http.chunk","t":2,"conn":"c1","data":{"base64":"/w=="}}';
const END = '{"type":"http.end","t":3,"conn":"c1"}';

function tapeError(text: string, message: string): void {
  assert.throws(() => Tape.parse(text, { name: "t.jsonl" }), (error: unknown) => {
    assert.ok(error instanceof CodexWireError);
    assert.equal(error.kind, "tape");
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("Tape.parse reads a valid tape into records and interactions", () => {
  const tape = Tape.parse([HEADER, REQUEST, RESPONSE, CHUNK, END, ""].join("\n"));
  assert.equal(tape.header.version, 1);
  assert.equal(tape.truncated, false);
  assert.deepEqual(tape.records.map((r) => r.type), [
    "http.request",
    "http.response",
    "http.chunk",
    "http.end",
  ]);
  const [exchange] = tape.http;
  assert.deepEqual(exchange.request.headers, [["accept", "text/event-stream"]]);
  assert.deepEqual(exchange.chunks[0].data, { base64: "/w==" });
  assert.equal(tape.webSockets.length, 0);
});

Deno.test("Tape.parse names the line number of a bad line", () => {
  tapeError(
    [HEADER, REQUEST, "{not json", END].join("\n"),
    'Cannot read tape "t.jsonl": line 3 is not valid JSON',
  );
  tapeError(
    [HEADER, REQUEST, '{"type":"http.chunk","t":2,"conn":"c1","data":{"text":5}}', END].join("\n"),
    'Cannot read tape "t.jsonl": line 3 is not a valid http.chunk record: data: Invalid input',
  );
  tapeError(
    [HEADER, '{"type":"http.teleport","t":0,"conn":"c1"}'].join("\n"),
    'Cannot read tape "t.jsonl": line 2 has an unknown record type "http.teleport": expected one of http.request, http.response, http.chunk, http.end, http.error, ws.open, ws.frame, ws.close',
  );
  tapeError(
    [HEADER, RESPONSE].join("\n"),
    'Cannot read tape "t.jsonl": line 2 is a http.response record of connection c1, which has no http.request before it',
  );
  tapeError(
    [HEADER, REQUEST, RESPONSE, END, CHUNK].join("\n"),
    'Cannot read tape "t.jsonl": line 5 is a http.chunk record after connection c1 ended',
  );
  tapeError(
    '{"type":"header","format":"codexwire-tape","version":9,"created":"x"}',
    'Cannot read tape "t.jsonl": line 1 says format version 9, but this codexwire reads up to version 1: update codexwire',
  );
  tapeError(
    '{"type":"header","format":"har","version":1,"created":"x"}\n',
    'Cannot read tape "t.jsonl": line 1 is not a codexwire tape header: format: Invalid input: expected "codexwire-tape"',
  );
  tapeError("", 'Cannot read tape "t.jsonl": line 1 is missing: a tape starts with a header line');
});

Deno.test("Tape.parse keeps everything before a last line cut short by an interrupted write", () => {
  const tape = Tape.parse([HEADER, REQUEST, RESPONSE, '{"type":"http.ch'].join("\n"));
  assert.equal(tape.truncated, true);
  assert.equal(tape.records.length, 2);
  assert.equal(tape.http[0].end, undefined);
});

Deno.test("Tape.read says which file it cannot read", async () => {
  await assert.rejects(Tape.read("/nonexistent/tape.jsonl"), (error: unknown) => {
    assert.ok(error instanceof CodexWireError);
    assert.equal(error.kind, "tape");
    assert.match(error.message, /^Cannot read tape "\/nonexistent\/tape\.jsonl": /);
    return true;
  });
});
