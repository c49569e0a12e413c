// Lint: typescript-eslint's type-checked rules over the library, demo, bench and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", "test-artifacts/", "api/", "**/*.mjs", "**/*.cjs", "**/*.d.mts", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ["./tsconfig.test.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // The admin page's browser modules compile with the DOM library, in their own project.
    files: ["lib/admin-ui/**/*.ts"],
    languageOptions: { parserOptions: { project: ["./tsconfig.admin-ui.json"], tsconfigRootDir: import.meta.dirname } },
  },
  {
    // Tests read JSON bodies of real responses, which are untyped by nature; node:test's
    // describe/it return promises the runner itself awaits.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Test callbacks are async by habit so that an await added later needs no other change.
      "@typescript-eslint/require-await": "off",
      // Response bodies of real HTTP calls are untyped JSON; tests read them as such.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["describe", "it", "test", "suite", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
    },
  },
);
