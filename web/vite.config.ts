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
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(file.fileName)) continue;
        const source = file.type === "chunk" ? file.code : file.source;
        const bytes = typeof source === "string" ? Buffer.from(source) : Buffer.from(source);
        if (bytes.length < 1024) continue;
        this.emitFile({ type: "asset", fileName: `${file.fileName}.br`, source: brotliCompressSync(bytes) });
        this.emitFile({
          type: "asset",
          fileName: `${file.fileName}.gz`,
          source: gzipSync(bytes, { level: 9 }),
        });
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
