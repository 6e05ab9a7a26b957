/**
 * A string that only the scripted engine's code contains; the build test looks for it. In a module of its
 * own, so that the test reads it without the model catalog's JSON (Node imports JSON only with an attribute).
 */
export const SCRIPTED_ENGINE_MARKER = '스크립트 엔진의 답변';
