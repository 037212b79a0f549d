// Bundles the web UI into OUT_DIR (what `runt serve --web-dir` serves) and the node test
// programs into OUT_DIR/../web-tests. Nothing is fetched at run time: every library is bundled.
// Usage: node build.mjs OUT_DIR
import * as esbuild from 'esbuild'
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = resolve(process.argv[2] ?? join(here, '..', 'build', 'web-ui'))
mkdirSync(join(out, 'assets'), { recursive: true })
cpSync(join(here, 'static'), out, { recursive: true })

const common = { bundle: true, minify: true, sourcemap: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' }
await esbuild.build({
  ...common,
  entryPoints: { app: join(here, 'src/app/main.ts') },
  outdir: join(out, 'assets'),
  format: 'esm',
})

// The output frame's script is inlined into frame.html: requests from the sandboxed frame come
// from an opaque origin, so the SameSite=Strict login cookie does not ride on them.
const frame = await esbuild.build({ ...common, sourcemap: false, entryPoints: [join(here, 'src/frame/frame.ts')], write: false, format: 'iife' })
const frameScript = frame.outputFiles[0].text.replace(/<\/script/gi, '<\\/script')
const frameHtml = readFileSync(join(here, 'static/frame.html'), 'utf8')
if (!frameHtml.includes('<!-- frame.ts -->')) throw new Error('static/frame.html lost its <!-- frame.ts --> marker')
writeFileSync(join(out, 'frame.html'), frameHtml.replace('<!-- frame.ts -->', () => `<script>${frameScript}</script>`))

// The renderers too big for the app (web/src/render): one IIFE each in assets/render-<name>.js,
// which sets globalThis.runtRender_<name>, loaded only when an output needs it (by the app, or
// by an output frame through the app: see src/frame/load.ts).
// KaTeX's stylesheet goes into its chunk with the woff2 fonts inlined: the frame's CSP takes
// fonts only from data:, and every browser we serve reads woff2, so the woff/ttf fallbacks go.
const katexDist = join(here, 'node_modules/katex/dist')
const katexCss = (await esbuild.build({
  stdin: { contents: readFileSync(join(katexDist, 'katex.min.css'), 'utf8').replace(/,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, ''), loader: 'css', resolveDir: katexDist },
  bundle: true, minify: true, write: false, loader: { '.woff2': 'dataurl' }, logLevel: 'warning',
})).outputFiles[0].text
const katexCssModule = {
  name: 'katex-css',
  setup(build) {
    build.onResolve({ filter: /^katex-css$/ }, () => ({ path: 'katex-css', namespace: 'katex-css' }))
    build.onLoad({ filter: /.*/, namespace: 'katex-css' }, () => ({ contents: katexCss, loader: 'text' }))
  },
}
for (const name of ['plotly', 'vega', 'katex']) {
  await esbuild.build({
    ...common,
    sourcemap: false,
    entryPoints: { [`render-${name}`]: join(here, `src/render/${name}.ts`) },
    outdir: join(out, 'assets'),
    format: 'iife',
    globalName: `runtRender_${name}`,
    plugins: [katexCssModule],
  })
}

// Node programs (tests, benchmarks) that import the same TypeScript modules.
const tests = readdirSync(join(here, 'test')).filter((f) => f.endsWith('.ts'))
if (tests.length > 0) {
  await esbuild.build({
    ...common,
    minify: false,
    entryPoints: tests.map((f) => join(here, 'test', f)),
    outdir: join(out, '..', 'web-tests'),
    platform: 'node',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
  })
}
