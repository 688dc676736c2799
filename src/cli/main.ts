#!/usr/bin/env node
// The `fieldstream` command. Today it explains itself; the live demo and `extract` build on the
// provider layer and arrive with it, under the same command names.

const USAGE = `fieldstream: stream structured LLM output field by field

Usage:
  fieldstream demo           the live terminal demo (offline by default)
  fieldstream extract        extract a schema from text with an LLM
  fieldstream mock-server    a wire-compatible mock LLM provider on loopback
  fieldstream --help         this text

The library itself is ready to use:
  import { createPartialParser } from "fieldstream";
`;

function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === "demo" || command === "extract" || command === "mock-server") {
    process.stdout.write(`fieldstream ${command}: not available in this version yet.\n\n${USAGE}`);
    return 0;
  }
  process.stderr.write(`fieldstream: unknown command "${command}". Run "fieldstream --help".\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
