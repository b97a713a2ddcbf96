import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** Where `npm run dev:web` sends API calls: a running `recoup serve` (override with RECOUP_API). */
const API_TARGET = process.env.RECOUP_API ?? "http://127.0.0.1:3000";

/**
 * Writes .br and .gz beside every text asset, so that `recoup serve` answers compressed requests
 * without compressing on each one (serveStatic's `precompressed`).
 */
function precompress(): Plugin {
  return {
    name: "recoup-precompress",
    apply: "build",
    enforce: "post",
    // After the files are written: their final text, with every placeholder Vite fills in late.
    writeBundle(options, bundle) {
      const outDir = options.dir!;
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue;
        const bytes = readFileSync(path.join(outDir, fileName));
        if (bytes.length < 1024) continue;
        writeFileSync(path.join(outDir, `${fileName}.br`), brotliCompressSync(bytes));
        writeFileSync(path.join(outDir, `${fileName}.gz`), gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 550,
  },
  server: {
    proxy: { "/api": { target: API_TARGET, changeOrigin: false } },
  },
});
