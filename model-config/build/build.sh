#!/usr/bin/env bash
# Builds kfkas/Llama-2-ko-7b-Chat for the app: MLC weights, an mlc-chat-config.json with the kullm template and
# one WebGPU model library per quantization, laid out as <OUTPUT_DIR>/<model id>/resolve/main/, each checked with
# `npm run check-model` and listed with SHA-256 sums in its integrity.json. Set up the toolchain first (README.md
# next to this file, "Toolchain"); this script checks it before downloading anything.
#
# Environment (all optional except the two source directories):
#   TVM_SOURCE_DIR       TVM checkout whose web runtime is built (web/dist/wasm/*.bc)           [required]
#   MLC_LLM_SOURCE_DIR   MLC LLM checkout whose web runtime is built (web/dist/wasm/*.bc)       [required]
#   OUTPUT_DIR           where the model folders go                      [<repo>/public/models]
#   QUANTIZATIONS        space-separated, each one a record of model-config/models.json  [q4f16_1 q4f32_1]
#   WORK_DIR             download cache                          [~/.cache/hangul-llama/model-build]
#   MODEL_SOURCE_DIR     an existing download of the Hugging Face repo; skips the download
#   MODEL_REVISION       branch, tag or commit of kfkas/Llama-2-ko-7b-Chat to download          [main]
#   PREFILL_CHUNK_SIZE   tokens per prefill step baked into the library                        [1024]
#   CONVERT_DEVICE       device for convert_weight: auto, cpu, cuda, …                          [auto]
#   PYTHON               the interpreter that has mlc_llm and tvm                            [python3]
#   ALLOW_VERSION_MISMATCH=1  turn the toolchain version checks into warnings (the library may then not load)
set -euo pipefail

# The pins. How they were chosen: README.md, "Pinned versions".
readonly WEBLLM_VERSION=0.2.86
readonly TVMJS_VERSION=0.28.0-dev0
readonly EMSDK_VERSION=3.1.56
readonly HF_MODEL=kfkas/Llama-2-ko-7b-Chat
readonly VOCAB_SIZE=46336

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly REPO_ROOT
OUTPUT_DIR=${OUTPUT_DIR:-$REPO_ROOT/public/models}
QUANTIZATIONS=${QUANTIZATIONS:-q4f16_1 q4f32_1}
WORK_DIR=${WORK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hangul-llama/model-build}
MODEL_REVISION=${MODEL_REVISION:-main}
PREFILL_CHUNK_SIZE=${PREFILL_CHUNK_SIZE:-1024}
CONVERT_DEVICE=${CONVERT_DEVICE:-auto}
PYTHON=${PYTHON:-python3}
TSX=$REPO_ROOT/node_modules/.bin/tsx
CATALOG=$REPO_ROOT/model-config/models.json

