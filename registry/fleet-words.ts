// The fleet page's words in Vietnamese (the default) and English, and for each kind of alert
// what it means and what the operator does about it.
export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

export const WORDS = {
  vi: {
    title: 'Đội kiosk',
    loginTitle: 'Đội kiosk: đăng nhập',
    token: 'Mã vận hành',
    logIn: 'Đăng nhập',
    logOut: 'Đăng xuất',
    badToken: 'Mã vận hành này không hợp lệ.',
    tokenHint: 'Mã vận hành được tạo trên máy của registry:',
    language: 'Ngôn ngữ',
    site: 'Cơ sở',
    allSites: 'Tất cả cơ sở',
    range: 'Khoảng thời gian',
    show: 'Xem',
    summary: (kiosks: number, alerts: number) => `${kiosks} kiosk, ${alerts} cảnh báo.`,
    badQuery: (field: string) => `Địa chỉ trang không hợp lệ: tham số ${field} không được nhận.`,
    autoRefresh: 'Tự làm mới mỗi 30 giây',
    refreshing: 'Trang tự làm mới mỗi 30 giây.',
    alerts: 'Cảnh báo và việc cần làm',
    noAlerts: 'Không có cảnh báo.',
    now: 'hiện tại',
    time: 'Thời điểm (UTC)',
    kind: 'Loại',
    kiosk: 'Kiosk',
    what: 'Chi tiết',
    todo: 'Việc cần làm',
    kiosks: 'Kiosk',
    noKiosk: 'Chưa có kiosk nào đăng ký.',
    lastSeen: 'Lần cuối liên lạc',
    queue: 'Hàng đợi sau lần trả lời cuối',
    lag: 'Độ trễ đồng bộ',
    oldestWaiting: 'chờ lâu nhất',
    recordedToStored: 'ghi → lưu',
    datasets: 'Phiên bản dữ liệu',
    chain: 'Chuỗi',
    checkins: 'Lượt check-in',
    state: 'Trạng thái',
    active: 'hoạt động',
    revoked: 'đã thu hồi',
    never: 'chưa bao giờ',
    ago: (d: string) => `${d} trước`,
    chainWhole: (n: number) => `nguyên vẹn đến ${n}`,
    chainAlerts: (n: number) => `${n} cảnh báo chuỗi`,
    disputed: (n: number) => `${n} dòng tranh chấp`,
    notAsked: 'chưa hỏi',
    behind: (current: number) => `cũ, hiện có bản ${current}`,
    overTime: 'Theo thời gian',
    chartCheckins: 'Check-in được lưu',
    chartKiosks: 'Kiosk liên lạc',
    chartQueue: 'Hàng đợi lớn nhất',
    chartLag: 'Độ trễ ghi → lưu lớn nhất',
    noSamples: 'Chưa có số liệu trong khoảng này.',
    peak: (v: string) => `cao nhất ${v}`,
    boarded: 'Hành khách lên máy bay theo chuyến, hôm nay và hôm qua',
    noBoarded: 'Chưa có hành khách nào lên máy bay.',
    day: 'Ngày',
    flight: 'Chuyến bay',
    passengers: 'Hành khách',
    admittedCheckins: 'Check-in được chấp nhận',
    usedTwice: 'một thẻ lên máy bay dùng hai lần: xem cảnh báo',
    ranges: { '1h': '1 giờ', '6h': '6 giờ', '24h': '24 giờ', '7d': '7 ngày' },
  },
  en: {
    title: 'Kiosk fleet',
    loginTitle: 'Kiosk fleet: log in',
    token: 'Operator token',
    logIn: 'Log in',
    logOut: 'Log out',
    badToken: 'That operator token is not valid.',
    tokenHint: "An operator token is made on the registry's machine:",
    language: 'Language',
    site: 'Site',
    allSites: 'All sites',
    range: 'Time range',
    show: 'Show',
    summary: (kiosks: number, alerts: number) => `${kiosks} kiosk${kiosks === 1 ? '' : 's'}, ${alerts} alert${alerts === 1 ? '' : 's'}.`,
    badQuery: (field: string) => `The page's address is not valid: its ${field} parameter is not one this page takes.`,
    autoRefresh: 'Refresh every 30 s',
    refreshing: 'The page refreshes every 30 s.',
    alerts: 'Alerts and what to do',
    noAlerts: 'No alerts.',
    now: 'now',
    time: 'Time (UTC)',
    kind: 'Kind',
    kiosk: 'Kiosk',
    what: 'What',
    todo: 'What to do',
    kiosks: 'Kiosks',
    noKiosk: 'No kiosk enrolled yet.',
    lastSeen: 'Last seen',
    queue: 'Queue after the last answer',
    lag: 'Sync lag',
    oldestWaiting: 'oldest waiting',
    recordedToStored: 'recorded → stored',
    datasets: 'Dataset versions',
    chain: 'Chain',
    checkins: 'Check-ins',
    state: 'State',
    active: 'active',
    revoked: 'revoked',
    never: 'never',
    ago: (d: string) => `${d} ago`,
    chainWhole: (n: number) => `whole to ${n}`,
    chainAlerts: (n: number) => `${n} chain alert${n === 1 ? '' : 's'}`,
    disputed: (n: number) => `${n} disputed row${n === 1 ? '' : 's'}`,
    notAsked: 'not asked yet',
    behind: (current: number) => `behind, ${current} is out`,
    overTime: 'Over time',
    chartCheckins: 'Check-ins stored',
    chartKiosks: 'Kiosks in contact',
    chartQueue: 'Largest queue',
    chartLag: 'Largest recorded → stored lag',
    noSamples: 'No figures in this range yet.',
    peak: (v: string) => `peak ${v}`,
    boarded: 'Boarded passengers per flight, today and yesterday',
    noBoarded: 'No passenger boarded.',
    day: 'Day',
    flight: 'Flight',
    passengers: 'Passengers',
    admittedCheckins: 'Admitted check-ins',
    usedTwice: 'a pass used twice: see the alerts',
    ranges: { '1h': '1 hour', '6h': '6 hours', '24h': '24 hours', '7d': '7 days' },
  },
} as const;

