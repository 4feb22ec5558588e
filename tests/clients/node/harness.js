// A tiny check runner shared by the client scripts: every check runs (a
// failure does not stop the others), each failure is printed with what was
// expected and what came back, and the process exits 0 only if all passed.
'use strict';

const util = require('node:util');

class Checks {
  constructor(label, timeoutMs = 30000) {
    this.label = label;
    this.passed = 0;
    this.failures = [];
    this.current = '(startup)';
    // A client that hangs (waiting for a reply that never comes, or
    // reconnecting forever) still ends the script with a message.
    setTimeout(() => {
      console.log(`FAIL ${this.label}: timed out after ${timeoutMs} ms in check "${this.current}"`);
      process.exit(1);
    }, timeoutMs).unref();
  }

  async run(name, fn) {
    this.current = name;
    try {
      await fn();
      this.passed++;
    } catch (err) {
      this.failures.push(name);
      const text = err && err.stack ? err.stack : util.inspect(err);
      console.log(`FAIL ${name}:\n    ${text.replace(/\n/g, '\n    ')}`);
    }
  }

  finish() {
    const total = this.passed + this.failures.length;
    if (this.failures.length > 0) {
      console.log(`${this.label}: ${this.failures.length} of ${total} checks failed: ${this.failures.join(', ')}`);
      process.exit(1);
    }
    console.log(`${this.label}: all ${total} checks ok`);
    process.exit(0);
  }
}

function expectEq(actual, expected, what) {
  if (!util.isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: expected ${util.inspect(expected)}, got ${util.inspect(actual)}`);
  }
}

function expectTrue(cond, what) {
  if (!cond) throw new Error(what);
}

// `fn()` must reject (or throw) with an error whose message is `message`
// (a string: exact match; a RegExp: must match).
async function expectError(fn, message, what) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    const text = err && err.message;
    const ok = message instanceof RegExp ? message.test(text) : text === message;
    if (!ok) {
      throw new Error(`${what}: expected error ${util.inspect(message)}, got ${util.inspect(text)}`);
    }
    return err;
  }
  throw new Error(`${what}: expected error ${util.inspect(message)}, got reply ${util.inspect(result)}`);
}

// Loads an installed client package, or explains how to install it.
function requireClient(name) {
  try {
    return require(name);
  } catch (err) {
    console.log(`FAIL cannot load '${name}' (${err.message}).\n` +
                `Install the pinned clients with: (cd tests/clients/node && npm ci) ` +
                `-- scripts/test does this.`);
    process.exit(1);
  }
}

// The value of `field` in CLIENT INFO / CLIENT LIST text ("id=3 addr=... resp=2").
function clientField(line, field) {
  const m = new RegExp(`(?:^| )${field}=(\\S*)`).exec(line);
  return m ? m[1] : undefined;
}

function parsePort(argv) {
  const port = Number(argv[2]);
  if (!Number.isInteger(port) || port <= 0) {
    console.log(`usage: node ${argv[1]} PORT [client]`);
    process.exit(2);
  }
  return port;
}

module.exports = { Checks, expectEq, expectTrue, expectError, requireClient, clientField, parsePort };
