import catalog from '../../model-config/models.json';

/** One build of the model, as `model-config/models.json` describes it. */
export interface ModelRecord {
  readonly id: string;
  readonly quantization: 'q4f16_1' | 'q4f32_1';
  /** File name of the compiled WebGPU model library, next to the weights. */
  readonly modelLib: string;
  readonly requiredFeatures: readonly string[];
  readonly contextWindow: number;
}

export const modelRecords: readonly ModelRecord[] = catalog.models as readonly ModelRecord[];

export const defaultModelId: string = catalog.defaultModelId;

export function findModelRecord(modelId: string): ModelRecord | undefined {
  return modelRecords.find((record) => record.id === modelId);
}
