// ESLint for the PWA (frontend/): plain ES modules run by the browser as written, no build step.
// `make lint` runs it with `prettier --check`; layout is Prettier's job, so no style rules here.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // Produced from perisai/translations by `python -m perisai.i18n_export`.
    ignores: ["frontend/js/messages.js"],
  },
  js.configs.recommended,
  {
    files: ["frontend/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      "no-unused-vars": ["error", { caughtErrors: "none", ignoreRestSiblings: true }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["frontend/sw.js"],
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
