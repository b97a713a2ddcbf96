import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/", "web/dist/", "node_modules/", "bench/data/", ".recoup/", "coverage/", "scratch/", "test-results/"],
  },
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
  {
    // The web app runs in the browser; it may import the server's types only (src/server/api-types.ts).
    files: ["web/src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../../../src/*", "../../src/*"], allowTypeImports: true, message: "Import types only from the server." }] },
      ],
    },
  },
);
