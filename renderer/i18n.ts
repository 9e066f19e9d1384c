// Every word the kiosk shows, in Vietnamese (default) and English. Screens take all their
// text from here; codes from the core (reasons, notices, face guidance) are looked up in `codes`.
import type { DeviceState, DeviceStatus, Language, Screen } from '../main/api/contract.js';
import type { AirportAdvice } from './advice.js';

type Outcome = 'admitted' | 'refused' | 'referred';
type Coverage = 'covered' | 'expired' | 'not-covered' | 'unknown';

export interface Messages {
  title: string;
  /** The group of language buttons, for screen readers. */
  languages: string;
  devices: Record<keyof DeviceStatus, string>;
  /** The device list, for screen readers. */
  devicesLabel: string;
  states: Record<DeviceState, string>;
  version: (v: string) => string;
  simulator: string;
  disconnected: string;
  /** Offline, with the queue and the age of its oldest check-in in minutes (null: none queued). */
  offline: (queued: number, oldestMinutes: number | null) => string;
  cancel: string;
  back: string;
  /** What each screen of the check-in asks of the person (its heading). */
  screens: Record<Screen, string>;
  idleDetail: string;
  idleQr: string;
  keypad: {
    label: string;
    /** The digits typed so far, for screen readers (never read out: only how many). */
    typed: (count: number, of: number) => string;
    erase: string;
    ok: string;
  };
  needAccessDetail: string;
  progress: (read: number, total: number) => string;
  progressLabel: string;
  readingStalled: string;
  /** Under the camera view before the first instruction. */
  faceHint: string;
  cameraLabel: string;
  insurance: {
    lookingUp: string;
    status: Record<Coverage, string>;
    explain: Record<Exclude<Coverage, 'covered'>, string>;
    level: (percent: number) => string;
    validUntil: (date: string) => string;
    facility: (name: string) => string;
    stale: string;
    continue: string;
    feePaying: string;
  };
  clinic: { room: (room: string) => string; listLabel: string };
  confirm: {
    appointment: (time: string) => string;
    chosen: string;
    paymentLabel: string;
    payment: Record<'insurance' | 'fee-paying', string>;
    getTicket: string;
  };
  decisions: Record<Outcome, string>;
  /** What the person does next, by the kind of reasons (see advice.ts). */
  advice: Record<'go-ahead' | 'counter' | 'staff', string>;
  reasonsLabel: string;
  countdown: (seconds: number) => string;
  ticket: {
    heading: string;
    numberLabel: string;
    clinic: (name: string) => string;
    room: (room: string) => string;
    wait: (minutes: number) => string;
    printed: Record<'pending' | 'printed' | 'failed' | 'none', string>;
  };
  outOfServiceDetail: string;
  /** The airport's own words: the boarding pass, the gate, what to do after each refusal. */
  airport: {
    /** Idle: the pass and the card, in either order. */
    idle: string;
    idlePass: string;
    idleCard: string;
    /** waiting-card once the pass is in (hasPass). */
    passScanned: string;
    waitingPass: string;
    /** The admitted result's heading, by the gate's state. */
    gate: Record<'open' | 'fault' | 'none', string>;
    gateCloses: (seconds: number) => string;
    flightLabel: string;
    flight: { id: string; seat: string; gate: string; departure: string };
    advice: Record<Exclude<AirportAdvice, 'wrong-gate'>, string>;
    /** The gate the core names for the flight, or null when it does not know it. */
    wrongGate: (gate: string | null) => string;
  };
  staff: {
    open: string;
    heading: string;
    pinPrompt: string;
    pinLabel: string;
    unlock: string;
    wrongPin: string;
    retryIn: (seconds: number) => string;
    close: string;
    lock: string;
    devicesHeading: string;
    printerDetail: (detail: string) => string;
    syncHeading: string;
    online: string;
    offline: string;
    enrolled: (yes: boolean) => string;
    queued: (n: number) => string;
    lastError: (e: string) => string;
    noError: string;
    rosterAge: (minutes: number | null) => string;
    recentHeading: string;
    recentColumns: { at: string; decision: string; reasons: string; ticket: string; clinic: string };
    outcomes: Record<Outcome, string>;
    none: string;
    reprint: (ticket: string | null) => string;
    reprinted: string;
    reprintFailed: (problem: string) => string;
    outOfService: (on: boolean) => string;
    outOfServiceNow: (on: boolean) => string;
    loading: string;
    failed: string;
  };
  /** Reason, notice and guidance codes in words; an unknown code is shown as it is. */
  codes: Record<string, string>;
}

