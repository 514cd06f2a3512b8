import { Schema } from "effect"
import { QueryDatasetResponse } from "./generated/schemas/datasets.ts"
import { annotatedPageJson } from "./bench/fixtures.ts"
const text = annotatedPageJson(1000)
const decode = Schema.decodeUnknownSync(QueryDatasetResponse)
const time = (f: () => unknown) => { for (let i = 0; i < 5; i++) f(); const t = performance.now(); for (let i = 0; i < 20; i++) f(); return (performance.now() - t) / 20 }
const parse = time(() => JSON.parse(text))
const dec = time(() => decode(JSON.parse(text)))
console.log(parse.toFixed(2), dec.toFixed(2), (dec / parse).toFixed(2))
const v = decode(JSON.parse(text)) as any
console.log(JSON.stringify(v.results[0]).slice(0, 300))
