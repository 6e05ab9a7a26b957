/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the model files are hosted: absolute, or relative to the app. Default: the app's `models/`. */
  readonly VITE_MODEL_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
