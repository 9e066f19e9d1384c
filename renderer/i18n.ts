// Every word the kiosk shows, in Vietnamese (default) and English.
import type { DeviceState, DeviceStatus, Language } from '../main/api/contract.js';

export interface Messages {
  title: string;
  prompt: string;
  promptDetail: string;
  devices: Record<keyof DeviceStatus, string>;
  states: Record<DeviceState, string>;
  version: (v: string) => string;
  simulator: string;
  disconnected: string;
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
  },
};

export const languageNames: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };
