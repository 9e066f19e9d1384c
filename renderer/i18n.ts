// Every word the kiosk shows, in Vietnamese (default) and English.
import type { DeviceState, DeviceStatus, Language, Screen } from '../main/api/contract.js';

export interface Messages {
  title: string;
  prompt: string;
  promptDetail: string;
  devices: Record<keyof DeviceStatus, string>;
  states: Record<DeviceState, string>;
  version: (v: string) => string;
  simulator: string;
  disconnected: string;
  /** What each screen of the check-in asks of the person. */
  screens: Record<Screen, string>;
  progress: (read: number, total: number) => string;
  decisions: Record<'admitted' | 'refused' | 'referred', string>;
  /** Reason, notice and guidance codes in words; an unknown code is shown as it is. */
  codes: Record<string, string>;
  /** Offline, with the queue and the age of its oldest check-in in minutes (null: none queued). */
  offline: (queued: number, oldestMinutes: number | null) => string;
  cancel: string;
  /** Under the camera view before the first instruction. */
  faceHint: string;
}

export const messages: Record<Language, Messages> = {
  vi: {
    title: 'Ki-ốt tự phục vụ',
    prompt: 'Đặt thẻ Căn cước lên đầu đọc để bắt đầu',
    promptDetail: 'Giữ thẻ yên trên đầu đọc cho đến khi có thông báo.',
    devices: { reader: 'Đầu đọc thẻ', scanner: 'Máy quét mã', camera: 'Camera', registry: 'Máy chủ' },
    states: { connected: 'Đã kết nối', missing: 'Không có' },
    version: (v) => `Phiên bản ${v}`,
    simulator: 'Chế độ mô phỏng',
    disconnected: 'Mất kết nối với ki-ốt. Vui lòng báo nhân viên.',
    screens: {
      idle: 'Đặt thẻ Căn cước lên đầu đọc để bắt đầu',
      'need-access': 'Quét mã QR ở mặt trước thẻ, hoặc nhập 6 số in trên thẻ',
      'waiting-card': 'Đặt thẻ Căn cước lên đầu đọc',
      'waiting-pass': 'Quét thẻ lên máy bay của bạn',
      reading: 'Đang đọc thẻ… Giữ yên thẻ trên đầu đọc',
      face: 'Nhìn thẳng vào camera',
      deciding: 'Vui lòng chờ trong giây lát…',
      result: '',
    },
    progress: (read, total) => (total ? `Đã đọc ${read}/${total} tệp` : 'Đang mở thẻ…'),
    decisions: {
      admitted: 'Hoàn tất. Xin mời bạn tiếp tục.',
      refused: 'Không thể hoàn tất thủ tục tại ki-ốt.',
      referred: 'Vui lòng đến quầy nhân viên để được hỗ trợ.',
    },
    codes: {
      'card-removed-early': 'Thẻ được lấy ra quá sớm. Vui lòng đặt lại thẻ.',
      'card-removed': 'Thẻ đã được lấy ra.',
      'access-denied': 'Mã không mở được thẻ này. Quét mã QR của chính thẻ này hoặc nhập 6 số trên thẻ.',
      'read-stalled': 'Không đọc được thẻ. Vui lòng đặt lại thẻ.',
      'timed-out': 'Đã hết thời gian chờ.',
      'one-card-at-a-time': 'Mỗi lần chỉ đặt một thẻ.',
      'scan-unknown': 'Mã này không dùng được ở đây.',
      'scan-invalid': 'Không đọc được mã. Vui lòng quét lại.',
      'pass-not-used-here': 'Ki-ốt này không dùng thẻ lên máy bay.',
      busy: 'Vui lòng chờ bước hiện tại hoàn tất.',
      'face-try-again': 'Chưa khớp khuôn mặt. Vui lòng thử lại.',
      'face-not-seen': 'Chưa thấy khuôn mặt. Vui lòng đứng trước camera.',
      'record-failed': 'Có lỗi khi lưu. Vui lòng báo nhân viên.',
      'chip-cloned': 'Thẻ không phải thẻ thật.',
      'chip-not-genuine': 'Thẻ không phải thẻ thật.',
      'chip-not-verified': 'Không xác minh được chip trên thẻ.',
      'chip-data-not-authentic': 'Dữ liệu trên thẻ không hợp lệ.',
      'chip-issuer-unknown': 'Không xác minh được nơi cấp thẻ.',
      'card-expired': 'Thẻ đã hết hạn.',
      'card-unreadable': 'Không đọc được chip trên thẻ.',
      'qr-card-mismatch': 'Mã QR không phải của thẻ này.',
      'face-mismatch': 'Khuôn mặt không khớp với ảnh trên thẻ.',
      'face-not-live': 'Không xác nhận được người thật.',
      'face-not-checked': 'Không kiểm tra được khuôn mặt.',
      'name-mismatch': 'Tên trên thẻ lên máy bay không khớp với thẻ Căn cước.',
      'pass-not-for-today': 'Thẻ lên máy bay không phải cho hôm nay.',
      'wrong-airport': 'Chuyến bay không khởi hành từ sân bay này.',
      'wrong-gate': 'Chuyến bay không lên máy bay tại cửa này.',
      'flight-not-found': 'Không tìm thấy chuyến bay hôm nay.',
      'flight-closed': 'Chuyến bay đã đóng cửa lên máy bay.',
      'flight-cancelled': 'Chuyến bay đã bị hủy.',
      'flight-not-boarding': 'Chuyến bay chưa bắt đầu lên máy bay.',
      'already-boarded': 'Hành khách đã lên máy bay.',
      'no-boarding-pass': 'Chưa quét thẻ lên máy bay.',
      'face-too-small': 'Lại gần hơn',
      'off-centre': 'Đứng vào giữa khung hình',
      'head-turned': 'Nhìn thẳng vào camera',
      'eyes-closed': 'Mở mắt',
      'too-dark': 'Cần thêm ánh sáng',
      'too-bright': 'Quá chói',
      blurred: 'Giữ yên',
      'several-faces': 'Chỉ một người trước camera',
      'no-face': 'Đứng trước camera',
    },
    offline: (n, m) => `Đang ngoại tuyến; ${n} lượt chờ gửi${m === null ? '' : `, lâu nhất ${m} phút`}`,
    cancel: 'Hủy',
    faceHint: 'Đưa khuôn mặt vào khung hình bầu dục',
  },
  en: {
    title: 'Self-service kiosk',
    prompt: 'Place your chip ID card on the reader to begin',
    promptDetail: 'Keep the card still on the reader until you see a message.',
    devices: { reader: 'Card reader', scanner: 'Barcode scanner', camera: 'Camera', registry: 'Registry' },
    states: { connected: 'Connected', missing: 'Missing' },
    version: (v) => `Version ${v}`,
    simulator: 'Simulator mode',
    disconnected: 'Lost the connection to the kiosk. Please call staff.',
    screens: {
      idle: 'Place your chip ID card on the reader to begin',
      'need-access': 'Scan the QR code on the front of your card, or type the 6 digits printed on it',
      'waiting-card': 'Place your chip ID card on the reader',
      'waiting-pass': 'Scan your boarding pass',
      reading: 'Reading your card… keep it still on the reader',
      face: 'Look straight at the camera',
      deciding: 'One moment, please…',
      result: '',
    },
    progress: (read, total) => (total ? `${read} of ${total} files read` : 'Opening the card…'),
    decisions: {
      admitted: 'Done. Please go ahead.',
      refused: 'This cannot be completed at the kiosk.',
      referred: 'Please go to the staff desk for help.',
    },
    codes: {
      'card-removed-early': 'The card was taken away too soon. Please place it again.',
      'card-removed': 'The card was taken away.',
      'access-denied': "That code does not open this card. Scan this card's own QR code or type the 6 digits on it.",
      'read-stalled': 'The card could not be read. Please place it again.',
      'timed-out': 'The time to wait ran out.',
      'one-card-at-a-time': 'One card at a time, please.',
      'scan-unknown': 'That code is not used here.',
      'scan-invalid': 'The code could not be read. Please scan it again.',
      'pass-not-used-here': 'This kiosk does not use boarding passes.',
      busy: 'Please wait for this step to finish.',
      'face-try-again': 'The face did not match yet. Please try again.',
      'face-not-seen': 'No face seen yet. Please stand in front of the camera.',
      'record-failed': 'Saving failed. Please call staff.',
      'chip-cloned': 'This card is not genuine.',
      'chip-not-genuine': 'This card is not genuine.',
      'chip-not-verified': "The card's chip could not be verified.",
      'chip-data-not-authentic': 'The data on the card is not valid.',
      'chip-issuer-unknown': "The card's issuer could not be verified.",
      'card-expired': 'The card has expired.',
      'card-unreadable': "The card's chip could not be read.",
      'qr-card-mismatch': "The QR code is not this card's.",
      'face-mismatch': "The face does not match the card's photo.",
      'face-not-live': 'A live person could not be confirmed.',
      'face-not-checked': 'The face could not be checked.',
      'name-mismatch': 'The name on the boarding pass does not match the ID card.',
      'pass-not-for-today': 'The boarding pass is not for today.',
      'wrong-airport': 'The flight does not leave from this airport.',
      'wrong-gate': 'The flight does not board at this gate.',
      'flight-not-found': "The flight is not on today's list.",
      'flight-closed': 'Boarding for this flight has closed.',
      'flight-cancelled': 'The flight is cancelled.',
      'flight-not-boarding': 'Boarding has not started yet.',
      'already-boarded': 'This passenger has already boarded.',
      'no-boarding-pass': 'No boarding pass was scanned.',
      'face-too-small': 'Come closer',
      'off-centre': 'Move to the middle',
      'head-turned': 'Face the camera',
      'eyes-closed': 'Open your eyes',
      'too-dark': 'More light needed',
      'too-bright': 'Too bright',
      blurred: 'Hold still',
      'several-faces': 'One person only',
      'no-face': 'Stand in front of the camera',
    },
    offline: (n, m) => `Offline; ${n} check-ins waiting to be sent${m === null ? '' : `, oldest ${m} min`}`,
    cancel: 'Cancel',
    faceHint: 'Fit your face inside the oval',
  },
};

export const languageNames: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };
