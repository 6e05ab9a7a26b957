import type { GenerateOptions, GenerateRequest } from '../engine/chat-engine';
import type { GenerationResult } from '../engine/protocol';
import { ScriptedEngine } from '../engine/scripted/scripted-engine';

/**
 * The scripted engine, watched from the worker's side of the protocol: every request as it arrived (after
 * the message channel and the worker's checks) and every result as it was reported.
 */
export class RecordingEngine extends ScriptedEngine {
  readonly requests: GenerateRequest[] = [];
  readonly results: GenerationResult[] = [];
  /**
   * Changes the next result before it is reported, once: the real engine's ids differ from the scripted
   * one's (one per code point), e.g. where it cut a turn header the model began.
   */
  reportNext: ((result: GenerationResult) => GenerationResult) | undefined;

  override async generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerationResult> {
    this.requests.push(request);
    const change = this.reportNext;
    this.reportNext = undefined;
    const drawn = await super.generate(request, options);
    const result = change ? change(drawn) : drawn;
    this.results.push(result);
    return result;
  }
}