export type Words = (typeof WORDS)[Lang];

/** The kinds the page knows: those the registry stores (ingest, boarding, kiosk reports) and those it works out from the kiosks' rows. */
export type AlertKind =
  | 'chain-break'
  | 'chain-gap'
  | 'chain-reuse'
  | 'disputed-replaced'
  | 'boarded-twice'
  | 'kiosk-silent'
  | 'kiosk-never-seen'
  | 'queue-behind'
  | 'dataset-stale';

interface Advice {
  title: string;
  todo: string;
}

export const ALERT_ADVICE: Record<AlertKind, Record<Lang, Advice>> = {
  'chain-break': {
    vi: {
      title: 'Chuỗi bị đứt',
      todo: 'Một check-in đã bị sửa hoặc thay thế. Ngừng dùng kiosk, kiểm tra máy và nhật ký của nó, báo bộ phận an ninh; không xoá dữ liệu trên kiosk.',
    },
    en: {
      title: 'Chain broken',
      todo: "A check-in was altered or replaced. Take the kiosk out of service, inspect the machine and its log, and tell security; do not wipe the kiosk's data.",
    },
  },
  'chain-gap': {
    vi: {
      title: 'Chuỗi thiếu check-in',
      todo: 'Có check-in bị xoá hoặc mất trên kiosk. Kiểm tra ổ đĩa của kiosk và xem thư mục dữ liệu có bị khôi phục từ bản sao lưu không; báo an ninh nếu có dòng bị xoá.',
    },
    en: {
      title: 'Check-ins missing from the chain',
      todo: "Check-ins were deleted or lost on the kiosk. Check the kiosk's disk and whether its data folder was restored from a backup; tell security if rows were deleted.",
    },
  },
  'chain-reuse': {
    vi: {
      title: 'Số check-in bị dùng lại',
      todo: 'Một số thứ tự đã qua lại đến với mã mới (cơ sở dữ liệu kiosk bị sao chép hoặc khôi phục?). Kiểm tra không có hai máy chạy cùng khoá của kiosk này; nếu có, thu hồi kiosk.',
    },
    en: {
      title: 'Check-in number used again',
      todo: "A number the chain had passed came again with a new id (a copied or restored kiosk database?). Check that no two machines run with this kiosk's key; if one does, revoke the kiosk.",
    },
  },
  'disputed-replaced': {
    vi: {
      title: 'Dòng tranh chấp đã được thay',
      todo: 'Dòng thật đã đến và thay dòng không khớp chuỗi. Không cần làm gì, trừ khi việc này lặp lại: khi đó hãy kiểm tra kiosk.',
    },
    en: {
      title: 'Disputed row replaced',
      todo: 'The genuine row arrived and replaced one that did not follow the chain. Nothing to do unless it repeats; then inspect the kiosk.',
    },
  },
  'boarded-twice': {
    vi: {
      title: 'Lên máy bay hai lần',
      todo: 'Một hành khách được chấp nhận hai lần cho cùng chuyến (thẻ dùng hai lần khi kiosk mất mạng?). Báo nhân viên cửa ra máy bay đối chiếu số khách với danh sách chuyến bay.',
    },
    en: {
      title: 'Boarded twice',
      todo: "One passenger was admitted twice to the same flight (a pass used twice while kiosks were offline?). Tell that flight's gate staff to check the head count against the manifest.",
    },
  },
  'kiosk-silent': {
    vi: {
      title: 'Kiosk im lặng',
      todo: 'Kiosk không liên lạc với registry hơn 10 phút. Kiểm tra nguồn điện và mạng của nó; kiosk vẫn làm việc khi mất mạng và gửi hàng đợi khi có mạng lại.',
    },
    en: {
      title: 'Kiosk silent',
      todo: 'The kiosk has not contacted the registry for over 10 minutes. Check its power and network; it keeps working offline and sends its queue when it is back.',
    },
  },
  'kiosk-never-seen': {
    vi: {
      title: 'Kiosk chưa từng liên lạc',
      todo: 'Kiosk đã đăng ký nhưng chưa gửi yêu cầu nào. Kiểm tra nó đã được khởi động với địa chỉ của registry này và có mạng tới đây.',
    },
    en: {
      title: 'Kiosk never seen',
      todo: "The kiosk enrolled but has made no request since. Check that it was started with this registry's address and can reach it.",
    },
  },
  'queue-behind': {
    vi: {
      title: 'Hàng đợi tồn đọng',
      todo: 'Kiosk còn check-in chưa gửi được hơn 10 phút. Kiểm tra mạng của kiosk; nếu kiosk báo check-in bị từ chối, xem `kiosk sync status` trên máy đó.',
    },
    en: {
      title: 'Queue behind',
      todo: 'Check-ins have waited on the kiosk for over 10 minutes. Check its network; if it shows rejected check-ins, read `kiosk sync status` on it.',
    },
  },
  'dataset-stale': {
    vi: {
      title: 'Dữ liệu cũ',
      todo: 'Kiosk vẫn dùng phiên bản cũ hơn 10 phút sau khi bản mới được công bố. Xem `kiosk sync status` trên kiosk: nó từ chối phiên bản không hợp lệ và nói lý do; sửa rồi công bố lại.',
    },
    en: {
      title: 'Stale dataset',
      todo: 'The kiosk still holds an older version 10 minutes after a new one was published. Read `kiosk sync status` on it: it refuses a version that does not parse and says why; fix it and publish again.',
    },
  },
};

/** The advice for a stored alert's kind; a kind the page does not know gets its name and a plain pointer. */
export function adviceFor(kind: string, lang: Lang): Advice {
  const a = (ALERT_ADVICE as Record<string, Record<Lang, Advice> | undefined>)[kind];
  if (a) return a[lang];
  return lang === 'vi'
    ? { title: kind, todo: 'Đọc chi tiết và nhật ký của registry.' }
    : { title: kind, todo: "Read the detail and the registry's log." };
}