export const messages: Record<Language, Messages> = {
  vi: {
    title: 'Ki-ốt tự phục vụ',
    languages: 'Ngôn ngữ',
    devices: { reader: 'Đầu đọc thẻ', scanner: 'Máy quét mã', camera: 'Camera', printer: 'Máy in', gate: 'Cổng', registry: 'Máy chủ' },
    devicesLabel: 'Tình trạng thiết bị',
    states: {
      connected: 'Đã kết nối',
      missing: 'Không có',
      'paper-out': 'Hết giấy',
      'cover-open': 'Nắp đang mở',
      fault: 'Bị lỗi',
    },
    version: (v) => `Phiên bản ${v}`,
    simulator: 'Chế độ mô phỏng',
    disconnected: 'Mất kết nối với ki-ốt. Vui lòng báo nhân viên.',
    offline: (n, m) => `Đang ngoại tuyến; ${n} lượt chờ gửi${m === null ? '' : `, lâu nhất ${m} phút`}`,
    cancel: 'Hủy',
    back: 'Quay lại',
    screens: {
      idle: 'Đặt thẻ Căn cước lên đầu đọc để bắt đầu',
      'need-access': 'Quét mã QR ở mặt trước thẻ, hoặc nhập 6 số in trên thẻ',
      'waiting-card': 'Đặt thẻ Căn cước lên đầu đọc',
      'waiting-pass': 'Quét thẻ lên máy bay của bạn',
      reading: 'Đang đọc thẻ… Giữ yên thẻ trên đầu đọc',
      face: 'Nhìn thẳng vào camera',
      insurance: 'Bảo hiểm y tế của bạn',
      clinic: 'Chọn phòng khám',
      confirm: 'Kiểm tra lại và lấy số thứ tự',
      deciding: 'Vui lòng chờ trong giây lát…',
      result: 'Kết quả',
      'out-of-service': 'Ki-ốt này đang tạm ngừng phục vụ',
    },
    idleDetail: 'Giữ thẻ yên trên đầu đọc cho đến khi có thông báo.',
    idleQr: 'Nếu được yêu cầu, hãy quét mã QR ở mặt trước thẻ trước.',
    keypad: {
      label: 'Bàn phím số',
      typed: (n, of) => `Đã nhập ${n} trên ${of} số`,
      erase: 'Xóa',
      ok: 'Đồng ý',
    },
    needAccessDetail: 'Sáu số in ở góc dưới bên phải mặt trước thẻ.',
    progress: (read, total) => (total ? `Đã đọc ${read}/${total} tệp` : 'Đang mở thẻ…'),
    progressLabel: 'Tiến độ đọc thẻ',
    readingStalled: 'Giữ yên thẻ. Nếu không thấy gì thay đổi, hãy nhấc thẻ lên và đặt lại.',
    faceHint: 'Đưa khuôn mặt vào khung hình bầu dục',
    cameraLabel: 'Hình ảnh từ camera',
    insurance: {
      lookingUp: 'Đang tra cứu bảo hiểm y tế…',
      status: {
        covered: 'Bạn có bảo hiểm y tế còn hạn',
        expired: 'Thẻ bảo hiểm y tế đã hết hạn',
        'not-covered': 'Không tìm thấy bảo hiểm y tế',
        unknown: 'Chưa có thông tin của bạn tại bệnh viện',
      },
      explain: {
        expired: 'Lượt khám này không được bảo hiểm chi trả. Bạn có thể khám dịch vụ (tự trả phí) hoặc đến quầy tiếp đón.',
        'not-covered': 'Lượt khám này không được bảo hiểm chi trả. Bạn có thể khám dịch vụ (tự trả phí) hoặc đến quầy tiếp đón.',
        unknown: 'Không kiểm tra được bảo hiểm. Bạn có thể khám dịch vụ (tự trả phí) hoặc đến quầy tiếp đón.',
      },
      level: (p) => `Mức hưởng: ${p}%`,
      validUntil: (d) => `Có giá trị đến: ${d}`,
      facility: (f) => `Nơi đăng ký khám ban đầu: ${f}`,
      stale: 'Thông tin bảo hiểm lấy từ bản lưu gần nhất',
      continue: 'Tiếp tục',
      feePaying: 'Tiếp tục khám dịch vụ (tự trả phí)',
    },
    clinic: { room: (r) => `Phòng ${r}`, listLabel: 'Các phòng khám' },
    confirm: {
      appointment: (t) => `Lịch hẹn của bạn lúc ${t}`,
      chosen: 'Phòng khám bạn đã chọn',
      paymentLabel: 'Hình thức khám',
      payment: { insurance: 'Khám bảo hiểm y tế', 'fee-paying': 'Khám dịch vụ (tự trả phí)' },
      getTicket: 'Lấy số thứ tự',
    },
    decisions: {
      admitted: 'Hoàn tất. Xin mời bạn tiếp tục.',
      refused: 'Không thể hoàn tất thủ tục tại ki-ốt.',
      referred: 'Vui lòng đến quầy nhân viên để được hỗ trợ.',
    },
    advice: {
      'go-ahead': 'Bạn có thể lấy thẻ ra.',
      counter: 'Vui lòng đến quầy tiếp đón, mang theo thẻ bảo hiểm y tế và giấy tờ tùy thân có ảnh.',
      staff: 'Vui lòng gặp nhân viên để được hỗ trợ.',
    },
    reasonsLabel: 'Lý do',
    countdown: (s) => `Quay về màn hình đầu sau ${s} giây`,
    ticket: {
      heading: 'Số thứ tự của bạn',
      numberLabel: 'Số thứ tự',
      clinic: (n) => `Phòng khám: ${n}`,
      room: (r) => `Phòng ${r}`,
      wait: (m) => `Thời gian chờ dự kiến: khoảng ${m} phút`,
      printed: {
        pending: 'Đang in phiếu…',
        printed: 'Đã in phiếu. Vui lòng lấy phiếu bên dưới.',
        failed: 'Máy in không in được phiếu: hãy ghi lại số thứ tự hoặc hỏi nhân viên.',
        none: 'Ki-ốt này không in phiếu: vui lòng ghi lại số thứ tự của bạn.',
      },
    },
    outOfServiceDetail: 'Vui lòng dùng ki-ốt khác hoặc đến quầy tiếp đón.',
    airport: {
      idle: 'Quét thẻ lên máy bay (giấy hoặc trên điện thoại) hoặc đặt thẻ Căn cước gắn chip — thứ tự nào cũng được',
      idlePass: 'Thẻ lên máy bay: đưa mã vạch (trên giấy hoặc màn hình điện thoại) vào dưới máy quét.',
      idleCard: 'Thẻ Căn cước: đặt lên đầu đọc và giữ yên.',
      passScanned: 'Đã quét thẻ lên máy bay. Bây giờ hãy đặt thẻ Căn cước gắn chip lên đầu đọc',
      waitingPass: 'Bây giờ hãy quét thẻ lên máy bay của bạn',
      gate: {
        open: 'Cửa đã mở — mời bạn đi qua',
        fault: 'Cửa không mở được — vui lòng gặp nhân viên',
        none: 'Đã kiểm tra xong — mời bạn đi tiếp',
      },
      gateCloses: (s) => `Cửa sẽ đóng sau ${s} giây`,
      flightLabel: 'Chuyến bay của bạn',
      flight: { id: 'Chuyến bay', seat: 'Ghế', gate: 'Cửa', departure: 'Giờ khởi hành' },
      advice: {
        'go-ahead': 'Nhớ mang theo thẻ Căn cước và thẻ lên máy bay.',
        security: 'Vui lòng gặp nhân viên an ninh.',
        'check-in-counter': 'Vui lòng đến quầy làm thủ tục, mang theo giấy tờ tùy thân khác có ảnh.',
        'own-pass': 'Hãy quét thẻ lên máy bay của chính bạn, hoặc đến quầy làm thủ tục.',
        'another-day': 'Vui lòng đến quầy của hãng hàng không.',
        'wrong-airport': 'Chuyến bay này không khởi hành từ đây: vui lòng đến quầy của hãng hàng không.',
        'flight-cancelled': 'Vui lòng đến quầy của hãng hàng không để được đổi chuyến.',
        'flight-not-found': 'Hãy xem bảng thông tin chuyến bay, hoặc đến quầy của hãng hàng không.',
        'flight-closed': 'Đã hết giờ lên máy bay: vui lòng đến quầy của hãng hàng không.',
        'flight-not-boarding': 'Vui lòng chờ gần cửa và thử lại khi có thông báo lên máy bay.',
        'already-boarded': 'Vui lòng gặp nhân viên.',
        'no-boarding-pass': 'Hãy làm lại từ đầu: quét thẻ lên máy bay và đặt thẻ Căn cước.',
        face: 'Vui lòng gặp nhân viên tại cửa để kiểm tra giấy tờ.',
        staff: 'Vui lòng gặp nhân viên để được hỗ trợ.',
      },
      wrongGate: (g) =>
        g ? `Chuyến bay này lên máy bay tại cửa ${g}: vui lòng đến cửa ${g}.` : 'Hãy xem cửa lên máy bay trên bảng thông tin chuyến bay.',
    },
    staff: {
      open: 'Nhân viên',
      heading: 'Chế độ nhân viên',
      pinPrompt: 'Nhập mã PIN của nhân viên',
      pinLabel: 'Mã PIN',
      unlock: 'Mở',
      wrongPin: 'Sai mã PIN.',
      retryIn: (s) => `Thử lại sau ${s} giây.`,
      close: 'Đóng',
      lock: 'Khóa và đóng',
      devicesHeading: 'Thiết bị',
      printerDetail: (d) => `Máy in: ${d}`,
      syncHeading: 'Đồng bộ',
      online: 'Trực tuyến',
      offline: 'Ngoại tuyến',
      enrolled: (y) => (y ? 'Đã đăng ký với máy chủ' : 'Chưa đăng ký với máy chủ'),
      queued: (n) => `${n} lượt chờ gửi`,
      lastError: (e) => `Lỗi gần nhất: ${e}`,
      noError: 'Không có lỗi',
      rosterAge: (m) => (m === null ? 'Chưa có danh sách bệnh nhân' : `Danh sách bệnh nhân cập nhật ${m} phút trước`),
      recentHeading: 'Các lượt gần đây',
      recentColumns: { at: 'Lúc', decision: 'Kết quả', reasons: 'Lý do', ticket: 'Số', clinic: 'Phòng khám' },
      outcomes: { admitted: 'Đã tiếp nhận', refused: 'Từ chối', referred: 'Chuyển nhân viên' },
      none: '—',
      reprint: (t) => (t ? `In lại phiếu ${t}` : 'In lại phiếu gần nhất'),
      reprinted: 'Đã in lại phiếu.',
      reprintFailed: (p) => `Không in lại được: ${p}`,
      outOfService: (on) => (on ? 'Mở lại ki-ốt' : 'Tạm ngừng ki-ốt'),
      outOfServiceNow: (on) => (on ? 'Ki-ốt đang tạm ngừng phục vụ.' : 'Ki-ốt đang phục vụ.'),
      loading: 'Đang tải…',
      failed: 'Không tải được thông tin.',
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
      'fee-paying-confirm': 'Không có bảo hiểm chi trả: chọn "Tiếp tục khám dịch vụ" nếu bạn đồng ý tự trả phí.',
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
      'name-mismatch': 'Thẻ lên máy bay không mang tên trên thẻ Căn cước này.',
      'pass-not-for-today': 'Thẻ lên máy bay này dành cho ngày khác.',
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
  },
  en: {
    title: 'Self-service kiosk',
    languages: 'Language',
    devices: { reader: 'Card reader', scanner: 'Scanner', camera: 'Camera', printer: 'Printer', gate: 'Gate', registry: 'Registry' },
    devicesLabel: 'Device status',
    states: {
      connected: 'Connected',
      missing: 'Missing',
      'paper-out': 'Out of paper',
      'cover-open': 'Cover open',
      fault: 'Fault',
    },
    version: (v) => `Version ${v}`,
    simulator: 'Simulator mode',
    disconnected: 'Lost the connection to the kiosk. Please call staff.',
    offline: (n, m) => `Offline; ${n} check-ins waiting to be sent${m === null ? '' : `, oldest ${m} min`}`,
    cancel: 'Cancel',
    back: 'Back',
    screens: {
      idle: 'Place your chip ID card on the reader to begin',
      'need-access': 'Scan the QR code on the front of your card, or type the 6 digits printed on it',
      'waiting-card': 'Place your chip ID card on the reader',
      'waiting-pass': 'Scan your boarding pass',
      reading: 'Reading your card… keep it still on the reader',
      face: 'Look straight at the camera',
      insurance: 'Your health insurance',
      clinic: 'Choose a clinic',
      confirm: 'Check and get your ticket',
      deciding: 'One moment, please…',
      result: 'Result',
      'out-of-service': 'This kiosk is out of service',
    },
    idleDetail: 'Keep the card still on the reader until you see a message.',
    idleQr: 'If asked, scan the QR code on the front of your card first.',
    keypad: {
      label: 'Number keypad',
      typed: (n, of) => `${n} of ${of} digits typed`,
      erase: 'Erase',
      ok: 'OK',
    },
    needAccessDetail: 'The six digits are printed at the bottom right of the front of the card.',
    progress: (read, total) => (total ? `${read} of ${total} files read` : 'Opening the card…'),
    progressLabel: 'Card reading progress',
    readingStalled: 'Keep the card still. If nothing happens, lift it and place it again.',
    faceHint: 'Fit your face inside the oval',
    cameraLabel: 'Camera view',
    insurance: {
      lookingUp: 'Looking up your health insurance…',
      status: {
        covered: 'You are covered by health insurance',
        expired: 'Your health insurance has expired',
        'not-covered': 'No health insurance was found',
        unknown: 'The hospital has no record of you yet',
      },
      explain: {
        expired: 'Insurance will not pay for this visit. You can continue as a fee-paying patient, or go to the reception counter.',
        'not-covered': 'Insurance will not pay for this visit. You can continue as a fee-paying patient, or go to the reception counter.',
        unknown: 'Your insurance could not be checked. You can continue as a fee-paying patient, or go to the reception counter.',
      },
      level: (p) => `Coverage: ${p}%`,
      validUntil: (d) => `Valid until: ${d}`,
      facility: (f) => `Registered primary-care facility: ${f}`,
      stale: 'Insurance data from the last saved copy',
      continue: 'Continue',
      feePaying: 'Continue as a fee-paying patient',
    },
    clinic: { room: (r) => `Room ${r}`, listLabel: 'Clinics' },
    confirm: {
      appointment: (t) => `Your appointment at ${t}`,
      chosen: 'The clinic you chose',
      paymentLabel: 'Payment',
      payment: { insurance: 'Paid by health insurance', 'fee-paying': 'Fee-paying patient' },
      getTicket: 'Get my ticket',
    },
    decisions: {
      admitted: 'Done. Please go ahead.',
      refused: 'This cannot be completed at the kiosk.',
      referred: 'Please go to the staff desk for help.',
    },
    advice: {
      'go-ahead': 'You can take your card.',
      counter: 'Please go to the reception counter with your health insurance card and a photo ID.',
      staff: 'Please see a member of staff.',
    },
    reasonsLabel: 'Reasons',
    countdown: (s) => `Back to the start in ${s} s`,
    ticket: {
      heading: 'Your ticket number',
      numberLabel: 'Ticket number',
      clinic: (n) => `Clinic: ${n}`,
      room: (r) => `Room ${r}`,
      wait: (m) => `Estimated wait: about ${m} min`,
      printed: {
        pending: 'Printing your ticket…',
        printed: 'Your ticket is printed. Please take it below.',
        failed: 'The printer could not print: note your number or ask staff.',
        none: 'This kiosk does not print tickets: please note your number.',
      },
    },
    outOfServiceDetail: 'Please use another kiosk or go to the counter.',
    airport: {
      idle: 'Scan your boarding pass (paper or phone) or place your chip ID card — either order',
      idlePass: 'Boarding pass: hold its barcode (on paper or a phone screen) under the scanner.',
      idleCard: 'ID card: place it on the reader and keep it still.',
      passScanned: 'Boarding pass scanned. Now place your chip ID card on the reader',
      waitingPass: 'Now scan your boarding pass',
      gate: {
        open: 'Gate open — please go through',
        fault: 'The gate could not open — please see staff',
        none: 'All checked — please go ahead',
      },
      gateCloses: (s) => `The gate closes in ${s} s`,
      flightLabel: 'Your flight',
      flight: { id: 'Flight', seat: 'Seat', gate: 'Gate', departure: 'Departure' },
      advice: {
        'go-ahead': 'Take your ID card and boarding pass with you.',
        security: 'Please see the security staff.',
        'check-in-counter': 'Please go to the check-in counter with another photo ID.',
        'own-pass': 'Scan your own boarding pass, or see the check-in counter.',
        'another-day': 'Please see the airline counter.',
        'wrong-airport': 'This flight does not leave from here: please see the airline counter.',
        'flight-cancelled': 'Please see the airline counter to change your flight.',
        'flight-not-found': 'Check the departures screen, or see the airline counter.',
        'flight-closed': 'Boarding is over: please see the airline counter.',
        'flight-not-boarding': 'Please wait near the gate and try again when boarding is called.',
        'already-boarded': 'Please see a member of staff.',
        'no-boarding-pass': 'Please start again: scan your boarding pass and place your ID card.',
        face: 'Please see the staff at the gate to check your ID.',
        staff: 'Please see a member of staff.',
      },
      wrongGate: (g) => (g ? `This flight boards at gate ${g}: please go to gate ${g}.` : 'Check your gate on the departures screen.'),
    },
    staff: {
      open: 'Staff',
      heading: 'Staff mode',
      pinPrompt: 'Enter the staff PIN',
      pinLabel: 'PIN',
      unlock: 'Unlock',
      wrongPin: 'Wrong PIN.',
      retryIn: (s) => `Try again in ${s} s.`,
      close: 'Close',
      lock: 'Lock and close',
      devicesHeading: 'Devices',
      printerDetail: (d) => `Printer: ${d}`,
      syncHeading: 'Sync',
      online: 'Online',
      offline: 'Offline',
      enrolled: (y) => (y ? 'Enrolled with the registry' : 'Not enrolled with the registry'),
      queued: (n) => `${n} check-ins waiting to be sent`,
      lastError: (e) => `Last error: ${e}`,
      noError: 'No error',
      rosterAge: (m) => (m === null ? 'No patient roster yet' : `Patient roster updated ${m} min ago`),
      recentHeading: 'Last check-ins',
      recentColumns: { at: 'At', decision: 'Decision', reasons: 'Reasons', ticket: 'Ticket', clinic: 'Clinic' },
      outcomes: { admitted: 'Admitted', refused: 'Refused', referred: 'Referred to staff' },
      none: '—',
      reprint: (t) => (t ? `Reprint ticket ${t}` : 'Reprint the last ticket'),
      reprinted: 'The ticket was printed again.',
      reprintFailed: (p) => `Could not reprint: ${p}`,
      outOfService: (on) => (on ? 'Back in service' : 'Out of service'),
      outOfServiceNow: (on) => (on ? 'The kiosk is out of service.' : 'The kiosk is in service.'),
      loading: 'Loading…',
      failed: 'The staff information could not be loaded.',
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
      'fee-paying-confirm': 'Insurance does not cover this visit: choose "Continue as a fee-paying patient" if you agree to pay.',
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
      'name-mismatch': 'The boarding pass is not in the name on this card.',
      'pass-not-for-today': 'This boarding pass is for another day.',
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
  },
};

export const languageNames: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };

/** A code from the core in words; an unknown one as it is (so a new code is seen, not hidden). */
export function codeText(t: Messages, code: string): string {
  return t.codes[code] ?? code;
}
