#!/usr/bin/env node
// An example forkspec adapter in JavaScript (Node.js 18 or newer, no dependencies).
//
// It implements two handlers from their spec sections alone, to show what a client team
// writes: `signal_check` (spec/activation.md, SIG-6) and `version_compare`
// (spec/versioning.md, VER-1 to VER-10). Run it with:
//
//   forkspec conform --adapter "node conformance/examples/node/adapter.js"
//
// Every other handler is skipped without being sent, because the hello does not announce it.
"use strict";

const readline = require("node:readline");

const UINT64_MAX = 2n ** 64n - 1n;
const UINT32_MAX = 2 ** 32 - 1;

class Rejection extends Error {
  constructor(code, detail) {
    super(detail);
    this.code = code;
  }
}

// --- signal_check (SIG-6) -----------------------------------------------------------------

function signalCheck({ version, bit }) {
  if (!Number.isSafeInteger(bit) || bit < 0 || bit > 28) {
    throw new Rejection("DEPLOYMENT_BIT_OUT_OF_RANGE", `bit ${bit} is outside 0..28`);
  }
  if (!Number.isSafeInteger(version) || version < 0 || version > UINT32_MAX) {
    throw new Rejection("BLOCK_VERSION_OUT_OF_RANGE", `version ${version} is outside 0..2^32-1`);
  }
  const topBitsAre001 = Math.floor(version / 2 ** 29) === 1;
  const bitSet = Math.floor(version / 2 ** bit) % 2 === 1;
  return { signals: topBitsAre001 && bitSet };
}

// --- version_compare (VER-1 to VER-10) ----------------------------------------------------

const NUMERIC = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

function numeric(text, what, version) {
  if (!NUMERIC.test(text)) {
    throw new Rejection("INVALID_VERSION", `${what} of ${version} is not a number without leading zeros`);
  }
  const value = BigInt(text);
  if (value > UINT64_MAX) {
    throw new Rejection("VERSION_OUT_OF_RANGE", `${what} of ${version} exceeds 2^64-1`);
  }
  return value;
}

function identifiers(text, what, version) {
  const parts = text.split(".");
  for (const part of parts) {
    if (!IDENTIFIER.test(part)) {
      throw new Rejection("INVALID_VERSION", `${what} identifier ${JSON.stringify(part)} of ${version}`);
    }
  }
  return parts;
}

function parseVersion(version) {
  const plus = version.indexOf("+");
  const coreAndPre = plus < 0 ? version : version.slice(0, plus);
  const dash = coreAndPre.indexOf("-");
  const core = dash < 0 ? coreAndPre : coreAndPre.slice(0, dash);
  const parts = core.split(".");
  if (parts.length !== 3) {
    throw new Rejection("INVALID_VERSION", `${version} is not MAJOR.MINOR.PATCH`);
  }
  const [major, minor, patch] = parts.map((part, index) => numeric(part, ["major", "minor", "patch"][index], version));
  const prerelease = dash < 0 ? [] : identifiers(coreAndPre.slice(dash + 1), "pre-release", version);
  for (const identifier of prerelease) {
    if (/^[0-9]+$/.test(identifier)) numeric(identifier, "numeric pre-release identifier", version);
  }
  if (plus >= 0) identifiers(version.slice(plus + 1), "build", version);
  return { core: [major, minor, patch], prerelease };
}

const sign = (left, right) => (left < right ? -1 : left > right ? 1 : 0);

function compareIdentifiers(left, right) {
  const leftNumeric = /^[0-9]+$/.test(left);
  const rightNumeric = /^[0-9]+$/.test(right);
  if (leftNumeric && rightNumeric) return sign(BigInt(left), BigInt(right));
  if (leftNumeric !== rightNumeric) return leftNumeric ? -1 : 1;
  return sign(left, right); // ASCII order: the identifiers hold ASCII characters only
}

function versionCompare({ left, right }) {
  const a = parseVersion(left);
  const b = parseVersion(right);
  for (let index = 0; index < 3; index++) {
    const order = sign(a.core[index], b.core[index]);
    if (order !== 0) return { order };
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return { order: sign(b.prerelease.length === 0 ? 0 : 1, a.prerelease.length === 0 ? 0 : 1) };
  }
  for (let index = 0; index < Math.min(a.prerelease.length, b.prerelease.length); index++) {
    const order = compareIdentifiers(a.prerelease[index], b.prerelease[index]);
    if (order !== 0) return { order };
  }
  return { order: sign(a.prerelease.length, b.prerelease.length) };
}

// --- the input schemas (spec/schemas/handlers/*.json, GEN-3, GEN-7) -------------------------

const PRESETS = ["mainnet", "minimal"];
const INPUT_FIELDS = {
  signal_check: { version: "integer", bit: "integer" },
  version_compare: { left: "string", right: "string" },
};

// JSON.parse reads 1.0 as 1, but GEN-3 says 1.0 is not an integer: find, in the raw line, a
// number written with a fraction or an exponent (this adapter's inputs hold no such number).
function hasNonIntegerNumber(line) {
  let inString = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (".eE".includes(character) && index > 0 && /[0-9]/.test(line[index - 1])) {
      return true;
    }
  }
  return false;
}

function checkInput(handler, input, line) {
  const fields = INPUT_FIELDS[handler];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new Rejection("INVALID_INPUT", "the input is not an object");
  }
  for (const name of Object.keys(input)) {
    if (!(name in fields)) throw new Rejection("INVALID_INPUT", `unexpected field ${name}`);
  }
  for (const [name, type] of Object.entries(fields)) {
    const value = input[name];
    const matches = type === "string" ? typeof value === "string" : Number.isInteger(value);
    if (!matches) throw new Rejection("INVALID_INPUT", `${name} must be a JSON ${type}`);
  }
  if (hasNonIntegerNumber(line)) throw new Rejection("INVALID_INPUT", "a number with a fraction part");
}

// --- the protocol (spec/adapter-protocol.md) ----------------------------------------------

const HANDLERS = { signal_check: signalCheck, version_compare: versionCompare };

function answer(request, line) {
  const handler = HANDLERS[request.handler];
  if (handler === undefined) return { type: "skip", id: request.id, reason: "not implemented" };
  try {
    // GEN-7: the preset first, then the input schema, then the handler's own checks.
    if (!PRESETS.includes(request.preset)) throw new Rejection("UNKNOWN_PRESET", `no preset ${request.preset}`);
    checkInput(request.handler, request.input, line);
    return { type: "result", id: request.id, output: handler(request.input) };
  } catch (error) {
    if (error instanceof Rejection) return { type: "error", id: request.id, code: error.code, detail: error.message };
    throw error;
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const message = JSON.parse(line);
  if (message.type === "shutdown") process.exit(0);
  const reply =
    message.type === "hello"
      ? {
          type: "hello",
          protocol_version: 1,
          client: { name: "example-node-adapter", version: "1.0.0" },
          handlers: Object.keys(HANDLERS),
          presets: PRESETS,
          features: [],
        }
      : answer(message, line);
  process.stdout.write(JSON.stringify(reply) + "\n");
});
lines.on("close", () => process.exit(0));
