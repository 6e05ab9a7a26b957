import type { PreflightProblem } from '../../chat/preflight';
import type { EngineErrorCode, LoadPhase } from '../../engine/protocol';

import type { Locale } from '../../chat/settings-store';

export type { Locale };

const ko = {
  'app.title': '한글 라마',
  'app.tagline': '내 브라우저 안에서만 돌아가는 한국어 AI 채팅',
  'app.language': 'English',
  'app.languageLabel': 'Switch to English',
  'model.name': 'Llama-2-ko 7B Chat',
  'settings.open': '설정',
  'settings.app': '화면',
  'settings.language': '언어',
  'settings.theme': '테마',
  'settings.theme.system': '시스템 설정 따르기',
  'settings.theme.light': '밝게',
  'settings.theme.dark': '어둡게',
  'settings.sampling': '답변 생성',
  'settings.title': '설정',
  'settings.intro': '아래 샘플링 값은 이 대화에만 쓰입니다. 기본값은 모델 카드의 값입니다.',
  'settings.temperature': '온도 (temperature)',
  'settings.temperature.help': '클수록 답이 다양해지고, 작을수록 일정해집니다. 모델 카드: {value}',
  'settings.topK': 'top-k',
  'settings.topK.help': '가장 가능성 높은 k개 토큰 중에서만 고릅니다 (0이면 끔). 모델 카드: {value}',
  'settings.topP': 'top-p',
  'settings.topP.help': '확률이 높은 순으로 누적 확률 p까지의 토큰만 남깁니다. 모델 카드: {value}',
  'settings.repetitionPenalty': '반복 억제 (repetition penalty)',
  'settings.repetitionPenalty.help':
    '질문을 포함해 이미 나온 토큰의 점수를 낮춥니다 (1이면 끔). 모델 카드: {value}',
  'settings.noRepeatNgramSize': '같은 구절 금지 (no-repeat n-gram)',
  'settings.noRepeatNgramSize.help':
    '같은 n개 토큰 묶음이 다시 나오지 않게 합니다 (0이면 끔). 모델 카드: {value}',
  'settings.maxNewTokens': '최대 답변 길이 (토큰)',
  'settings.maxNewTokens.help': '한 답변의 최대 토큰 수입니다. 모델 카드: {value}',
  'settings.seed': '시드 (seed)',
  'settings.seed.help': '같은 시드, 같은 대화, 같은 설정이면 같은 답이 나옵니다. 비워 두면 매번 달라집니다.',
  'settings.beams': '빔 탐색 (num_beams=3): 사용할 수 없음',
  'settings.beams.help':
    '모델 카드는 빔 3개를 함께 뽑는 빔 샘플링을 쓰지만, 답을 나오는 대로 보여 주는 스트리밍 엔진은 한 줄만 뽑을 수 있습니다. 그래서 같은 단계(반복 억제, 구절 금지, 온도, top-k, top-p)로 한 줄을 샘플링합니다.',
  'settings.reset': '모델 카드 값으로 되돌리기',
  'settings.close': '닫기',
  'model.status.idle': '모델 꺼짐',
  'model.status.loading': '불러오는 중',
  'model.status.ready': '준비됨',
  'model.status.failed': '오류',
  'model.status.checking': '기기 확인 중',
  'model.status.elsewhere': '다른 탭에서 사용 중',
  'model.status.offline': '오프라인 가능',
  'preflight.checking': '이 기기에서 모델을 돌릴 수 있는지 확인하는 중…',
  'preflight.blocked.title': '이 기기에서는 모델을 실행할 수 없습니다',
  'preflight.recheck': '다시 확인',
  'preflight.problem.webgpu-unavailable':
    '이 브라우저에서는 WebGPU를 쓸 수 없습니다. Chrome 또는 Edge 최신 버전에서 열어 주세요. 이미 Chrome이라면 설정 › 시스템 › “가능한 경우 그래픽 가속 사용”을 켜고, chrome://gpu 에서 WebGPU 상태를 확인하세요.',
  'preflight.problem.no-adapter':
    '이 브라우저에서는 WebGPU를 쓸 수 없습니다: 쓸 수 있는 GPU 어댑터가 없습니다. 그래픽 드라이버를 업데이트하고 하드웨어 가속을 켜세요. Linux에서는 chrome://flags 의 “Unsafe WebGPU Support”를 켜야 할 수 있습니다. chrome://gpu 에서 WebGPU 상태를 확인하세요.',
  'preflight.problem.buffer-too-small':
    '이 GPU가 한 번에 다룰 수 있는 버퍼가 너무 작습니다({available} MB, 필요 {needed} MB). 더 최신 GPU가 있는 기기에서 열어 주세요.',
  'preflight.problem.storage-insufficient':
    '저장 공간이 부족합니다. {needed} GB가 필요한데 {available} GB만 남아 있습니다. 디스크 공간을 확보하거나 다른 사이트의 데이터를 지운 뒤 다시 확인하세요.',
  'preflight.ready.title': '모델을 불러올 준비가 되었습니다',
  'preflight.gpu': 'GPU',
  'preflight.build': '모델 빌드',
  'preflight.download': '내려받기',
  'preflight.memory': '필요한 GPU 메모리',
  'preflight.free': '남은 저장 공간',
  'preflight.cached': '이미 이 브라우저에 저장됨 · 오프라인에서도 불러올 수 있음',
  'preflight.downloadSize': '{size} GB (처음 한 번)',
  'preflight.memorySize': '약 {size} GB',
  'preflight.build.f16': '{quantization} (16비트 셰이더)',
  'preflight.build.f32': '{quantization} (이 GPU에는 shader-f16이 없어 32비트 빌드를 씁니다)',
  'preflight.note.software-adapter':
    '소프트웨어(CPU) WebGPU 어댑터입니다. 실행은 되지만 매우 느립니다. 실제 GPU가 있는 기기를 권장합니다.',
  'preflight.note.storage-not-persisted':
    '저장소 보호가 꺼져 있습니다. 공간이 부족하면 브라우저가 저장된 모델을 지울 수 있습니다.',
  'preflight.deleteFiles': '저장된 모델 파일 지우기',
  'persistence.granted': '저장소 보호 켜짐: 브라우저가 모델을 임의로 지우지 않습니다.',
  'persistence.denied':
    '저장소 보호 꺼짐: 공간이 부족하면 브라우저가 모델을 지울 수 있습니다. 앱을 설치하면 켜질 수 있어요.',
  'model.loadSize': '모델 불러오기 ({size} GB)',
  'model.speed': '{speed} MB/초',
  'model.timeLeft': '약 {time} 남음',
  'model.minutes': '{minutes}분 {seconds}초',
  'model.seconds': '{seconds}초',
  'model.elsewhere.title': '다른 탭에서 이미 모델을 쓰고 있습니다',
  'model.elsewhere.body':
    '모델은 GPU 메모리를 많이 쓰기 때문에 한 브라우저에서 하나만 불러옵니다. 이 탭에서 쓰면 다른 탭의 모델은 내려갑니다.',
  'model.takeOver': '이 탭에서 쓰기',
  'model.takenOver.title': '다른 탭이 모델을 가져갔습니다',
  'model.takenOver.body': '이 탭의 대화는 그대로 있습니다. 다시 가져오면 모델을 이 탭에서 불러옵니다.',
  'model.takeBack': '이 탭으로 가져오기',
  'model.reload': '모델 다시 불러오기',
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
  'phase.import': '폴더에서 복사하는 중',
  'folder.pick': '폴더에서 불러오기',
  'folder.drop': '빌드된 모델 폴더를 여기에 끌어다 놓아도 됩니다.',
  'folder.hint':
    '모델 파일(mlc-chat-config.json, tokenizer.json, tensor-cache.json, params_shard_*.bin, .wasm)이 있는 폴더를 고르면 서버 없이 불러옵니다.',
  'phase.download': '내려받는 중',
  'phase.cache': '캐시에서 읽는 중',
  'phase.compile': 'GPU 셰이더 준비 중',
  'phase.finishing': '마무리하는 중',
  'chat.empty.title': '무엇이든 물어보세요',
  'chat.empty.body': '대화는 이 브라우저 안에만 남습니다.',
  'chat.log': '대화',
  'chat.jumpToLatest': '최신 메시지로 이동 ↓',
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
  'composer.tooLong':
    '메시지가 너무 깁니다. 모델의 문맥 창(4,096 토큰)에 답변할 자리까지 들어가지 않습니다. 줄여서 다시 보내 주세요.',
  'message.dropped': '문맥 창이 가득 차서 앞선 메시지 {count}개를 빼고 답했습니다.',
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
  'settings.open': 'Settings',
  'settings.app': 'Display',
  'settings.language': 'Language',
  'settings.theme': 'Theme',
  'settings.theme.system': 'Follow the system',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.sampling': 'Answer generation',
  'settings.title': 'Settings',
  'settings.intro':
    'The sampling values below apply to this conversation. The defaults are the model card’s.',
  'settings.temperature': 'Temperature',
  'settings.temperature.help':
    'Higher gives more varied answers, lower more consistent ones. Model card: {value}',
  'settings.topK': 'Top-k',
  'settings.topK.help': 'Draw only among the k most likely tokens (0 turns it off). Model card: {value}',
  'settings.topP': 'Top-p',
  'settings.topP.help':
    'Keep the most likely tokens up to a cumulative probability of p. Model card: {value}',
  'settings.repetitionPenalty': 'Repetition penalty',
  'settings.repetitionPenalty.help':
    'Lowers the score of every token already seen, the question included (1 turns it off). Model card: {value}',
  'settings.noRepeatNgramSize': 'No-repeat n-gram',
  'settings.noRepeatNgramSize.help': 'Never repeat a run of n tokens (0 turns it off). Model card: {value}',
  'settings.maxNewTokens': 'Longest answer (tokens)',
  'settings.maxNewTokens.help': 'The most tokens one answer may have. Model card: {value}',
  'settings.seed': 'Seed',
  'settings.seed.help':
    'The same seed, conversation and settings give the same answer. Leave it empty for a new one each time.',
  'settings.beams': 'Beam search (num_beams=3): not available',
  'settings.beams.help':
    'The model card samples three beams together; an engine that shows the answer as it is written can only draw one sequence, so it samples one with the same steps (repetition penalty, no-repeat n-gram, temperature, top-k, top-p).',
  'settings.reset': 'Reset to the model card',
  'settings.close': 'Close',
  'model.status.idle': 'Model off',
  'model.status.loading': 'Loading',
  'model.status.ready': 'Ready',
  'model.status.failed': 'Error',
  'model.status.checking': 'Checking device',
  'model.status.elsewhere': 'In use in another tab',
  'model.status.offline': 'Works offline',
  'preflight.checking': 'Checking whether this device can run the model…',
  'preflight.blocked.title': 'This device cannot run the model',
  'preflight.recheck': 'Check again',
  'preflight.problem.webgpu-unavailable':
    'WebGPU is not available in this browser. Open the app in a recent Chrome or Edge. In Chrome, turn on Settings › System › “Use graphics acceleration when available” and check WebGPU at chrome://gpu.',
  'preflight.problem.no-adapter':
    'WebGPU is not available in this browser: there is no usable GPU adapter. Update the graphics driver and turn on hardware acceleration. On Linux, chrome://flags “Unsafe WebGPU Support” may be needed. Check WebGPU at chrome://gpu.',
  'preflight.problem.buffer-too-small':
    'This GPU’s largest buffer is too small ({available} MB; {needed} MB needed). Open the app on a device with a more recent GPU.',
  'preflight.problem.storage-insufficient':
    'Not enough storage: {needed} GB is needed and only {available} GB is free. Free up disk space or clear other sites’ data, then check again.',
  'preflight.ready.title': 'Ready to load the model',
  'preflight.gpu': 'GPU',
  'preflight.build': 'Model build',
  'preflight.download': 'Download',
  'preflight.memory': 'GPU memory needed',
  'preflight.free': 'Free storage',
  'preflight.cached': 'Already stored in this browser · loads offline',
  'preflight.downloadSize': '{size} GB (first time only)',
  'preflight.memorySize': 'about {size} GB',
  'preflight.build.f16': '{quantization} (16-bit shaders)',
  'preflight.build.f32': '{quantization} (this GPU has no shader-f16, so the 32-bit build is used)',
  'preflight.note.software-adapter':
    'This is a software (CPU) WebGPU adapter. It works, but very slowly. A device with a real GPU is recommended.',
  'preflight.note.storage-not-persisted':
    'Storage protection is off: under storage pressure the browser may delete the stored model.',
  'preflight.deleteFiles': 'Delete stored model files',
  'persistence.granted': 'Storage protection on: the browser will not delete the model on its own.',
  'persistence.denied':
    'Storage protection off: the browser may delete the model when space runs low. Installing the app may turn it on.',
  'model.loadSize': 'Load model ({size} GB)',
  'model.speed': '{speed} MB/s',
  'model.timeLeft': 'about {time} left',
  'model.minutes': '{minutes} min {seconds} s',
  'model.seconds': '{seconds} s',
  'model.elsewhere.title': 'Another tab is already using the model',
  'model.elsewhere.body':
    'The model needs a lot of GPU memory, so one browser loads it once. Using it here unloads it from the other tab.',
  'model.takeOver': 'Use it in this tab',
  'model.takenOver.title': 'Another tab took the model',
  'model.takenOver.body': 'This tab’s conversation is kept. Taking it back loads the model in this tab.',
  'model.takeBack': 'Take it back',
  'model.reload': 'Load the model again',
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
  'phase.import': 'Copying from the folder',
  'folder.pick': 'Load from a folder',
  'folder.drop': 'You can also drop a built model folder here.',
  'folder.hint':
    'Choose the folder with the model files (mlc-chat-config.json, tokenizer.json, tensor-cache.json, params_shard_*.bin, .wasm) to load it without any host.',
  'phase.download': 'Downloading',
  'phase.cache': 'Reading from cache',
  'phase.compile': 'Preparing GPU shaders',
  'phase.finishing': 'Finishing',
  'chat.empty.title': 'Ask anything',
  'chat.empty.body': 'Conversations stay inside this browser.',
  'chat.log': 'Conversation',
  'chat.jumpToLatest': 'Jump to latest ↓',
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
  'composer.tooLong':
    'The message is too long: with room for the answer it does not fit the model’s context window (4,096 tokens). Shorten it and send again.',
  'message.dropped': 'The context window was full: the answer leaves out the {count} earliest messages.',
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

export function problemKey(code: PreflightProblem['code']): MessageKey {
  return `preflight.problem.${code}`;
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
