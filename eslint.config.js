import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "bench/data/", ".recoup/", "coverage/", "scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/domain/**/*.ts"],
    rules: {
      // The domain core is pure: no I/O, no clock.
      "no-restricted-imports": ["error", { patterns: ["node:*", "pg", "kysely", "../db/*", "../server/*"] }],
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "Inject the clock." }],
    },
  },
);
