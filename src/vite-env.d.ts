/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the model files are hosted: absolute, or relative to the app. Default: the app's `models/`. */
  readonly VITE_MODEL_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

/** The app's version (package.json), written in at build time. */
declare const __APP_VERSION__: string;
/** The version of @mlc-ai/web-llm the build bundles, written in at build time. */
declare const __WEB_LLM_VERSION__: string;
