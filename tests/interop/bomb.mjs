#!/usr/bin/env node
// Decompression bombs for the decoded-size caps, made by the reference JS Automerge:
//
//   node bomb.mjs text COUNT OUTFILE   a note whose body holds COUNT characters ("a"s)
//   node bomb.mjs keys COUNT OUTFILE   a note whose meta map holds COUNT keys
//   node bomb.mjs counter 1 OUTFILE    a document holding an incremented Counter (it makes
//                                      the Python binding panic)
//
// Writes the sync message the document's holder sends to a peer that has nothing (the answer
// to an empty document's first message): ten million characters fit in about 10 KB. Prints
// the message's size. fixtures/bomb-text-10m.syncmsg was made with `text 10000000` (38 s),
// fixtures/counter.syncmsg with `counter 1`.
// Exit codes: 0 written, 64 usage.

import fs from "node:fs"
import * as A from "@automerge/automerge"

const [kind, rawCount, out] = process.argv.slice(2)
const count = Number(rawCount)
if (!["text", "keys", "counter"].includes(kind) || !(count > 0) || !out) {
  process.stderr.write("usage: bomb.mjs text|keys|counter COUNT OUTFILE\n")
  process.exit(64)
}
let doc
if (kind === "text") {
  doc = A.from({ meta: { title: "bomb", kind: "note" }, body: "" })
  doc = A.change(doc, d => A.splice(d, ["body"], 0, 0, "a".repeat(count)))
} else if (kind === "counter") {
  doc = A.from({ title: "hostile", count: new A.Counter(1) })
  doc = A.change(doc, d => d.count.increment(41))
} else {
  const meta = { title: "bomb", kind: "note" }
  for (let i = 0; i < count; i++) meta["k" + i] = i
  doc = A.from({ meta, body: "keys" })
}
const [, first] = A.generateSyncMessage(A.init(), A.initSyncState())
const [held, state] = A.receiveSyncMessage(doc, A.initSyncState(), first)
const [, message] = A.generateSyncMessage(held, state)
fs.writeFileSync(out, message)
process.stdout.write(`${message.length}\n`)