step() { printf '\n==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
version_mismatch() {
  if [[ ${ALLOW_VERSION_MISMATCH:-0} == 1 ]]; then warn "$*"; else die "$* (ALLOW_VERSION_MISMATCH=1 to go on anyway)"; fi
}

# Prints one field of the models.json record of a quantization, so that names are defined in one place.
record_field() {
  node -e '
    const [catalog, quantization, field] = process.argv.slice(1);
    const record = JSON.parse(require("fs").readFileSync(catalog, "utf8")).models.find((m) => m.quantization === quantization);
    if (!record || record[field] === undefined) process.exit(1);
    console.log(record[field]);
  ' "$CATALOG" "$1" "$2" || die "model-config/models.json has no $2 for quantization '$1'."
}

check_prerequisites() {
  step "Checking the toolchain"
  command -v node >/dev/null || die "node is not on PATH (Node 20+, the repo's runtime)."
  [[ -x $TSX ]] || die "$TSX is missing: run 'npm install' in $REPO_ROOT first."
  local webllm
  webllm=$(node -p 'require(process.argv[1]).version' "$REPO_ROOT/node_modules/@mlc-ai/web-llm/package.json" 2>/dev/null) ||
    die "@mlc-ai/web-llm is not installed in $REPO_ROOT/node_modules."
  [[ $webllm == "$WEBLLM_VERSION" ]] ||
    version_mismatch "the app uses web-llm $webllm but these pins are for $WEBLLM_VERSION; re-pin (README.md)."

  command -v "$PYTHON" >/dev/null || die "$PYTHON is not on PATH (set PYTHON to the interpreter with mlc_llm)."
  "$PYTHON" -c 'import mlc_llm, tvm' 2>/dev/null ||
    die "'$PYTHON -c \"import mlc_llm, tvm\"' fails: install MLC LLM and TVM (README.md, Toolchain step 3)."
  "$PYTHON" -c 'import transformers' 2>/dev/null ||
    warn "transformers is not installed: gen_config cannot count the tokenizer (active_vocab_size); pip install transformers."

  command -v emcc >/dev/null || die "emcc is not on PATH: install emsdk $EMSDK_VERSION and source emsdk_env.sh."
  local emcc_version
  emcc_version=$(emcc --version | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
  [[ $emcc_version == "$EMSDK_VERSION" ]] ||
    version_mismatch "emcc is $emcc_version, expected $EMSDK_VERSION (newer emcc builds libraries that fail to link in the browser)."

  [[ -n ${TVM_SOURCE_DIR:-} && -d ${TVM_SOURCE_DIR:-} ]] ||
    die "TVM_SOURCE_DIR must point to the TVM checkout (README.md, Toolchain step 1)."
  [[ -n ${MLC_LLM_SOURCE_DIR:-} && -d ${MLC_LLM_SOURCE_DIR:-} ]] ||
    die "MLC_LLM_SOURCE_DIR must point to the MLC LLM checkout (README.md, Toolchain step 1)."
  local tvmjs
  tvmjs=$(node -p 'require(process.argv[1]).version' "$TVM_SOURCE_DIR/web/package.json" 2>/dev/null) ||
    die "$TVM_SOURCE_DIR/web/package.json is missing: TVM_SOURCE_DIR is not a TVM checkout."
  [[ $tvmjs == "$TVMJS_VERSION" ]] ||
    version_mismatch "TVM's web runtime is $tvmjs but web-llm $WEBLLM_VERSION bundles $TVMJS_VERSION: check out a matching TVM."
  local bitcode
  for bitcode in "$TVM_SOURCE_DIR"/web/dist/wasm/{wasm_runtime,tvmjs_support,webgpu_runtime}.bc \
    "$MLC_LLM_SOURCE_DIR/web/dist/wasm/mlc_wasm_runtime.bc"; do
    [[ -f $bitcode ]] || die "$bitcode is missing: run ./web/prep_emcc_deps.sh in MLC_LLM_SOURCE_DIR (README.md, Toolchain step 4)."
  done

  local tvm_python_commit tvm_source_commit
  tvm_python_commit=$("$PYTHON" -c 'import tvm; print(tvm.support.libinfo().get("GIT_COMMIT_HASH", ""))' 2>/dev/null || true)
  tvm_source_commit=$(git -C "$TVM_SOURCE_DIR" rev-parse HEAD 2>/dev/null || true)
  if [[ -n $tvm_python_commit && -n $tvm_source_commit && $tvm_python_commit != "$tvm_source_commit" ]]; then
    warn "the Python TVM was built from $tvm_python_commit but TVM_SOURCE_DIR is at $tvm_source_commit;" \
      "the compiler and the web runtime should come from the same commit."
  fi

  if [[ -z ${MODEL_SOURCE_DIR:-} ]]; then
    command -v hf >/dev/null || command -v huggingface-cli >/dev/null ||
      die "neither 'hf' nor 'huggingface-cli' is on PATH: pip install -U huggingface_hub (or set MODEL_SOURCE_DIR)."
  fi

  local quantization
  for quantization in $QUANTIZATIONS; do
    record_field "$quantization" id >/dev/null
  done
}

download_model() {
  if [[ -n ${MODEL_SOURCE_DIR:-} ]]; then
    SOURCE_DIR=$MODEL_SOURCE_DIR
    step "Using the download in $SOURCE_DIR"
  else
    SOURCE_DIR=$WORK_DIR/${HF_MODEL//\//--}@$MODEL_REVISION
    step "Downloading $HF_MODEL@$MODEL_REVISION to $SOURCE_DIR"
    mkdir -p "$SOURCE_DIR"
    local hf_cli=hf
    command -v hf >/dev/null || hf_cli=huggingface-cli
    "$hf_cli" download "$HF_MODEL" --revision "$MODEL_REVISION" --local-dir "$SOURCE_DIR"
  fi

  [[ -f $SOURCE_DIR/config.json ]] || die "$SOURCE_DIR/config.json is missing: not a Hugging Face model folder."
  # The fast tokenizer carries the Korean vocabulary; tokenizer.model alone does not (docs/prompt.md).
  [[ -f $SOURCE_DIR/tokenizer.json ]] ||
    die "$SOURCE_DIR/tokenizer.json is missing: the fast tokenizer is required (the model card loads it with use_fast=True)."
  "$PYTHON" - "$SOURCE_DIR" "$VOCAB_SIZE" <<'PY' || die "the download is not kfkas/Llama-2-ko-7b-Chat with its Korean vocabulary."
import json, sys
source, expected = sys.argv[1], int(sys.argv[2])
config = json.load(open(f"{source}/config.json", encoding="utf-8"))
tokenizer = json.load(open(f"{source}/tokenizer.json", encoding="utf-8"))
vocab = set(tokenizer["model"]["vocab"].values()) | {t["id"] for t in tokenizer.get("added_tokens", [])}
print(f"config.json vocab_size {config.get('vocab_size')}, tokenizer.json ids {len(vocab)}")
sys.exit(0 if config.get("vocab_size") == expected and len(vocab) >= expected else 1)
PY
  # The window the app is built for must lie within the positions the model was trained on.
  local quantization
  for quantization in $QUANTIZATIONS; do
    "$TSX" "$REPO_ROOT/model-config/build/write-chat-config.ts" --check-context "$SOURCE_DIR/config.json" \
      "$(record_field "$quantization" contextWindow)" ||
      die "the context window of $quantization in model-config/models.json does not fit the model (see above)."
  done
  # For build-info.json: the commit behind a branch name, or whatever identifies a local copy.
  if [[ -n ${MODEL_SOURCE_DIR:-} ]]; then
    MODEL_COMMIT=$(git -C "$SOURCE_DIR" rev-parse HEAD 2>/dev/null || echo "local copy at $SOURCE_DIR")
  else
    MODEL_COMMIT=$("$PYTHON" -c 'import sys
from huggingface_hub import HfApi
print(HfApi().model_info(sys.argv[1], revision=sys.argv[2]).sha)' "$HF_MODEL" "$MODEL_REVISION" 2>/dev/null || echo "$MODEL_REVISION")
  fi
}

toolchain_info() {
  "$PYTHON" - <<'PY'
import json
from importlib import metadata
info = {}
try:
    import tvm
    info["tvm_version"] = tvm.__version__
    info["tvm_git_commit"] = tvm.support.libinfo().get("GIT_COMMIT_HASH", "")
except Exception as error:  # recorded, not fatal: this is a build note
    info["tvm_error"] = str(error)
info["python_packages"] = {
    dist.metadata["Name"]: dist.version
    for dist in metadata.distributions()
    if dist.metadata["Name"] and dist.metadata["Name"].lower().startswith(("mlc", "apache-tvm", "tvm"))
}
print(json.dumps(info))
PY
}

build_quantization() {
  local quantization=$1 id lib context_window dest
  id=$(record_field "$quantization" id)
  lib=$(record_field "$quantization" modelLib)
  context_window=$(record_field "$quantization" contextWindow)
  dest=$OUTPUT_DIR/$id/resolve/main

  step "$id: converting the weights ($quantization)"
  # A fresh folder: shards left from an earlier build would be served next to the new index.
  rm -rf "$dest"
  mkdir -p "$dest"
  "$PYTHON" -m mlc_llm convert_weight "$SOURCE_DIR" --quantization "$quantization" --device "$CONVERT_DEVICE" -o "$dest"
  if [[ ! -f $dest/tensor-cache.json ]]; then
    [[ -f $dest/ndarray-cache.json ]] && die "convert_weight wrote ndarray-cache.json: this MLC LLM is older than web-llm $WEBLLM_VERSION reads."
    die "convert_weight wrote no tensor-cache.json in $dest."
  fi

  step "$id: mlc-chat-config.json"
  "$PYTHON" -m mlc_llm gen_config "$SOURCE_DIR" --quantization "$quantization" --conv-template LM \
    --context-window-size "$context_window" --prefill-chunk-size "$PREFILL_CHUNK_SIZE" -o "$dest"
  # Before compile, which reads this file: the template, window and sampling defaults come from the project.
  "$TSX" "$REPO_ROOT/model-config/build/write-chat-config.ts" "$dest/mlc-chat-config.json"
  [[ -f $dest/tokenizer.json ]] || die "gen_config did not copy tokenizer.json to $dest."

  step "$id: compiling $lib for WebGPU"
  "$PYTHON" -m mlc_llm compile "$dest/mlc-chat-config.json" --device webgpu -o "$dest/$lib"
  [[ -s $dest/$lib ]] || die "mlc_llm compile wrote no $dest/$lib."

  # Next to resolve/, so that it is not one of the files the app fetches.
  node -e '
    const fs = require("fs");
    const crypto = require("crypto");
    const [file, dest, lib, quantization, model, revision, toolchain, ...pins] = process.argv.slice(1);
    const sha256 = (name) => crypto.createHash("sha256").update(fs.readFileSync(`${dest}/${name}`)).digest("hex");
    const info = {
      model, revision, quantization,
      pins: Object.fromEntries(pins.map((pin) => pin.split("="))),
      toolchain: JSON.parse(toolchain),
      files: Object.fromEntries(fs.readdirSync(dest).sort().map((name) => [name, fs.statSync(`${dest}/${name}`).size])),
      sha256: { [lib]: sha256(lib), "mlc-chat-config.json": sha256("mlc-chat-config.json"), "tensor-cache.json": sha256("tensor-cache.json") },
    };
    fs.writeFileSync(file, JSON.stringify(info, null, 2) + "\n");
  ' "$OUTPUT_DIR/$id/build-info.json" "$dest" "$lib" "$quantization" "$HF_MODEL" "$MODEL_COMMIT" "$TOOLCHAIN" \
    "web-llm=$WEBLLM_VERSION" "tvmjs=$TVMJS_VERSION" "emcc=$(emcc --version | head -n 1)" \
    "tvm_source=$(git -C "$TVM_SOURCE_DIR" rev-parse HEAD 2>/dev/null || echo unknown)" \
    "mlc_llm_source=$(git -C "$MLC_LLM_SOURCE_DIR" rev-parse HEAD 2>/dev/null || echo unknown)"

  step "$id: checking the build"
  # The folder as the app will load it, against models.json and the installed web-llm (template, vocabulary,
  # window, shards and sizes, the library's imports and exports): what passes the compiler can still fail there.
  # A failure does not stop the other quantizations (an hour each); the script fails at the end.
  if "$TSX" "$REPO_ROOT/scripts/check-model.ts" "$dest" --model "$id" --source-config "$SOURCE_DIR/config.json"; then
    step "$id: integrity.json"
    # Only for a build that passed, and last, so that it lists exactly the files that were checked.
    "$TSX" "$REPO_ROOT/scripts/integrity-manifest.ts" "$dest"
  else
    warn "$id: the build in $dest has the problems listed above; no integrity.json written."
    FAILED_CHECKS+=("$id")
  fi
  printf '%s: %s in %s\n' "$id" "$(du -sh "$dest" | cut -f1)" "$dest"
}

main() {
  check_prerequisites
  download_model
  TOOLCHAIN=$(toolchain_info)
  export TVM_SOURCE_DIR MLC_LLM_SOURCE_DIR
  local quantization
  FAILED_CHECKS=()
  for quantization in $QUANTIZATIONS; do
    build_quantization "$quantization"
  done
  if ((${#FAILED_CHECKS[@]} > 0)); then
    die "${FAILED_CHECKS[*]} did not pass the check (problems above). The files stay in $OUTPUT_DIR: fix what the" \
      "problems say (a figure of models.json, such as weightBytes on a first build: edit it; a file: build again), then" \
      "run 'npm run check-model -- <folder> --model <id>' and 'npx tsx scripts/integrity-manifest.ts <folder>' on each."
  fi
  step "Done"
  echo "The app loads $OUTPUT_DIR/<model id>/resolve/main/ from its artifacts base (by default its own origin + models/)."
  echo "To host the files elsewhere, see README.md next to this script, \"Hosting\"; once uploaded,"
  echo "'npm run check-model -- <URL of a model's resolve/main/ folder>' checks the hosted copy."
}

main "$@"
