import type { EngineErrorCode, LoadPhase } from '../../engine/protocol';

export type Locale = 'ko' | 'en';

const ko = {
  'app.title': '한글 라마',
  'app.tagline': '내 브라우저 안에서만 돌아가는 한국어 AI 채팅',
  'app.language': 'English',
  'app.languageLabel': 'Switch to English',
  'model.name': 'Llama-2-ko 7B Chat',
  'model.status.idle': '모델 꺼짐',
  'model.status.loading': '불러오는 중',
  'model.status.ready': '준비됨',
  'model.status.failed': '오류',
  'model.idle.title': '먼저 모델을 불러오세요',
  'model.idle.body':
    '모델은 이 기기의 GPU에서 실행됩니다. 대화 내용은 어떤 서버에도 전송되지 않습니다. 처음 한 번은 몇 GB를 내려받아야 합니다.',
  'model.load': '모델 불러오기',
  'model.loading.title': '모델을 불러오는 중…',
  'model.cancel': '취소',
  'model.retry': '다시 시도',
  'model.failed.title': '모델을 불러오지 못했습니다',
  'model.progressLabel': '모델 불러오기 진행률',
  'model.megabytes': '{done} / {total} MB',
  'phase.preparing': '준비 중',
  'phase.download': '내려받는 중',
  'phase.cache': '캐시에서 읽는 중',
  'phase.compile': 'GPU 셰이더 준비 중',
  'phase.finishing': '마무리하는 중',
  'chat.empty.title': '무엇이든 물어보세요',
  'chat.empty.body': '대화는 이 브라우저 안에만 남습니다.',
  'chat.log': '대화',
  'message.user': '나',
  'message.assistant': '라마',
  'message.pending': '답변을 준비하는 중…',
  'message.stopped': '중지됨',
  'message.truncated': '최대 길이에 도달해 답변이 잘렸습니다.',
  'message.failed': '답변을 만들지 못했습니다.',
  'message.stats': '토큰 {tokens}개 · {speed} 토큰/초 · {seconds}초',
  'composer.label': '메시지 입력',
  'composer.placeholder': '메시지를 입력하세요',
  'composer.hint': 'Enter로 보내기 · Shift+Enter로 줄바꿈',
  'composer.hint.answering': 'Esc 또는 중지 버튼으로 답변을 멈출 수 있어요.',
  'composer.hint.notReady': '모델을 불러온 뒤에 보낼 수 있어요.',
  'composer.send': '보내기',
  'composer.stop': '답변 중지',
  'error.details': '자세한 내용',
  'error.webgpu-unavailable':
    '이 브라우저에서는 WebGPU를 쓸 수 없습니다. 최신 Chrome이나 Edge에서 열고, 그래픽 가속이 켜져 있는지 확인하세요.',
  'error.shader-f16-unsupported':
    '이 GPU는 16비트 셰이더(shader-f16)를 지원하지 않습니다. 32비트 버전 모델을 쓰세요.',
  'error.device-lost': 'GPU 연결이 끊어졌습니다. 대화는 그대로 있습니다. 모델을 다시 불러오세요.',
  'error.out-of-memory': 'GPU 메모리가 부족합니다. 다른 탭이나 프로그램을 닫고 다시 시도하세요.',
  'error.quota-exceeded':
    '저장 공간이 부족해 모델을 보관할 수 없습니다. 브라우저 저장 공간을 비운 뒤 다시 시도하세요.',
  'error.network': '네트워크 오류로 내려받기가 멈췄습니다. 연결을 확인하고 다시 시도하면 이어서 받습니다.',
  'error.model-files-missing':
    '모델 파일을 찾을 수 없습니다. 앱을 배포한 곳의 모델 파일 위치 설정을 확인하세요.',
  'error.model-files-corrupt': '모델 파일이 손상되었습니다. 캐시를 지우고 다시 내려받으세요.',
  'error.model-lib-mismatch':
    '모델 라이브러리가 이 앱의 런타임과 맞지 않습니다. 같은 버전으로 빌드한 파일이 필요합니다.',
  'error.context-window-exceeded': '메시지가 너무 길어 모델의 문맥 창(4,096 토큰)에 들어가지 않습니다.',
  'error.not-loaded': '모델이 불러와져 있지 않습니다. 모델을 다시 불러오세요.',
  'error.busy': '이미 답변을 만들고 있습니다. 끝나거나 중지한 뒤에 보내세요.',
  'error.load-cancelled': '모델 불러오기를 취소했습니다.',
  'error.invalid-request': '요청을 처리할 수 없습니다. 페이지를 새로 고쳐 보세요.',
  'error.worker-failed': '모델 작업자(Web Worker)가 멈췄습니다. 페이지를 새로 고쳐 보세요.',
  'error.unknown': '알 수 없는 오류가 발생했습니다.',
} as const;

