// Usage: npm run check-model -- <model folder or http(s) URL of one> [--model <id>] [--source-config <config.json>]
// Checks a build of the model against model-config/models.json and the installed web-llm; build.sh runs it on
// every build it makes. The checks live in scripts/check-model/.
import { modelCatalog } from '../src/engine/model-records';
import { runCheckModel } from './check-model/cli';

process.exitCode = await runCheckModel(process.argv.slice(2), {
  catalog: modelCatalog,
  write: (line) => {
    console.log(line);
  },
});
