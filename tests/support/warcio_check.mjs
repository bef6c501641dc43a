#!/usr/bin/env node
// warcio_check.mjs: reads WARC files with warcio (webrecorder's warcio.js),
// a second reader independent of forage and of support/warc_reader.cc, and
// prints one JSON object:
//
//   {"ok": bool, "warcio": "VERSION", "errors": ["FILE: offset N: what", ...],
//    "records": [{"file", "offset", "type", "id", "target_uri", "status",
//                 "block_digest", "payload_digest"}, ...]}
//
// warcio frames the records (gzip members or plain), parses the WARC and HTTP
// headers and removes the chunked coding (its AsyncIterReader); the SHA-1s are
// node's. "block_digest" and "payload_digest" say what the record's
// WARC-Block-Digest / WARC-Payload-Digest held: "ok" (matches; the payload is
// the HTTP entity body with chunked removed, Content-Encoding kept, as WARC 1.1
// section 6.3.2 says), "raw-chunked" (matches only the chunked body as sent,
// as GNU wget 1.21 digests it: an error unless --accept-raw-chunked-digest),
// "mismatch", "absent", or "skipped" (revisit payloads live elsewhere).
// "status" is the HTTP status of a response or revisit, else null.
//
// Usage: node warcio_check.mjs [--accept-raw-chunked-digest] FILE...
// warcio comes from $FORAGE_WARCIO_DIR/node_modules, by default
// tests/support/warcio/node_modules (scripts/install-deps.sh --test installs
// it there). Exit status: 0 ok, 1 not ok, 2 usage, 77 warcio not installed.

import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const warcioDir = process.env.FORAGE_WARCIO_DIR || path.join(here, "warcio");

let warcio, warcioVersion;
try {
  const require = createRequire(path.join(warcioDir, "package.json"));
  warcio = require("warcio");
  // The package's "exports" hide its package.json from require.resolve.
  const main = require.resolve("warcio");
  const root = main.slice(0, main.lastIndexOf(path.sep + "dist" + path.sep));
  warcioVersion = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
} catch (e) {
  process.stderr.write(`warcio_check: warcio is not installed under ${warcioDir} ` +
                       `(scripts/install-deps.sh --test installs it): ${e.message}\n`);
  process.exit(77);
}
const { WARCParser, AsyncIterReader, StatusAndHeadersParser, HeadersMultiMap } = warcio;

// RFC 4648 base32, upper case, padded: the form of the WARC spec's examples.
function base32(bytes) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "", bits = 0, value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}

const sha1 = (bytes) => "sha1:" + base32(createHash("sha1").update(bytes).digest());

function mediaType(contentType) {
  const parts = (contentType || "").split(";").map((s) => s.trim().toLowerCase());
  const msgtype = parts.slice(1).find((p) => p.startsWith("msgtype="));
  return { type: parts[0], msgtype: msgtype ? msgtype.slice(8) : "" };
}

async function checkRecord(record, block, file, offset, options, errors) {
  const type = record.warcType;
  const id = record.warcHeader("WARC-Record-ID");
  const fail = (what) => errors.push(`${file}: offset ${offset} (${id}): ${what}`);
  const out = {
    file, offset, type, id,
    target_uri: (record.warcTargetURI || "").replace(/^<(.*)>$/, "$1") || null,
    status: null, block_digest: "absent", payload_digest: "absent",
  };

  const blockDigest = record.warcHeader("WARC-Block-Digest");
  if (blockDigest) {
    out.block_digest = blockDigest === sha1(block) ? "ok" : "mismatch";
    if (out.block_digest !== "ok") fail(`WARC-Block-Digest ${blockDigest} != ${sha1(block)}`);
  }

  let entity = block, raw = null;
  const http = mediaType(record.warcContentType).type === "application/http" &&
               ["response", "request", "revisit"].includes(type);
  if (http) {
    // warcio's own HTTP parser over the block.
    const reader = new AsyncIterReader([block], null);
    const head = await new StatusAndHeadersParser().parse(reader, { headersClass: HeadersMultiMap });
    if (!head) {
      fail("no HTTP header in the application/http block");
    } else {
      if (type !== "request") out.status = Number(head.statusCode) || null;
      raw = await reader.readFully();
      entity = raw;
      const te = (head.headers.get("Transfer-Encoding") || "").toLowerCase();
      if (te.split(",").pop().trim() === "chunked") {
        const dechunker = new AsyncIterReader([raw], null, true);
        const dechunked = await dechunker.readFully();
        if (!dechunker.errored) entity = dechunked;
      }
    }
  }

  const payloadDigest = record.warcHeader("WARC-Payload-Digest");
  if (type === "revisit") {
    out.payload_digest = "skipped";
  } else if (payloadDigest) {
    if (payloadDigest === sha1(entity)) {
      out.payload_digest = "ok";
    } else if (raw !== null && entity !== raw && payloadDigest === sha1(raw)) {
      out.payload_digest = "raw-chunked";
      if (!options.acceptRawChunked) fail(`WARC-Payload-Digest ${payloadDigest} covers the chunked body as sent`);
    } else {
      out.payload_digest = "mismatch";
      fail(`WARC-Payload-Digest ${payloadDigest} != ${sha1(entity)}`);
    }
  }
  return out;
}

async function checkFile(file, options, errors) {
  const records = [];
  const parser = new WARCParser(createReadStream(file), { parseHttp: false });
  let offset = 0;
  try {
    for await (const record of parser) {
      offset = parser.offset;
      const block = await record.readFully(false);
      const length = Number(record.warcHeader("Content-Length"));
      if (block.length !== length) {
        errors.push(`${file}: offset ${offset}: Content-Length ${length} but ${block.length} block bytes`);
      }
      records.push(await checkRecord(record, block, file, offset, options, errors));
    }
  } catch (e) {
    errors.push(`${file}: after offset ${offset}: warcio failed: ${e.message}`);
  }
  if (records.length === 0) errors.push(`${file}: warcio found no record`);
  return records;
}

const args = process.argv.slice(2);
const options = { acceptRawChunked: false };
const files = [];
for (const arg of args) {
  if (arg === "--accept-raw-chunked-digest") options.acceptRawChunked = true;
  else if (arg.startsWith("-")) {
    process.stderr.write(`warcio_check: unknown option ${arg}\n`);
    process.exit(2);
  } else files.push(arg);
}
if (files.length === 0) {
  process.stderr.write("usage: warcio_check.mjs [--accept-raw-chunked-digest] FILE...\n");
  process.exit(2);
}
const errors = [];
const records = [];
for (const file of files) records.push(...(await checkFile(file, options, errors)));
const ok = errors.length === 0;
// No process.exit() here: node writes a large answer to a pipe in pieces
// as the reader drains it, and exit() would drop what is still queued (a
// reader slow under load got half a JSON document). exitCode lets node
// finish the write, then exit.
process.exitCode = ok ? 0 : 1;
process.stdout.write(JSON.stringify({ ok, warcio: warcioVersion, errors, records }) + "\n");