export type MessageKey = keyof typeof ko;

const en: Record<MessageKey, string> = {
  'app.title': 'Hangul Llama',
  'app.tagline': 'Korean AI chat that runs only inside your browser',
  'app.language': '한국어',
  'app.languageLabel': '한국어로 보기',
  'model.name': 'Llama-2-ko 7B Chat',
  'model.status.idle': 'Model off',
  'model.status.loading': 'Loading',
  'model.status.ready': 'Ready',
  'model.status.failed': 'Error',
  'model.idle.title': 'Load the model first',
  'model.idle.body':
    'The model runs on this device’s GPU. Your conversations are never sent to any server. The first load downloads a few GB.',
  'model.load': 'Load model',
  'model.loading.title': 'Loading the model…',
  'model.cancel': 'Cancel',
  'model.retry': 'Try again',
  'model.failed.title': 'The model could not be loaded',
  'model.progressLabel': 'Model loading progress',
  'model.megabytes': '{done} / {total} MB',
  'phase.preparing': 'Preparing',
  'phase.download': 'Downloading',
  'phase.cache': 'Reading from cache',
  'phase.compile': 'Preparing GPU shaders',
  'phase.finishing': 'Finishing',
  'chat.empty.title': 'Ask anything',
  'chat.empty.body': 'Conversations stay inside this browser.',
  'chat.log': 'Conversation',
  'message.user': 'You',
  'message.assistant': 'Llama',
  'message.pending': 'Preparing an answer…',
  'message.stopped': 'Stopped',
  'message.truncated': 'The answer reached the length limit and was cut off.',
  'message.failed': 'The answer could not be generated.',
  'message.stats': '{tokens} tokens · {speed} tokens/s · {seconds} s',
  'composer.label': 'Message',
  'composer.placeholder': 'Type a message',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',
  'composer.hint.answering': 'Press Esc or Stop to end the answer.',
  'composer.hint.notReady': 'You can send once the model is loaded.',
  'composer.send': 'Send',
  'composer.stop': 'Stop answer',
  'error.details': 'Details',
  'error.webgpu-unavailable':
    'WebGPU is not available in this browser. Open the app in a recent Chrome or Edge with graphics acceleration on.',
  'error.shader-f16-unsupported':
    'This GPU does not support 16-bit shaders (shader-f16). Use the 32-bit build.',
  'error.device-lost': 'The GPU connection was lost. Your conversation is kept. Load the model again.',
  'error.out-of-memory': 'Not enough GPU memory. Close other tabs or programs and try again.',
  'error.quota-exceeded': 'Not enough storage to keep the model. Free up browser storage and try again.',
  'error.network': 'The download stopped on a network error. Check the connection and try again to resume.',
  'error.model-files-missing': 'The model files were not found. Check where the deployment hosts them.',
  'error.model-files-corrupt': 'The model files are damaged. Clear the cache and download them again.',
  'error.model-lib-mismatch':
    'The model library does not match this app’s runtime. It must be built for the same version.',
  'error.context-window-exceeded': 'The message is too long for the model’s context window (4,096 tokens).',
  'error.not-loaded': 'No model is loaded. Load the model again.',
  'error.busy': 'An answer is already being generated. Wait or stop it, then send.',
  'error.load-cancelled': 'Loading the model was cancelled.',
  'error.invalid-request': 'The request could not be handled. Try reloading the page.',
  'error.worker-failed': 'The model worker stopped. Try reloading the page.',
  'error.unknown': 'An unknown error occurred.',
};

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { ko, en };

export function errorKey(code: EngineErrorCode): MessageKey {
  return `error.${code}`;
}

export function phaseKey(phase: LoadPhase): MessageKey {
  return `phase.${phase}`;
}

export function translate(
  locale: Locale,
  key: MessageKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  return dictionaries[locale][key].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}
