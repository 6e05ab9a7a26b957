/**
 * The Korean texts of the first screens (the app's frame, a shared conversation, messages and their Markdown):
 * in the page's script, so that no first screen waits for its words. The rest are in messages-ko-app.ts.
 */
export const ko = {
  'app.title': '한글 라마',
  'app.tagline': '내 브라우저 안에서만 돌아가는 한국어 AI 채팅',
  'app.language': 'English',
  'app.languageLabel': 'Switch to English',
  'app.languageFailed': '영어 화면을 불러오지 못해 한국어로 보여 드립니다. 새로 고친 뒤 다시 시도해 주세요.',
  'app.languageFailed.dismiss': '한국어로 계속 · Continue in Korean',
  'pwa.install': '앱 설치',
  'pwa.install.label': '이 앱을 기기에 설치',
  'pwa.share': '공유',
  'pwa.share.label': '이 앱의 링크 공유',
  'pwa.share.shared': '공유했습니다',
  'pwa.share.copied': '링크를 복사했습니다',
  'pwa.share.failed': '링크를 복사하지 못했습니다. 직접 복사하세요: {url}',
  'shared.badge': '공유받은 대화',
  'shared.untrusted':
    '누가 보냈는지 확인할 수 없습니다. 링크에 담긴 내용을 그대로 보여 줄 뿐, 내용이 사실인지도 확인되지 않았습니다.',
  'shared.readOnly': '읽기 전용입니다. 내 대화로 저장하면 모델을 불러온 뒤 이어서 대화할 수 있습니다.',
  'shared.model': '링크에 적힌 모델: {model}',
  'shared.save': '내 대화로 저장',
  'shared.close': '닫기',
  'shared.opening': '공유받은 대화를 여는 중…',
  'shared.handover.loading': '앱을 불러오는 중…',
  'shared.handover.failed':
    '앱을 불러오지 못했습니다. 대화는 그대로 있고 아직 저장되지 않았습니다. 연결을 확인해 주세요.',
  'shared.handover.retry': '다시 시도',
  'shared.empty': '이 링크의 대화에는 메시지가 없습니다.',
  'shared.unrenderable': '공유받은 대화를 표시하지 못했습니다. 내 대화는 그대로 있습니다.',
  'shared.invalid.title': '공유 링크를 열 수 없습니다',
  'shared.problem.truncated':
    '링크가 잘렸습니다. 메신저가 긴 링크를 자른 것 같습니다. 보낸 사람에게 Markdown이나 JSON 파일로 보내 달라고 하세요. 아무것도 바뀌지 않았습니다.',
  'shared.problem.corrupt':
    '링크가 손상되었습니다. 전달되는 동안 글자가 바뀐 것 같습니다. 아무것도 바뀌지 않았습니다.',
  'shared.problem.foreign': '이 앱의 대화 공유 링크가 아닙니다. 아무것도 바뀌지 않았습니다.',
  'shared.problem.too-large': '링크에 담긴 내용이 너무 커서 열지 않았습니다. 아무것도 바뀌지 않았습니다.',
  'shared.problem.newer-version':
    '더 새 버전의 앱에서 만든 링크입니다. 앱을 새로 고친 뒤 다시 열어 보세요. 아무것도 바뀌지 않았습니다.',
  'chat.empty.title': '무엇이든 물어보세요',
  'chat.empty.body': '대화는 이 브라우저 안에만 남습니다.',
  'message.interrupted': '새로 고침으로 중단됨',
  'markdown.copyCode': '코드 복사',
  'markdown.copyFailed': '복사하지 못했습니다. 코드를 선택해 두었으니 직접 복사하세요.',
  'message.copy': '복사',
  'message.copied': '복사됨',
  'copy.failed':
    '클립보드에 복사하지 못했습니다. 브라우저가 클립보드 권한을 거부했을 수 있습니다. 아래 글을 선택해 두었으니 Ctrl+C(Mac은 ⌘C)로 직접 복사하세요.',
  'copy.failedTooLong':
    '클립보드에 복사하지 못했습니다. 브라우저가 클립보드 권한을 거부했을 수 있습니다. 이 답변은 너무 길어 여기에 띄울 수 없으니 ‘이 대화를 Markdown으로 내보내기’로 파일에 받으세요.',
  'copy.text': '복사할 글',
  'copy.close': '닫기',
  'message.regenerate': '다시 생성',
  'message.edit': '수정',
  'message.editLabel': '질문 고치기',
  'message.cancelEdit': '취소',
  'message.resend': '고쳐서 보내기',
  'message.version': '{index} / {count}',
  'message.previousVersion': '이전 버전',
  'message.nextVersion': '다음 버전',
  'chat.log': '대화',
  'chat.jumpToLatest': '최신 메시지로 이동 ↓',
  'message.user': '나',
  'message.assistant': '라마',
  'message.pending': '답변을 준비하는 중…',
  'message.stopped': '중지됨',
  'message.truncated': '최대 길이에 도달해 답변이 잘렸습니다.',
  'message.failed': '답변을 만들지 못했습니다.',
  'message.stats.tokens': '토큰 {tokens}개',
  'message.stats.speed': '{speed} 토큰/초',
  'message.stats.seconds': '{seconds}초',
  'message.prefill': '질문 읽기 {speed} 토큰/초',
  'message.dropped': '문맥 창이 가득 차서 앞선 메시지 {count}개를 빼고 답했습니다.',
  'error.details': '자세한 내용',
  'error.webgpu-unavailable':
    '이 브라우저에서는 WebGPU를 쓸 수 없습니다. 최신 Chrome이나 Edge에서 열고, 그래픽 가속이 켜져 있는지 확인하세요.',
  'error.shader-f16-unsupported':
    '이 GPU는 16비트 셰이더(shader-f16)를 지원하지 않습니다. 32비트 버전 모델을 쓰세요.',
  'error.device-lost':
    'GPU 연결이 끊어졌습니다(메모리가 부족하거나 드라이버가 다시 시작되면 일어납니다). 대화는 그대로 있습니다. 모델을 다시 불러오세요.',
  'error.out-of-memory': 'GPU 메모리가 부족합니다. 다른 탭이나 프로그램을 닫고 다시 시도하세요.',
  'error.quota-exceeded':
    '저장 공간이 부족해 모델을 보관할 수 없습니다. 브라우저 저장 공간을 비운 뒤 다시 시도하세요.',
  'error.network': '네트워크 오류로 내려받기가 멈췄습니다. 연결을 확인하고 다시 시도하면 이어서 받습니다.',
  'error.model-files-missing':
    '모델 파일을 찾을 수 없습니다. 앱을 배포한 곳의 모델 파일 위치 설정을 확인하세요.',
  'error.model-files-corrupt':
    '모델 파일이 손상되었거나 올바른 파일이 아닙니다. 어느 파일인지는 아래에 적혀 있습니다. 앱이 손상된 파일을 지우고 다시 받아도 같다면, 모델을 올려 둔 곳이 손상된 파일을 보내고 있을 수 있습니다. 모델을 다시 빌드해 올리거나 폴더에서 불러오세요.',
  'error.model-lib-mismatch':
    '모델 라이브러리가 이 앱의 런타임과 맞지 않습니다. 같은 버전으로 빌드한 파일이 필요합니다.',
  'error.context-window-exceeded':
    '메시지가 너무 길어 답변할 자리까지 모델의 문맥 창에 들어가지 않습니다. 줄여서 다시 보내 주세요.',
  'error.not-loaded': '모델이 불러와져 있지 않습니다. 모델을 다시 불러오세요.',
  'error.busy': '이미 답변을 만들고 있습니다. 끝나거나 중지한 뒤에 보내세요.',
  'error.load-cancelled': '모델 불러오기를 취소했습니다.',
  'error.invalid-request': '요청을 처리할 수 없습니다. 페이지를 새로 고쳐 보세요.',
  'error.worker-failed': '모델 작업자(Web Worker)가 멈췄습니다. 페이지를 새로 고쳐 보세요.',
  'error.unknown': '알 수 없는 오류가 발생했습니다.',
  'error.invalid-numbers':
    '이 GPU에서 모델의 계산 결과가 올바른 숫자가 아니었습니다(NaN 또는 무한대). 답변을 멈췄고 모델은 그대로 쓸 수 있습니다. q4f16_1 빌드라면 설정 › 모델 빌드에서 q4f32_1을 골라 다시 불러오세요. 그래도 같으면 그래픽 드라이버를 업데이트해 보세요.',
  'text.more': '더 보기 ({count}자 더)',
  'text.less': '접기',
  'markdown.plain.tooLong':
    '이 답변은 너무 길어({length}자) 서식 없이 일반 텍스트로 보여 줍니다. 서식은 {budget}자까지의 답변에만 입힙니다.',
  'markdown.plain.error': '이 답변의 서식을 읽지 못해 일반 텍스트로 보여 줍니다.',
  'markdown.plain.tooSlow': '이 답변은 서식을 입히는 데 너무 오래 걸려 일반 텍스트로 보여 줍니다.',
  'markdown.plain.unavailable': '서식을 입히는 작업자를 시작하지 못해 답변을 일반 텍스트로 보여 줍니다.',
  'markdown.plain.notLoaded':
    '서식을 불러오지 못해 답변을 일반 텍스트로 보여 줍니다. 앱이 새 버전으로 바뀐 것 같습니다. 새로 고치면 서식이 돌아옵니다.',
  'part.notLoaded':
    '이 부분을 불러오지 못했습니다. 새 버전이 배포되었거나 연결이 끊겼을 수 있습니다. 새로 고치면 다시 불러옵니다.',
  'part.loading': '불러오는 중…',
  'markdown.reload': '새로 고침',
  'markdown.reloadWait.answering': '답변이 끝난 뒤에 새로 고칠 수 있습니다.',
  'markdown.reloadWait.loading-model': '모델을 다 불러온 뒤에 새로 고칠 수 있습니다.',
  'message.unrenderable': '이 메시지를 제대로 표시하지 못해 원문을 그대로 보여 줍니다.',
  'message.questionOverLimit':
    '이 질문은 모델의 문맥 창에 들어가지 않아(적게 잡아도 약 {tokens}토큰, 한도 약 {limit}토큰) 다시 보낼 수 없습니다.',
} as const;

export type FirstScreenKey = keyof typeof ko;
